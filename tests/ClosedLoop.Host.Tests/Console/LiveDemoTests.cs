using System.Net;
using ClosedLoop.Host.Demo;
using Microsoft.Playwright;

namespace ClosedLoop.Host.Tests.Console;

/// <summary>`closedloop demo --console`: virtual rigs in real time with the console on them.</summary>
public sealed class LiveDemoTests
{
    [Fact]
    public async Task The_live_demo_serves_a_console_on_its_rigs_whose_traces_move()
    {
        string folder = Directory.CreateTempSubdirectory("closedloop-live-demo").FullName;
        await using var demo = await LiveDemo.StartAsync(LiveDemo.Rigs(3, seed: 4), folder, IPAddress.Loopback, 0, [], CancellationToken.None);
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.OpenAsync(demo.Console.Address);

        foreach (string rig in new[] { "rig-iso", "rig-sham", "rig-group" })
        {
            var card = page.Locator($"li.rig[data-rig='{rig}']");
            await Assertions.Expect(card.Locator("ul.states")).ToContainTextAsync("in session", new() { Timeout = 15_000 });
            await Assertions.Expect(card.Locator("[data-field=trace-summary]")).ToContainTextAsync("dF/F", new() { Timeout = 15_000 });
        }

        await Assertions.Expect(page.Locator("li.rig[data-rig='rig-sham'] [data-field=mode]")).ToHaveTextAsync("sham");

        // What a newcomer tries first: the page says how the rigs were started, a refusal says what to do, and doing it works.
        await Assertions.Expect(page.Locator("#notice")).ToContainTextAsync("press Stop session, then Start session with an animal id");
        var iso = page.Locator("li.rig[data-rig='rig-iso']");
        await iso.GetByLabel("Subject").FillAsync("m01");
        await iso.GetByRole(AriaRole.Button, new() { Name = "Start session" }).ClickAsync();
        await Assertions.Expect(iso.Locator(".outcome")).ToHaveTextAsync("session-start: refused: in_session (a session is running: stop it first)", new() { Timeout = 15_000 });
        await iso.GetByRole(AriaRole.Button, new() { Name = "Stop session" }).ClickAsync();
        await Assertions.Expect(iso.Locator(".outcome")).ToHaveTextAsync("session-stop: accepted", new() { Timeout = 15_000 });
        await iso.GetByRole(AriaRole.Button, new() { Name = "Start session" }).ClickAsync();
        await Assertions.Expect(iso.Locator(".outcome")).ToHaveTextAsync("session-start: accepted", new() { Timeout = 15_000 });
        Assert.Empty(chromium.PageErrors);
    }

    [Fact]
    public async Task Demo_console_prints_the_consoles_address_and_stops_when_its_minutes_are_up()
    {
        string folder = Directory.CreateTempSubdirectory("closedloop-live-demo").FullName;

        var (code, output, error) = await CommandLine.Invoke("demo", "--console", "--port", "0", "--rigs", "2", "--minutes", "0.05", "--out", folder);

        Assert.True(code == 0, error);
        Assert.Matches(@"console at http://127\.0\.0\.1:\d+/ \(2 virtual rig\(s\) in real time", output);
        Assert.True(File.Exists(Path.Combine(folder, "closedloop.sqlite")));
    }

    [Fact]
    public async Task Demo_console_refuses_a_rig_count_out_of_range()
    {
        var (code, _, error) = await CommandLine.Invoke("demo", "--console", "--rigs", "17", "--port", "0");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--rigs 17: expected 1 to 16", error, StringComparison.Ordinal);
    }
}
