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
        Assert.Equal(["rig-iso_delta_z.png", "rig-iso_peri_decision.png", "rig-iso_peri_stimulation.png", "rig-iso_trace.png"], pngs.Select(Path.GetFileName));
        foreach (string png in pngs)
        {
            byte[] bytes = File.ReadAllBytes(png);
            Assert.True(bytes.Length > 10_000, $"{png} is only {bytes.Length} bytes");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
            // IHDR: width and height, big-endian, at bytes 16 and 20.
            Assert.Equal((SessionReport.Width, SessionReport.Height), (BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20))));
        }

        string html = File.ReadAllText(Path.Combine(output, "rig-iso_report.html"));
        Assert.Equal(4, html.Split("src=\"data:image/png;base64,").Length - 1);
        Assert.Contains("<h2>Limit refusals</h2>", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Faults</h2>", html, StringComparison.Ordinal);
        Assert.Contains("rig-iso_report.html", written, StringComparison.Ordinal);
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
