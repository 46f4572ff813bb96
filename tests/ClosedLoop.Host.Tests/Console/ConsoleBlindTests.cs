using ClosedLoop.Engine.Journal;
using ClosedLoop.Host.Logging;
using ClosedLoop.Host.WebConsole;
using Microsoft.Playwright;

namespace ClosedLoop.Host.Tests.Console;

/// <summary>A blinded console (`console --blind`): nothing on the page tells a sham rig from a closed-loop one.</summary>
public sealed class ConsoleBlindTests : EmbeddedBrokerTest
{
    [Fact]
    public async Task A_sham_rig_shows_as_a_rig_whose_trains_are_trains_and_what_would_name_its_mode_is_refused()
    {
        string database = Path.Combine(Folder, "log.sqlite");
        using var store = new EventStore(database);
        await using var logger = await EventLogger.StartNewAsync(TestBroker.Endpoint, store, "closedloop-logger", CancellationToken.None);
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-hidden", armed: true, publishSamples: true, settings: ["output.mode=sham"]);
        await using var console = await ConsoleServer.StartAsync(TestBroker.Endpoint, new ConsoleOptions { Port = 0, LogPath = database, Blind = true, PresetsFolder = Folder }, CancellationToken.None);
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.OpenAsync(console.Address);
        await using (rig.PumpInBackground())
        {
            lock (rig)
            {
                rig.Run(60);
            }

            var trains = rig.Events(EventKind.OutputStarted);
            Assert.NotEmpty(trains);
            Assert.All(trains, t => Assert.NotEqual(0, t.Flags & OutputFlags.Sham));

            var card = page.Locator("li.rig[data-rig='rig-hidden']");
            await Assertions.Expect(card.Locator("[data-field=mode]")).ToHaveTextAsync("blinded");
            await Assertions.Expect(card.Locator("[data-field=trace-summary]")).ToContainTextAsync("train(s)");
            await Assertions.Expect(card.Locator("ol.events")).ToContainTextAsync("output_");
            await Assertions.Expect(card.Locator("[data-field=config]")).ToHaveTextAsync("blinded");
            string cardText = await card.InnerTextAsync();
            Assert.DoesNotContain("sham", cardText, StringComparison.OrdinalIgnoreCase);
            // Rigs of one condition share a config: its hash would sort them into their groups.
            Assert.DoesNotContain(rig.Rig.Engine.Config.Hash, cardText, StringComparison.Ordinal);
            await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "Configure…" })).ToHaveCountAsync(0);
            await Assertions.Expect(page.Locator("#presets")).ToBeHiddenAsync();

            // Asked directly, the console refuses what would name the mode.
            string token = await page.Locator("meta[name='closedloop-token']").GetAttributeAsync("content") ?? string.Empty;
            foreach (var (method, path) in new[] { ("GET", "/api/rigs/rig-hidden/config"), ("POST", "/api/rigs/rig-hidden/config/check"), ("GET", "/api/presets"), ("GET", "/api/sessions/rig-hidden/1/report"), ("GET", "/api/sessions/rig-hidden/1/export") })
            {
                int status = await page.EvaluateAsync<int>("async ([method, path, token]) => (await fetch(path, { method, headers: { 'X-ClosedLoop-Token': token } })).status", new[] { method, path, token });
                Assert.True(status == 403, $"{method} {path}: {status}");
            }
        }

        await rig.Link.FlushAsync(TimeSpan.FromSeconds(30));
        await Eventually.UntilAsync(() => logger.Gaps.High("rig-hidden", rig.BootId) >= rig.LastSequence);

        // The sessions list counts every train as a train and names no sham train; its report and export wait.
        await page.Locator("#sessions-refresh").ClickAsync();
        var row = page.Locator("#sessions-table tr[data-rig='rig-hidden']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        var cells = await row.Locator("td").AllTextContentsAsync();
        Assert.Equal((rig.Events(EventKind.OutputStarted).Count.ToString(System.Globalization.CultureInfo.InvariantCulture), "-", "after unblinding"), (cells[6], cells[7], cells[10]));
        await Assertions.Expect(page.Locator("#tuning-session option")).ToHaveCountAsync(0);
        // The refused requests above are the only errors the page logged.
        var others = chromium.PageErrors.Where(e => !e.Contains("403", StringComparison.Ordinal)).ToList();
        Assert.True(others.Count == 0, "the page logged: " + string.Join(" | ", others));
    }
}
