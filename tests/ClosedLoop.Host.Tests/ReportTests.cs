using System.Buffers.Binary;
using ClosedLoop.Host.Demo;
using ClosedLoop.Host.Report;

namespace ClosedLoop.Host.Tests;

/// <summary>The session report for a demo session: figures of the declared size, embedded in one HTML file.</summary>
public sealed class ReportTests : IAsyncLifetime, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-report-test").FullName;

    private string Database => Path.Combine(_folder, "closedloop.sqlite");

    public async Task InitializeAsync() =>
        await new DemoRunner([DemoRigSpec.Standard(2)[0]], TimeSpan.FromMinutes(8), _folder).RunAsync(null, CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_report_renders_non_empty_pngs_of_the_declared_size_inside_one_html_file()
    {
        string output = Path.Combine(_folder, "report");

        var (code, written, error) = await CommandLine.Invoke("report", "rig-iso", "--db", Database, "--out", output);

        Assert.True(code == 0, error);
        var pngs = Directory.GetFiles(output, "*.png").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["rig-iso_delta_z.png", "rig-iso_peri_decision.png", "rig-iso_peri_stimulation.png", "rig-iso_trace.png", "rig-iso_train_timing.png"], pngs.Select(Path.GetFileName));
        foreach (string png in pngs)
        {
            byte[] bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 10_000, $"{png} is only {bytes.Length} bytes");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
            // IHDR: width and height, big-endian, at bytes 16 and 20.
            Assert.Equal((SessionReport.Width, SessionReport.Height), (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20))));
        }

        string html = File.ReadAllText(Path.Combine(output, "rig-iso_report.html"));
        Assert.Equal(5, html.Split("src=\"data:image/png;base64,").Length - 1);
        Assert.Contains("<h2>When in the contact each train started</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Limit refusals</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Faults</h2>", html, StringComparison.Ordinal);
        Assert.Contains("rig-iso_report.html", written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_early_rule_trains_start_during_the_contact_and_the_report_says_so()
    {
        string folder = Path.Combine(_folder, "early");
        await new DemoRunner([DemoRigSpec.Standard(2)[0]], TimeSpan.FromMinutes(8), folder, ["detector.rule=early"]).RunAsync(null, CancellationToken.None);
        using var store = new Logging.EventStore(Path.Combine(folder, "closedloop.sqlite"));
        using var windowStore = new Logging.EventStore(Database);

        var early = SessionData.Load(store, "rig-iso", 1, threshold: 1).Encounters.Where(e => e.Stimulated).ToList();
        var window = SessionData.Load(windowStore, "rig-iso", 1, threshold: 1).Encounters.Where(e => e.Stimulated).ToList();

        // The same mouse and encounters (same seed): the window rule's trains come 3 s after onset, the early rule's
        // within the contact, and every early decision carries its whole window's Δz from decision_scored.
        Assert.NotEmpty(early);
        Assert.All(window, e => Assert.InRange(e.LatencyS, 3.0, 3.1));
        Assert.Contains(early, e => e.Early && e.DuringContact && e.LatencyS < 1.5);
        Assert.True(early.Count(e => e.DuringContact) > window.Count(e => e.DuringContact), $"{early.Count(e => e.DuringContact)} early-rule trains during contact, {window.Count(e => e.DuringContact)} with the window rule");
        Assert.All(early.Where(e => e.Early), e => Assert.True(double.IsFinite(e.DeltaZ)));

        var (code, _, error) = await CommandLine.Invoke("report", "rig-iso", "--db", Path.Combine(folder, "closedloop.sqlite"), "--out", Path.Combine(folder, "report"));
        Assert.True(code == 0, error);
        string html = File.ReadAllText(Path.Combine(folder, "report", "rig-iso_report.html"));
        Assert.Contains($"{early.Count(e => e.DuringContact)} of {early.Count} trains started while the mice were still in contact", html, StringComparison.Ordinal);
        Assert.Contains("<td>early</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Peri_event_data_holds_each_decision_and_whether_it_was_stimulated()
    {
        using var store = new Logging.EventStore(Database);

        var data = SessionData.Load(store, "rig-iso", 1, threshold: 1);

        Assert.NotEmpty(data.Encounters);
        Assert.All(data.Encounters, e => Assert.Contains(e.Outcome, new[] { "response", "deficit" }));
        Assert.Contains(data.Encounters, e => e.Stimulated);
        Assert.All(data.Encounters.Where(e => e.Stimulated), e => Assert.Equal("deficit", e.Outcome));
        Assert.Equal(data.TimeS.Order(), data.TimeS);
    }
}
