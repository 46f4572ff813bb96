using System.Net;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Wire;
using ClosedLoop.Host.Logging;
using ClosedLoop.Host.Mqtt;
using ClosedLoop.Host.WebConsole;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace ClosedLoop.Host.Tests.Console;

/// <summary>
/// A console on the network: every request needs a login from the lab's users file, operators command, viewers
/// only watch, and every command is recorded with who sent it from where, in the log, the export and the report.
/// </summary>
public sealed class ConsoleLoginTests : BrowserConsoleTest
{
    // Every address of the machine: beyond loopback, which only a console with logins may do.
    protected override ConsoleOptions Options => new() { Bind = IPAddress.Any, Port = 0, Users = LabUsers() };

    private static BrokerUsers LabUsers()
    {
        var users = new BrokerUsers();
        users.Set("alice", BrokerRole.Operator, "alice's long password");
        users.Set("victor", BrokerRole.Viewer, "victor's long password");
        users.Set("rig-login", BrokerRole.Rig, "a rig's password");
        return users;
    }

    /// <summary>The console's address through loopback (it listens on every address).</summary>
    private Uri Address => new($"http://127.0.0.1:{Server.Address.Port}/");

    private async Task<IPage> LogInAsync(string name, string password)
    {
        var context = await Chromium.NewContextAsync();
        var page = await Chromium.OpenAsync(Address, context);
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/login"));
        await page.GetByLabel("Name").FillAsync(name);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        return page;
    }

