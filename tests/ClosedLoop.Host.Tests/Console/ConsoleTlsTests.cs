using System.Net;
using System.Security.Cryptography.X509Certificates;
using ClosedLoop.Host.Mqtt;

namespace ClosedLoop.Host.Tests.Console;

/// <summary>A console on the network with the lab's certificate: HTTPS only, and the login cookie never sent in the clear.</summary>
public sealed class ConsoleTlsTests : EmbeddedBrokerTest
{
    [Fact]
    public async Task With_the_labs_certificate_logins_travel_over_https_only()
    {
        TestCertificates.Create(Folder);
        var users = new BrokerUsers();
        users.Set("alice", BrokerRole.Operator, "alice's long password");
        string usersFile = Path.Combine(Folder, "users.json");
        users.Save(usersFile);

        using var stop = new CancellationTokenSource();
        var output = new StringWriter();
        var serving = ClosedLoop.Host.Commands.ClosedLoopCommandLine.Build()
            .Parse(["console", "--bind", "0.0.0.0", "--port", "0", "--users", usersFile, "--tls-cert", Path.Combine(Folder, "server.crt"), "--tls-key", Path.Combine(Folder, "server.key"), "--broker", BrokerAddress])
            .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = output }, stop.Token);
        await Eventually.UntilAsync(() => output.ToString().Contains("console at ", StringComparison.Ordinal));

        var started = System.Text.RegularExpressions.Regex.Match(output.ToString(), @"console at https://[^:]+:(\d+)/");
        Assert.True(started.Success, output.ToString());
        Assert.DoesNotContain("plain HTTP", output.ToString(), StringComparison.Ordinal);
        int port = int.Parse(started.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        // A client that trusts the lab's CA, as a lab's browsers would.
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(Folder, "ca.crt"));
        var cookies = new CookieContainer();
        using var handler = new HttpClientHandler
        {
            AllowAutoRedirect = false,
            CookieContainer = cookies,
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
        using var https = new HttpClient(handler) { BaseAddress = new Uri($"https://127.0.0.1:{port}/") };
        using var login = await https.PostAsync("/login", new FormUrlEncodedContent([new("name", "alice"), new("password", "alice's long password")]));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        string setCookie = string.Join(";", login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("secure", setCookie, StringComparison.OrdinalIgnoreCase);
        string page = await https.GetStringAsync("/");
        Assert.Contains("alice (operator)", page, StringComparison.Ordinal);

        // Plain HTTP to the same port gets no console.
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(10) };
        HttpResponseMessage? plain = null;
        try
        {
            plain = await http.GetAsync("/login");
        }
        catch (HttpRequestException)
        {
            // The TLS listener drops a plain request: also no console.
        }

        Assert.True(plain is null || plain.StatusCode == HttpStatusCode.BadRequest, $"plain HTTP answered {plain?.StatusCode}");
        plain?.Dispose();
        await stop.CancelAsync();
        Assert.Equal(0, await serving);
    }
}
