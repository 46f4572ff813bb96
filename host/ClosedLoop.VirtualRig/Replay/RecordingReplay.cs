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
    /// Replays the whole recording in virtual time, encounter TTL edges included, armed and in a session from the
    /// start, so that the output gate applies every limit as it would live: the trains that would have started and
    /// the refusals are in <see cref="Events"/> (the outputs are connected to nothing).
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
        engine.Arm();
        engine.StartSession();

        int edge = 0;
        var edges = recording.EncounterEdges;
        for (int i = 0; i < recording.SampleCount; i++)
        {
            long t = recording.TimeUs[i];
            while (edge < edges.Count && edges[edge].TimeUs <= t)
            {
                clock.AdvanceTo(edges[edge].TimeUs);
                engine.OnEncounterInput(edges[edge].Level, edges[edge].TimeUs);
                edge++;
            }

            clock.AdvanceTo(t);
            engine.OnRecordedCycle(t, recording.Signal[i], recording.Control[i]);
            engine.Poll();
            if (progress is not null && i % 65536 == 0)
            {
                progress.Report((double)i / recording.SampleCount);
            }
        }

        progress?.Report(1);
        return new RecordingReplay(engine, samples, events.Events);
    }
}
