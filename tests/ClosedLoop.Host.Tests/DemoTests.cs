using ClosedLoop.Engine.Config;
using ClosedLoop.Host.Commands;
using ClosedLoop.Host.Demo;
using ClosedLoop.VirtualRig;

namespace ClosedLoop.Host.Tests;

public sealed class DemoTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-demo-test").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<IReadOnlyList<RigSummary>> Run(string folder, double minutes = 12) =>
        await new DemoRunner(DemoRigSpec.Standard(3), TimeSpan.FromMinutes(minutes), folder).RunAsync(null, CancellationToken.None);

    [Fact]
    public async Task The_demo_runs_every_rig_and_sums_up_from_their_event_logs()
    {
        var summaries = await Run(_folder);

        Assert.Equal(["rig-iso", "rig-sham", "rig-group"], summaries.Select(s => s.RigId));
        Assert.All(summaries, s => Assert.InRange(s.Encounters, 15, 40));
        Assert.All(summaries, s => Assert.True(File.Exists(s.EventLogPath)));
        var iso = summaries[0];
        var sham = summaries[1];
        Assert.True(iso.TrainsDriven > 0, "the isolation-reared closed-loop rig should stimulate");
        Assert.Equal(0, iso.ShamTrains);
        Assert.Equal(0, sham.TrainsDriven);
        Assert.True(sham.ShamTrains > 0, "the sham rig should log the trains it would have driven");
        Assert.True(summaries[2].Deficits < iso.Deficits, "group-reared mice respond more often than isolation-reared ones");
    }

    [Fact]
    public async Task The_sham_control_sees_the_same_mouse_and_encounters_as_the_experiment()
    {
        var summaries = await Run(_folder);

        Assert.Equal(summaries[0].Encounters, summaries[1].Encounters);
        Assert.Equal(summaries[0].Deficits, summaries[1].Deficits);
    }

    [Fact]
    public async Task The_same_seed_writes_the_same_event_logs()
    {
        string other = Path.Combine(_folder, "again");
        var first = await Run(Path.Combine(_folder, "first"), minutes: 5);
        var second = await Run(other, minutes: 5);

        for (int i = 0; i < first.Count; i++)
        {
            Assert.Equal(File.ReadAllBytes(first[i].EventLogPath), File.ReadAllBytes(second[i].EventLogPath));
        }
    }

    [Fact]
    public async Task The_demo_command_exits_zero_and_reports_where_it_wrote()
    {
        var (code, output) = await Invoke("demo", "--minutes", "3", "--out", _folder);

        Assert.Equal(0, code);
        Assert.Contains(Path.Combine(_folder, "rig-iso.events.jsonl"), output.Replace("\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--minutes", "0", "--minutes must be more than 0 and at most 1440 (one day); got 0")]
    [InlineData("--minutes", "soon", "Cannot parse argument 'soon' for option '--minutes'")]
    public async Task Bad_options_exit_non_zero_with_a_reason(string option, string value, string expected)
    {
        var (code, output) = await Invoke("demo", option, value);

        Assert.NotEqual(0, code);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_describes_the_demo()
    {
        var (code, output) = await Invoke("demo", "--help");

        Assert.Equal(0, code);
        Assert.Contains("--minutes", output, StringComparison.Ordinal);
        Assert.Contains("Simulated minutes to run each rig for", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> Invoke(params string[] args)
    {
        var (code, output, error) = await CommandLine.Invoke(args);
        return (code, output + error);
    }
}
