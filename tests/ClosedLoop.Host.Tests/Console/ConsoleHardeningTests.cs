using System.Net;
using ClosedLoop.Host.Mqtt;
using ClosedLoop.Host.WebConsole;

namespace ClosedLoop.Host.Tests.Console;

/// <summary>The console against a hostile page and a stolen cookie: as a browser or a script would send the requests.</summary>
public sealed class ConsoleHardeningTests : EmbeddedBrokerTest
{
    private static HttpClient Client(Uri address, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies ?? new CookieContainer(), UseCookies = true }) { BaseAddress = address };

    [Fact]
    public async Task Without_logins_it_answers_only_to_a_loopback_host_so_dns_rebinding_reads_nothing()
    {
        await using var console = await ConsoleServer.StartAsync(TestBroker.Endpoint, new ConsoleOptions { Port = 0 }, CancellationToken.None);
        using var http = Client(console.Address);

        using var rebound = new HttpRequestMessage(HttpMethod.Get, "/");
        rebound.Headers.Host = $"attacker.example:{console.Address.Port}";
        using var refused = await http.SendAsync(rebound);
        using var local = await http.GetAsync("/");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.DoesNotContain("closedloop-token", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, local.StatusCode);
    }

    [Fact]
    public async Task A_request_that_changes_something_from_another_origin_is_refused_before_it_acts()
    {
        await using var console = await ConsoleServer.StartAsync(TestBroker.Endpoint, new ConsoleOptions { Port = 0 }, CancellationToken.None);
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-origin", armed: true);
        using var http = Client(console.Address);
        string page = await http.GetStringAsync("/");
        string token = System.Text.RegularExpressions.Regex.Match(page, "name=\"closedloop-token\" content=\"([^\"]+)\"").Groups[1].Value;
        HttpRequestMessage Disarm(string? origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/rigs/rig-origin/disarm");
            request.Headers.Add("X-ClosedLoop-Token", token);
            if (origin is not null)
            {
                request.Headers.Add("Origin", origin);
            }

            return request;
        }

        // The page's own token (read through a rebound name, say), sent from another site: refused.
        using (var request = Disarm("http://attacker.example"))
        using (var refused = await http.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("another site", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.True(rig.Rig.Engine.IsArmed);

        // The same request from the console's own origin gets through to the rig (which answers once pumped).
        using (var request = Disarm(console.Address.GetLeftPart(UriPartial.Authority)))
        using (var passed = await http.SendAsync(request))
        {
            Assert.NotEqual(HttpStatusCode.Forbidden, passed.StatusCode);
        }
    }

    [Theory]
    [InlineData("has a header that is not JSON", new byte[] { 4, 0, 0x7B, 0xFF, 0xFE, 0x7D, 1, 0, 2, 0 })]
    [InlineData("is truncated", new byte[] { 200, 0, 0x7B })]
    public async Task A_broken_recording_uploaded_for_tuning_is_named_by_its_own_file_name_not_the_servers_folder(string problem, byte[] ppd)
    {
        await using var console = await ConsoleServer.StartAsync(TestBroker.Endpoint, new ConsoleOptions { Port = 0 }, CancellationToken.None);
        using var http = Client(console.Address);
        string page = await http.GetStringAsync("/");
        string token = System.Text.RegularExpressions.Regex.Match(page, "name=\"closedloop-token\" content=\"([^\"]+)\"").Groups[1].Value;
        using var form = new MultipartFormDataContent { { new StringContent("ppd"), "source" }, { new ByteArrayContent(ppd), "ppd", "mouse-7.ppd" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tuning") { Content = form };
        request.Headers.Add("X-ClosedLoop-Token", token);
        request.Headers.Add("Origin", console.Address.GetLeftPart(UriPartial.Authority));

        using var answer = await http.SendAsync(request);
        string body = await answer.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        string error = System.Text.Json.JsonDocument.Parse(body).RootElement.GetProperty("errors")[0].GetString()!;
        Assert.StartsWith("mouse-7.ppd ", error, StringComparison.Ordinal);
        Assert.Contains(problem, error, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), body, StringComparison.Ordinal);
        Assert.DoesNotContain("closedloop-console-tuning", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_answer_forbids_framing_and_foreign_scripts()
    {
        await using var console = await ConsoleServer.StartAsync(TestBroker.Endpoint, new ConsoleOptions { Port = 0 }, CancellationToken.None);
        using var http = Client(console.Address);

        using var page = await http.GetAsync("/");

        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        string policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Logging_out_ends_the_login_for_every_copy_of_its_cookie()
    {
        var users = new BrokerUsers();
        users.Set("olga", BrokerRole.Operator, "olga's long password");
        await using var console = await ConsoleServer.StartAsync(TestBroker.Endpoint, new ConsoleOptions { Port = 0, Users = users }, CancellationToken.None);
        var cookies = new CookieContainer();
        using var browser = Client(console.Address, cookies);
        using (var login = await browser.PostAsync("/login", new FormUrlEncodedContent([new("name", "olga"), new("password", "olga's long password")])))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }

        // Someone copied the cookie before she logged out.
        string stolen = cookies.GetCookieHeader(console.Address);
        Assert.Contains("closedloop-console=", stolen, StringComparison.Ordinal);
        using (var before = await WithCookie(console.Address, stolen, "/api/rigs"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using (var logout = await browser.PostAsync("/logout", null))
        {
            Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        }

        using var after = await WithCookie(console.Address, stolen, "/api/rigs");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    private static async Task<HttpResponseMessage> WithCookie(Uri address, string cookie, string path)
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = address };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", cookie);
        return await http.SendAsync(request);
    }
}
