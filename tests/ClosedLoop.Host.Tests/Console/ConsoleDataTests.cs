using System.IO.Compression;
using System.Net;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Host.Logging;
using ClosedLoop.Host.WebConsole;
using Microsoft.Playwright;

namespace ClosedLoop.Host.Tests.Console;

/// <summary>Sessions and data on the page: the log's sessions with their counts, the report and the export a click away.</summary>
public sealed class ConsoleDataTests : EmbeddedBrokerTest
{
    [Fact]
    public async Task The_logged_session_is_listed_with_its_counts_and_its_report_and_export_open_with_one_click()
    {
        string database = Path.Combine(Folder, "log.sqlite");
        int encounters;
        int trains;
        using (var store = new EventStore(database))
        {
            await using var logger = await EventLogger.StartNewAsync(TestBroker.Endpoint, store, "closedloop-logger", CancellationToken.None);
            await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-t", armed: false, publishSamples: true);
            await using (rig.PumpInBackground())
            {
                var (code, _, error) = await CommandLine.Invoke("session", "rig-t", "start", "--subject", "m42", "--broker", BrokerAddress);
                Assert.True(code == 0, error);
            }

            lock (rig)
            {
                rig.Rig.Engine.Arm();
                rig.Run(60);
            }

            await rig.Link.FlushAsync(TimeSpan.FromSeconds(30));
            await Eventually.UntilAsync(() => logger.Gaps.High("rig-t", rig.BootId) >= rig.LastSequence && store.CountFrames() >= rig.Link.FramesSent);

            encounters = rig.Events(EventKind.EncounterOn).Count;
            trains = rig.Events(EventKind.OutputStarted).Count;
            await logger.StopAsync();
        }

        Assert.True(encounters > 0 && trains > 0, $"{encounters} encounters, {trains} trains");
        await using var console = await ConsoleServer.StartAsync(TestBroker.Endpoint, new ConsoleOptions { Port = 0, LogPath = database }, CancellationToken.None);
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.OpenAsync(console.Address, await chromium.NewContextAsync(new() { AcceptDownloads = true }));

        var row = page.Locator("#sessions-table tr[data-rig='rig-t'][data-boot='1']");
        await Assertions.Expect(row).ToBeVisibleAsync();
        var cells = await row.Locator("td").AllTextContentsAsync();
        Assert.Equal(("rig-t", "1", "m42", encounters.ToString(System.Globalization.CultureInfo.InvariantCulture), trains.ToString(System.Globalization.CultureInfo.InvariantCulture), "0"),
            (cells[0], cells[1], cells[2], cells[4], cells[6], cells[7]));
        // The session's start in local time, as a person reads it; the log's UTC moment on hovering.
        Assert.Matches("^[A-Z][a-z]{2} [0-9]{1,2}, 20[0-9]{2}, [0-9]{1,2}:[0-9]{2}:[0-9]{2} [AP]M$", cells[3]);
        Assert.Matches("^20[0-9-]{8}T[0-9:.]+Z \\(UTC\\)$", await row.Locator("td").Nth(3).GetAttributeAsync("title") ?? string.Empty);

        var report = await page.Context.RunAndWaitForPageAsync(() => row.GetByRole(AriaRole.Link, new() { Name = "Report" }).ClickAsync());
        await Assertions.Expect(report.Locator("h1")).ToHaveTextAsync("rig-t, boot 1");
        await Assertions.Expect(report.Locator("body")).ToContainTextAsync("Session with m42");

        var download = await page.RunAndWaitForDownloadAsync(() => row.GetByRole(AriaRole.Link, new() { Name = "Export (zip)" }).ClickAsync());
        Assert.Equal("rig-t-boot1.zip", download.SuggestedFilename);
        string zipPath = Path.Combine(Folder, "export.zip");
        await download.SaveAsAsync(zipPath);
        using var zip = ZipFile.OpenRead(zipPath);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("rig-t-boot1/rig-t.json", names);
        Assert.Contains("rig-t-boot1/rig-t_samples.parquet", names);
        Assert.Contains(names, n => n.StartsWith("rig-t-boot1/guppy/", StringComparison.Ordinal) && n.EndsWith(".csv", StringComparison.Ordinal));

        // Tuning on the logged session: replayed with the config it ran, its decisions in the table.
        await page.GetByLabel("Logged session", new() { Exact = true }).SelectOptionAsync("rig-t|1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tuning-outcome")).ToContainTextAsync("rig-t", new() { Timeout = 30_000 });
        Assert.True(await page.Locator("#tuning-encounters tbody tr").CountAsync() > 0);
        Assert.Empty(chromium.PageErrors);
    }

    [Fact]
    public async Task A_real_recording_uploaded_for_tuning_is_replayed_through_the_engine_and_swept()
    {
        await using var console = await ConsoleServer.StartAsync(TestBroker.Endpoint, new ConsoleOptions { Port = 0 }, CancellationToken.None);
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.OpenAsync(console.Address);
        await page.GetByLabel("A pyPhotometry .ppd file").CheckAsync();
        await page.GetByLabel(".ppd file", new() { Exact = true }).SetInputFilesAsync(CommandLine.RealRecording);

        // A setting the engine refuses: nothing runs, and the engine says why.
        await page.GetByLabel("Candidate settings, one section.key=value a line").FillAsync("encounter.min_duration_ms=100\ndetector.deficit_threshold=99");
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tuning-outcome")).ToContainTextAsync("not replayed: detector.deficit_threshold", new() { Timeout = 30_000 });

        await page.GetByLabel("Candidate settings, one section.key=value a line").FillAsync("encounter.min_duration_ms=100");
        await page.GetByLabel("setting", new() { Exact = true }).SelectOptionAsync("detector.deficit_threshold");
        await page.GetByLabel("from", new() { Exact = true }).FillAsync("0");
        await page.GetByLabel("to", new() { Exact = true }).FillAsync("1");
        await page.GetByLabel("step", new() { Exact = true }).FillAsync("0.5");
        await page.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tuning-outcome")).ToContainTextAsync("m17-R-2018-12-12-090409", new() { Timeout = 60_000 });
        // The console reads the file as the replay command does, and says the same of it.
        await Assertions.Expect(page.Locator("#tuning-notes")).ToContainTextAsync("rate: 130 cycles a second, from the .ppd header");
        await Assertions.Expect(page.Locator("#tuning-notes")).ToContainTextAsync("analog 1 as the signal, analog 2 as the control");

        // The same recording replayed here through the engine, counted from its journal alone.
        var recording = ClosedLoop.Data.Recording.FromPpd(ClosedLoop.Data.Ppd.PpdReader.Read(CommandLine.RealRecording), 0);
        var sweep = await page.Locator("#tuning-sweep tbody tr").AllAsync();
        Assert.Equal(3, sweep.Count);
        for (int i = 0; i < 3; i++)
        {
            double threshold = i * 0.5;
            var document = new ConfigDocument();
            document.Set("acquisition", "rate_hz", recording.SamplingRate.ToString(System.Globalization.CultureInfo.InvariantCulture));
            document.Set("encounter", "min_duration_ms", "100");
            document.Set("detector", "deficit_threshold", threshold.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var replay = ClosedLoop.VirtualRig.Replay.RecordingReplay.Run(recording, ConfigLoader.FromDocument(document, new ConfigErrorList()).Config);
            string deficits = replay.Events.Count(e => e.Kind == EventKind.Decision && e.Code == (int)ClosedLoop.Engine.Detection.DecisionOutcome.Deficit).ToString(System.Globalization.CultureInfo.InvariantCulture);
            string trains = replay.Events.Count(e => e.Kind == EventKind.OutputStarted).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var cells = await sweep[i].Locator("td").AllTextContentsAsync();
            Assert.Equal((deficits, trains), (cells[2], cells[4]));
            if (i == 1)
            {
                // The encounter table is the unswept replay's; the sweep value 0.5 is not the default (1), so compare encounters only.
                Assert.Equal(replay.Events.Count(e => e.Kind == EventKind.EncounterOn).ToString(System.Globalization.CultureInfo.InvariantCulture), cells[1]);
            }
        }

        await Assertions.Expect(page.Locator("#tuning-plot svg polyline")).ToHaveCountAsync(2);
        // The plot has ticks on both axes, and its legend lies right of every point: it covers nothing.
        Assert.True(await page.Locator("#tuning-plot svg [data-tick=x]").CountAsync() >= 2);
        Assert.True(await page.Locator("#tuning-plot svg [data-tick=y]").CountAsync() >= 2);
        double rightmostPoint = await page.EvaluateAsync<double>("Math.max(...[...document.querySelectorAll('#tuning-plot svg circle')].map(c => c.getBBox().x + c.getBBox().width))");
        double legendLeft = await page.EvaluateAsync<double>("Math.min(...[...document.querySelectorAll('#tuning-plot svg [data-legend]')].map(t => t.getBBox().x))");
        Assert.True(legendLeft > rightmostPoint, $"legend from x {legendLeft}, points to x {rightmostPoint}");

        // The sweep list offers the experiment's settings first, the hardware's after them.
        Assert.Equal(["Experiment settings", "Hardware and link"], await page.Locator("#tuning-sweep-key optgroup").EvaluateAllAsync<string[]>("groups => groups.map(g => g.label)"));
        Assert.StartsWith("detector.", await page.Locator("#tuning-sweep-key optgroup option").First.GetAttributeAsync("value"), StringComparison.Ordinal);
        Assert.True(await page.Locator("#tuning-encounters tbody tr").CountAsync() > 10);
        Assert.Empty(chromium.PageErrors);
    }

    [Fact]
    public async Task Without_a_log_the_page_says_why_it_lists_no_sessions()
    {
        await using var console = await ConsoleServer.StartAsync(TestBroker.Endpoint, new ConsoleOptions { Port = 0 }, CancellationToken.None);
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.OpenAsync(console.Address);

        await Assertions.Expect(page.Locator("#sessions-note")).ToContainTextAsync("started without the logger's log (--db)");
        await Assertions.Expect(page.Locator("#sessions-table")).ToBeHiddenAsync();
        using var http = new HttpClient();
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(console.Address, "api/sessions/rig-t/1/export"))).StatusCode);
    }
}
