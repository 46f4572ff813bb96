using ClosedLoop.Data;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Output;
using ClosedLoop.VirtualRig.Replay;

namespace ClosedLoop.VirtualRig.Tests;

/// <summary>
/// A recording that says what was done to its rig (a rig's own log) replays as the rig ran: disarmed until it was
/// armed, outside a session until one started, and e-stopped from its e-stop to its reset; any other recording
/// is armed and in a session from its start.
/// </summary>
public sealed class LoggedTimelineReplayTests
{
    private const long Second = 1_000_000;

    // An isolation-reared mouse: most encounters are deficits, each a train when the rig may drive.
    private static readonly Scenario Encounters = Scenario.Regular(8, 40 * Second, 30 * Second, 4 * Second);

    private static readonly Lazy<Recording> Recorded = new(() =>
    {
        var rig = new VirtualRig(RigConfig.Default(), new SimulationOptions { Seed = 7, Phenotype = Phenotype.IsolationReared, StallsPerSecond = 0 }, Encounters);
        rig.RunUntil(Encounters.Encounters[^1].OnsetUs + 20 * Second);
        return new Recording
        {
            Name = "timeline",
            SamplingRate = 130,
            TimeUs = [.. rig.Recorder.TimeUs],
            Signal = [.. rig.Recorder.RawSignal],
            Control = [.. rig.Recorder.RawControl],
            EncounterEdges = Recording.OnsetEdges(Encounters.Encounters.Select(e => e.OnsetUs), 4 * Second),
        };
    });

    private static Recording With(IReadOnlyList<(long, RigAction)>? actions) => new()
    {
        Name = Recorded.Value.Name,
        SamplingRate = Recorded.Value.SamplingRate,
        TimeUs = Recorded.Value.TimeUs,
        Signal = Recorded.Value.Signal,
        Control = Recorded.Value.Control,
        EncounterEdges = Recorded.Value.EncounterEdges,
        Actions = actions,
    };

    private static (List<long> Trains, List<(long TimeUs, RefusalReason Reason)> Refused) Run(Recording recording)
    {
        var replay = RecordingReplay.Run(recording, RigConfig.Default());
        return ([.. replay.Events.Where(e => e.Kind == EventKind.OutputStarted).Select(e => e.TimeUs)],
                [.. replay.Events.Where(e => e.Kind == EventKind.OutputRefused).Select(e => (e.TimeUs, (RefusalReason)e.Flags))]);
    }

    [Fact]
    public void Trains_start_only_while_the_log_says_the_rig_was_armed_in_a_session_and_not_e_stopped()
    {
        var (everyTrain, none) = Run(With(null));
        Assert.True(everyTrain.Count >= 5, $"the recording should give trains armed from its start: {everyTrain.Count}");
        Assert.Empty(none);

        long armedUs = 100 * Second;
        long estopUs = 160 * Second;
        long resetUs = 200 * Second;
        var (trains, refused) = Run(With([
            (armedUs, RigAction.Arm), (armedUs, RigAction.StartSession), (estopUs, RigAction.EStop), (resetUs, RigAction.ResetEStop), (resetUs + 1, RigAction.Arm),
        ]));

        bool Driving(long t) => (t >= armedUs && t < estopUs) || t >= resetUs + 1;
        Assert.Equal(everyTrain.Where(Driving), trains);
        Assert.All(refused, r => Assert.False(Driving(r.TimeUs)));
        Assert.Equal(everyTrain.Count(t => !Driving(t)), refused.Count);
        Assert.Contains(refused, r => r.Reason is RefusalReason.NotArmed or RefusalReason.NoSession);
        Assert.Contains(refused, r => r.Reason is RefusalReason.EStopLatched);
    }
}