    [Fact]
    public async Task Without_a_login_nothing_is_served_and_no_command_reaches_a_rig()
    {
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-locked", armed: false);
        await using (rig.PumpInBackground())
        {
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Address };
            using var page = await http.GetAsync("/");
            using var rigs = await http.GetAsync("/api/rigs");
            using var stream = await http.GetAsync("/api/traces");
            using var arm = await http.PostAsync("/api/rigs/rig-locked/arm", null);
            using var apply = await http.PostAsync("/api/rigs/rig-locked/config/apply", new FormUrlEncodedContent([new("detector.deficit_threshold", "2")]));

            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/login", page.Headers.Location!.AbsolutePath);
            Assert.Equal(HttpStatusCode.Unauthorized, rigs.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, stream.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, arm.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, apply.StatusCode);
            await Task.Delay(500);
            Assert.False(rig.Rig.Engine.IsArmed);
            Assert.Empty(rig.Events(EventKind.Command));
        }
    }

    [Fact]
    public async Task A_wrong_password_or_a_rig_account_does_not_log_in()
    {
        var wrong = await LogInAsync("alice", "not her password");
        await Assertions.Expect(wrong.Locator("#problem")).ToContainTextAsync("do not match an operator or viewer");
        var axe = await wrong.RunAxe();
        Assert.Empty(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}"));

        var rigAccount = await LogInAsync("rig-login", "a rig's password");
        await Assertions.Expect(rigAccount.Locator("#problem")).ToContainTextAsync("do not match an operator or viewer");
        Assert.Empty(Chromium.PageErrors);
    }

    [Fact]
    public async Task Guessing_passwords_is_cut_off_after_a_few_tries_a_minute_even_for_the_right_one()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = Address };
        var statuses = new List<HttpStatusCode>();
        for (int i = 0; i < ConsoleServer.LoginTriesPerMinute; i++)
        {
            using var guess = await http.PostAsync("/login", new FormUrlEncodedContent([new("name", "alice"), new("password", $"guess {i}")]));
            statuses.Add(guess.StatusCode);
        }

        using var right = await http.PostAsync("/login", new FormUrlEncodedContent([new("name", "alice"), new("password", "alice's long password")]));

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Redirect, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.False(right.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task A_role_changed_in_the_users_file_ends_the_login_at_its_next_request()
    {
        string file = Path.Combine(Folder, "users.json");
        var users = new BrokerUsers();
        users.Set("olga", BrokerRole.Operator, "olga's long password");
        users.Save(file);
        await using var console = await ConsoleServer.StartAsync(TestBroker.Endpoint, new ConsoleOptions { Port = 0, Users = BrokerUsers.Load(file), UsersFile = file }, CancellationToken.None);
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = console.Address };
        async Task<HttpStatusCode> LogInAsync()
        {
            using var login = await http.PostAsync("/login", new FormUrlEncodedContent([new("name", "olga"), new("password", "olga's long password")]));
            return login.StatusCode;
        }

        Assert.Equal(HttpStatusCode.Redirect, await LogInAsync());
        Assert.Contains("olga (operator)", await http.GetStringAsync("/"), StringComparison.Ordinal);

        // And in a browser: her page is open with a rig on it when her role changes.
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-olga", armed: false);
        await using var pumping = rig.PumpInBackground();
        var page = await Chromium.OpenAsync(console.Address, await Chromium.NewContextAsync());
        await page.GetByLabel("Name").FillAsync("olga");
        await page.GetByLabel("Password").FillAsync("olga's long password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        var card = page.Locator("li.rig[data-rig='rig-olga']");
        await Assertions.Expect(card.Locator("ul.states")).ToContainTextAsync("disarmed");

        users.Set("olga", BrokerRole.Viewer, "olga's long password");
        users.Save(file);
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(2));
        using (var after = await http.GetAsync("/api/rigs"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }

        // Her next command is not sent, and the page tells her why.
        await card.GetByRole(AriaRole.Button, new() { Name = "Disarm" }).ClickAsync();
        await Assertions.Expect(card.Locator(".outcome")).ToHaveTextAsync("disarm: your login has ended: reload the page to log in again");
        Assert.Empty(rig.Events(EventKind.Command));

        // Logged in again, she has her new role.
        Assert.Equal(HttpStatusCode.Redirect, await LogInAsync());
        Assert.Contains("olga (viewer", await http.GetStringAsync("/"), StringComparison.Ordinal);

        // Gone from the file: no login at all.
        new BrokerUsers().Save(file);
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(4));
        using (var gone = await http.GetAsync("/api/rigs"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, gone.StatusCode);
        }

        using var refused = await http.PostAsync("/login", new FormUrlEncodedContent([new("name", "olga"), new("password", "olga's long password")]));
        Assert.Equal("/login", refused.Headers.Location?.OriginalString.Split('?')[0]);
    }

    [Fact]
    public async Task A_viewer_watches_but_cannot_arm()
    {
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-watched", armed: false);
        await using (rig.PumpInBackground())
        {
            var page = await LogInAsync("victor", "victor's long password");
            var card = page.Locator("li.rig[data-rig='rig-watched']");
            await Assertions.Expect(card.Locator("ul.states")).ToContainTextAsync("disarmed");
            await Assertions.Expect(page.Locator("#who")).ToContainTextAsync("victor (viewer");
            await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "Arm…" })).ToHaveCountAsync(0);
            await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "E-STOP" })).ToHaveCountAsync(0);
            var axe = await page.RunAxe();
            Assert.Empty(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}"));

            // Even with the viewer's own page token, from the viewer's own session, an arm is refused.
            int status = await page.EvaluateAsync<int>("""
                async () => (await fetch('/api/rigs/rig-watched/arm', { method: 'POST', headers: { 'X-ClosedLoop-Token': document.querySelector('meta[name="closedloop-token"]').content } })).status
                """);
            Assert.Equal(403, status);
            await Task.Delay(500);
            Assert.False(rig.Rig.Engine.IsArmed);
            Assert.Empty(rig.Events(EventKind.Command));
        }
    }

    [Fact]
    public async Task An_operators_commands_are_journaled_by_the_rig_under_her_name_and_logged_with_her_address_for_export_and_report()
    {
        string database = Path.Combine(Folder, "audit.sqlite");
        using (var store = new EventStore(database))
        {
            await using var logger = await EventLogger.StartNewAsync(TestBroker.Endpoint, store, "closedloop-logger", CancellationToken.None);
            await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-t", armed: false, publishSamples: true);
            await using (rig.PumpInBackground())
            {
                var page = await LogInAsync("alice", "alice's long password");
                await Assertions.Expect(page.Locator("#who")).ToContainTextAsync("alice (operator)");
                var card = page.Locator("li.rig[data-rig='rig-t']");
                page.Dialog += (_, dialog) => dialog.AcceptAsync();
                await card.GetByRole(AriaRole.Button, new() { Name = "Arm…" }).ClickAsync(new() { Timeout = 10_000 });
                await Assertions.Expect(card.Locator(".outcome")).ToHaveTextAsync("arm: accepted");
                await card.GetByRole(AriaRole.Button, new() { Name = "Disarm" }).ClickAsync();
                await Assertions.Expect(card.Locator(".outcome")).ToHaveTextAsync("disarm: accepted");

                // The rig journals the sender as her name.
                var sender = new char[SenderName.MaxLength];
                Assert.All(rig.Events(EventKind.Command), c => Assert.Equal("alice", new string(sender, 0, SenderName.Unpack(c.Ref2, sender))));
                Assert.Equal(2, rig.Events(EventKind.Command).Count);
            }

            rig.Run(10);
            await rig.Link.FlushAsync(TimeSpan.FromSeconds(30));
            await Eventually.UntilAsync(() => store.Audits("rig-t", rig.BootId).Count >= 2);

            var audits = store.Audits("rig-t", rig.BootId);
            Assert.Equal([("arm", "alice", "127.0.0.1", "accepted"), ("disarm", "alice", "127.0.0.1", "accepted")], audits.Select(a => (a.Command, a.User, a.Address, a.Result)));

            // Published under the account the broker proved (here the console's sender, alice), which the rig's journal confirms.
            Assert.All(audits, a => Assert.Equal("alice", a.Account));
            Assert.All(audits, a => Assert.True(a.ConfirmedBy(rig.Events(EventKind.Command))));
            Assert.Equal(rig.Events(EventKind.Command).Select(c => c.Ref1), audits.Select(a => a.CommandId));
            await logger.StopAsync();
        }

        var export = await CommandLine.Invoke("export", "rig-t", "--db", database, "--out", Path.Combine(Folder, "export"));
        var report = await CommandLine.Invoke("report", "rig-t", "--db", database, "--out", Path.Combine(Folder, "report"));

        Assert.True(export.Code == 0, export.Error);
        var commands = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "export", "rig-t.json"))).RootElement.GetProperty("console_commands");
        Assert.Equal(["arm alice 127.0.0.1 accepted", "disarm alice 127.0.0.1 accepted"],
            commands.EnumerateArray().Select(c => $"{c.GetProperty("command").GetString()} {c.GetProperty("user").GetString()} {c.GetProperty("address").GetString()} {c.GetProperty("result").GetString()}"));
        Assert.True(report.Code == 0, report.Error);
        string html = File.ReadAllText(Directory.GetFiles(Path.Combine(Folder, "report"), "*.html").Single());
        Assert.Contains("<h2>Commands from the console</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<td>arm</td><td>alice</td><td>127.0.0.1</td><td>accepted</td><td>alice</td><td>confirmed</td>", html, StringComparison.Ordinal);
        Assert.All(commands.EnumerateArray(), c => Assert.True(c.GetProperty("confirmed_by_rig").GetBoolean()));
    }

    [Fact]
    public async Task A_console_beyond_loopback_needs_a_users_file_with_someone_who_can_log_in()
    {
        var (code, _, error) = await CommandLine.Invoke("console", "--bind", "0.0.0.0", "--port", "0");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("a console on the network needs logins", error, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ArgumentException>(() => ConsoleServer.StartAsync(TestBroker.Endpoint, new ConsoleOptions { Bind = IPAddress.Any, Port = 0 }, CancellationToken.None));

        var rigsOnly = new BrokerUsers();
        rigsOnly.Set("rig-01", BrokerRole.Rig, "a rig's password");
        string file = Path.Combine(Folder, "rigs-only.json");
        rigsOnly.Save(file);
        var (rigsCode, _, rigsError) = await CommandLine.Invoke("console", "--bind", "0.0.0.0", "--port", "0", "--users", file);
        Assert.Equal(ExitCodes.Usage, rigsCode);
        Assert.Contains("no operator or viewer user", rigsError, StringComparison.Ordinal);
    }
}
