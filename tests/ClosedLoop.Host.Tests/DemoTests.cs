using ClosedLoop.Engine;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Wire;
using ClosedLoop.Host.Demo;
using ClosedLoop.Host.Logging;
using ClosedLoop.VirtualRig;
using ClosedLoop.VirtualRig.Replay;

namespace ClosedLoop.Host.Tests;

public sealed class DemoTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-demo-test").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static async Task<IReadOnlyList<RigSummary>> Run(string folder, double minutes = 12) =>
        await new DemoRunner(DemoRigSpec.Standard(3), TimeSpan.FromMinutes(minutes), folder).RunAsync(null, CancellationToken.None);

    [Fact]
    public async Task The_demo_logs_every_rig_through_the_broker_and_sums_up_from_the_log()
    {
        var summaries = await Run(_folder);

        Assert.Equal(["rig-iso", "rig-sham", "rig-group"], summaries.Select(s => s.RigId));
        Assert.All(summaries, s => Assert.InRange(s.Encounters, 15, 40));
        using var store = new EventStore(Path.Combine(_folder, "closedloop.sqlite"));
        foreach (var summary in summaries)
        {
            // Sequences 1..N of the rig's one boot, every one stored once.
            Assert.Equal(Enumerable.Range(1, summary.Events).Select(i => (long)i), store.Sequences(summary.RigId, 1));
        }

        Assert.True(store.CountFrames() > 3 * 12 * 60 * 9, "sample frames (10 a second a rig) should be logged too");
        Assert.Equal(0, store.CountFaults());
        var iso = summaries[0];
        var sham = summaries[1];
        Assert.True(iso.TrainsDriven > 0, "the isolation-reared closed-loop rig should stimulate");
        Assert.Equal(0, iso.ShamTrains);
        Assert.Equal(0, sham.TrainsDriven);
        Assert.True(sham.ShamTrains > 0, "the sham rig should log the trains it would have driven");
        Assert.True(summaries[2].Deficits < iso.Deficits, "group-reared mice respond more often than isolation-reared ones");

        // Every refusal is counted under the reason the rig logged, at the minute it first did.
        Assert.All(summaries, s => Assert.Equal(s.Refusals, s.RefusalReasons.Sum(r => r.Count)));
        Assert.All(summaries.SelectMany(s => s.RefusalReasons), r =>
        {
            Assert.Contains(r.Reason, ClosedLoop.Engine.Wire.EventJson.Reasons);
            Assert.InRange(r.FirstMinute, 0, 12.5);
        });
    }

    [Fact]
    public void The_summary_says_why_requests_were_refused_and_from_when()
    {
        var summary = new RigSummary("rig-iso", "iso", 100, 30, 20, 1, 12, 0, 12, 0.5, 2.5)
        {
            RefusalReasons = [("max_trains_per_hour", 10, 25.0), ("refractory", 2, 3.08)],
        };

        Assert.Equal("12: 10 max_trains_per_hour from minute 25.0, 2 refractory from minute 3.1", summary.RefusalText);
        Assert.Equal("0", (summary with { Refusals = 0, RefusalReasons = [] }).RefusalText);
    }

    [Fact]
    public async Task The_sham_control_sees_the_same_mouse_and_encounters_as_the_experiment()
    {
        var summaries = await Run(_folder);

        Assert.Equal(summaries[0].Encounters, summaries[1].Encounters);
        Assert.Equal(summaries[0].Deficits, summaries[1].Deficits);
    }

    [Fact]
    public async Task The_same_seed_logs_the_same_events()
    {
        string first = Path.Combine(_folder, "first");
        string second = Path.Combine(_folder, "second");
        await Run(first, minutes: 5);
        await Run(second, minutes: 5);

        using var a = new EventStore(Path.Combine(first, "closedloop.sqlite"));
        using var b = new EventStore(Path.Combine(second, "closedloop.sqlite"));
        foreach (var rig in DemoRigSpec.Standard(3))
        {
            Assert.Equal(a.EventJson(rig.RigId), b.EventJson(rig.RigId));
        }
    }

    [Fact]
    public async Task A_logged_session_replays_to_the_decisions_trains_and_refusals_it_made_live()
    {
        // 30 minutes: the closed-loop and sham rigs reach the hourly train cap at about minute 26, so the replay must
        // also refuse what the live rig refused. The virtual rigs' logs hold invalid cycles (a replay that took them
        // as light faulted 20 times and started 0 of 30 trains) and the live timeline of arming and the session.
        await Run(_folder, minutes: 30);
        using var store = new EventStore(Path.Combine(_folder, "closedloop.sqlite"));

        foreach (string rig in new[] { "rig-iso", "rig-sham" })
        {
            var live = LoggedEvents.Read(store, rig, 1);
            var recording = LoggedRecording.Read(store, rig, 1);
            var config = ConfigLoader.Load(store.SessionConfigText(rig, 1)!).Config;
            // Through the same JSON as the live events went to the log, so that both sides carry the same rounding.
            var codec = new EventJson();
            var run = RecordingReplay.Run(recording, config);
            var replay = LoggedEvents.From(run.Events.Select(e => EventJsonText(codec, e, rig)), "replay");
            var logged = LoggedSamples.Read(store, rig, 1).Samples;

            Assert.Contains(recording.Valid!, valid => !valid);
            Assert.Contains(recording.ProcessedAfterUs!, after => after > 0);

            // Every cycle to the same dF/F and z (as frames carry them), every decision at the same moment from the
            // same Δz, every train and refusal at the same moment.
            Assert.Equal(logged.Select(s => (s.TimeUs, s.Valid, (float)s.Dff, s.Ready ? (float)s.Z : float.NaN)),
                Enumerable.Range(0, run.Samples.Count).Select(i => (run.Samples.TimeUs[i], run.Samples.Valid[i], (float)run.Samples.Dff[i], (float)run.Samples.Z[i])));
            Assert.Equal(live.Decisions, replay.Decisions);
            Assert.Equal(live.Trains, replay.Trains);
            Assert.Equal(live.Refusals, replay.Refusals);
            Assert.Equal(live.Faults, replay.Faults);
            Assert.InRange(live.Trains.Count(), 20, 40);
            Assert.NotEmpty(live.Refusals);
        }
    }

    private static string EventJsonText(EventJson codec, JournalEvent e, string rig)
    {
        var buffer = new byte[1024];
        int length = codec.Write(rig, 1, e, buffer, 0);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, length);
    }

    [Fact]
    public async Task The_demo_command_exits_zero_and_reports_where_it_wrote()
    {
        var (code, output) = await Invoke("demo", "--minutes", "3", "--out", _folder);

        Assert.Equal(0, code);
        Assert.Contains(Path.Combine(_folder, "closedloop.sqlite"), output.Replace("\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--minutes", "0", "--minutes must be more than 0 and at most 1440 (one day); got 0")]
    [InlineData("--minutes", "soon", "Cannot parse argument 'soon' for option '--minutes'")]
    [InlineData("--set", "detector.rule=soon", "error: --set detector.rule = 'soon': expected one of window or early")]
    [InlineData("--set", "detector.early_min_ms=5000", "error: --set detector.early_min_ms = '5000': expected less than detector.post_ms (3000 ms)")]
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
