using ClosedLoop.Data;
using ClosedLoop.Data.Ppd;
using ClosedLoop.Engine;

namespace ClosedLoop.VirtualRig.Replay;

/// <summary>
/// Runs a recording made elsewhere (pyPhotometry .ppd: analog 1 as signal, analog 2 as control, already
/// dark-subtracted) through the engine's chain and detector in virtual time, with a digital input as the
/// encounter TTL. Nothing is driven; every event and processed cycle is kept.
/// </summary>
public sealed class RecordingReplay
{
    private RecordingReplay(ClosedLoopEngine engine, SampleRecorder samples, IReadOnlyList<JournalEvent> events)
    {
        Engine = engine;
        Samples = samples;
        Events = events;
    }

    public ClosedLoopEngine Engine { get; }

    public SampleRecorder Samples { get; }

    /// <summary>Every event, in order (collected as journaled, so none is lost to the journal's ring).</summary>
    public IReadOnlyList<JournalEvent> Events { get; }

    /// <summary>Replays a pyPhotometry file; <paramref name="encounterInput"/> is 0 for digital input 1, 1 for digital input 2.</summary>
    public static RecordingReplay Run(PpdRecording recording, RigConfig config, int encounterInput = 0, IProgress<double>? progress = null) =>
        Run(Recording.FromPpd(recording, encounterInput), config, progress);

    /// <summary>
    /// Replays the whole recording in virtual time, encounter TTL edges included, so that the output gate applies
    /// every limit as it would live: the trains that would have started and the refusals are in <see cref="Events"/>
    /// (the outputs are connected to nothing). A recording that says what was done to its rig (a rig's own log) is
    /// armed, disarmed and in a session when it was; any other is armed and in a session from its start.
    /// </summary>
    public static RecordingReplay Run(Recording recording, RigConfig config, IProgress<double>? progress = null)
    {
        var clock = new ManualClock(0);
        var output = new DisconnectedOutput();
        var engine = new ClosedLoopEngine(config, clock, 1, new RecordedExcitation(), output, output);
        var samples = new SampleRecorder();
        var events = new EventCollector();
        engine.SetSampleSink(samples);
        engine.SetEventSink(events);
        var actions = recording.Actions;
        if (actions is null)
        {
            engine.Arm();
            engine.StartSession();
        }

        int edge = 0;
        int action = 0;
        var edges = recording.EncounterEdges;
        long periodUs = config.Acquisition.PeriodUs;
        for (int i = 0; i < recording.SampleCount; i++)
        {
            // A log says when the rig processed each cycle, with every edge and command before that moment already
            // applied: the replay does the same, so that the baselines learn from the same cycles.
            long t = recording.ProcessedAfterUs is { } after ? recording.TimeUs[i] + periodUs + after[i] : recording.TimeUs[i];
            while ((edge < edges.Count && edges[edge].TimeUs <= t) || (actions is not null && action < actions.Count && actions[action].TimeUs <= t))
            {
                bool actionFirst = actions is not null && action < actions.Count && actions[action].TimeUs <= t
                    && (edge >= edges.Count || edges[edge].TimeUs > t || actions[action].TimeUs <= edges[edge].TimeUs);
                if (actionFirst)
                {
                    clock.AdvanceTo(actions![action].TimeUs);
                    Apply(engine, actions[action].Action);
                    action++;
                }
                else
                {
                    clock.AdvanceTo(edges[edge].TimeUs);
                    engine.OnEncounterInput(edges[edge].Level, edges[edge].TimeUs);
                    edge++;
                }
            }

            clock.AdvanceTo(t);
            engine.OnRecordedCycle(recording.TimeUs[i], recording.Signal[i], recording.Control[i], recording.Valid?[i] ?? true);
            engine.Poll();
            if (progress is not null && i % 65536 == 0)
            {
                progress.Report((double)i / recording.SampleCount);
            }
        }

        progress?.Report(1);
        return new RecordingReplay(engine, samples, events.Events);
    }

    private static void Apply(ClosedLoopEngine engine, RigAction action)
    {
        switch (action)
        {
            case RigAction.Arm:
                engine.Arm();
                break;
            case RigAction.Disarm:
                engine.Disarm();
                break;
            case RigAction.EStop:
                engine.EStop();
                break;
            case RigAction.ResetEStop:
                engine.ResetEStop();
                break;
            case RigAction.StartSession:
                engine.StartSession();
                break;
            case RigAction.StopSession:
                engine.StopSession();
                break;
        }
    }
}
