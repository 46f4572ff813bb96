using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Detection;
using ClosedLoop.Engine.Journal;
using ClosedLoop.VirtualRig;

namespace ClosedLoop.Host.Demo;

/// <summary>
/// Runs several virtual rigs side by side in virtual time, each with the real engine, a random encounter schedule
/// and an event log file, and sums up what each did.
/// </summary>
public sealed class DemoRunner(IReadOnlyList<DemoRigSpec> rigs, TimeSpan simulated, string outputDirectory)
{
    private const long Second = 1_000_000;

    /// <summary>Runs every rig on the thread pool; <paramref name="progress"/> hears (rig, fraction done).</summary>
    public async Task<IReadOnlyList<RigSummary>> RunAsync(IProgress<(string RigId, double Fraction)>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outputDirectory);
        var tasks = rigs.Select(spec => Task.Run(() => RunRig(spec, progress, cancellationToken), cancellationToken));
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private RigSummary RunRig(DemoRigSpec spec, IProgress<(string, double)>? progress, CancellationToken cancellationToken)
    {
        var config = Configure(spec);
        long durationUs = (long)(simulated.TotalSeconds * Second);
        var scenario = Scenario.Random(spec.Seed, count: (int)(durationUs / (20 * Second)) + 1, firstOnsetUs: 60 * Second, minGapUs: 15 * Second, maxGapUs: 45 * Second, minDurationUs: 2 * Second, maxDurationUs: 8 * Second);
        var rig = new VirtualRig.VirtualRig(config, new SimulationOptions { Seed = spec.Seed, Phenotype = spec.Phenotype }, scenario);
        string logPath = Path.Combine(outputDirectory, $"{spec.RigId}.events.jsonl");
        using (var log = new EventLogFile(logPath))
        {
            // The log is attached before anything happens, so that it holds the whole session from the start.
            rig.Engine.SetEventSink(log);
            rig.Engine.Arm();
            rig.Engine.StartSession();
            long step = 10 * Second;
            for (long t = step; t <= durationUs; t += step)
            {
                cancellationToken.ThrowIfCancellationRequested();
                rig.RunUntil(t);
                progress?.Report((spec.RigId, (double)t / durationUs));
            }

            rig.Engine.StopSession();
            rig.Engine.Disarm();
        }

        return Summarise(spec, logPath);
    }

    private static RigConfig Configure(DemoRigSpec spec)
    {
        var errors = new ConfigErrorList();
        var document = new ConfigDocument();
        document.Set("rig", "id", spec.RigId);
        document.Set("output", "mode", spec.Mode switch
        {
            OutputMode.ClosedLoop => "closed_loop",
            OutputMode.OpenLoop => "open_loop",
            OutputMode.Sham => "sham",
            _ => "yoked",
        });
        var result = ConfigLoader.FromDocument(document, errors);
        return result.Config ?? throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.ToString())));
    }

    internal static RigSummary Summarise(DemoRigSpec spec, string logPath)
    {
        var events = EventLogFile.Read(logPath).Select(x => x.Event).ToList();
        var starts = events.Where(e => e.Kind == EventKind.OutputStarted).ToList();
        var startTimes = starts.Select(e => e.TimeUs).ToHashSet();
        var decisions = events.Where(e => e.Kind == EventKind.Decision).ToList();
        var measured = decisions.Where(d => (DecisionOutcome)d.Code is DecisionOutcome.Deficit or DecisionOutcome.Response).ToList();
        var stimulated = measured.Where(d => startTimes.Contains(d.TimeUs)).Select(d => d.Value1).ToList();
        var others = measured.Where(d => !startTimes.Contains(d.TimeUs)).Select(d => d.Value1).ToList();
        return new RigSummary(
            spec.RigId,
            spec.Description,
            events.Count(e => e.Kind == EventKind.EncounterOn),
            decisions.Count(d => (DecisionOutcome)d.Code == DecisionOutcome.Deficit),
            decisions.Count(d => (DecisionOutcome)d.Code == DecisionOutcome.Drop),
            starts.Count(e => (e.Flags & OutputFlags.Sham) == 0),
            starts.Count(e => (e.Flags & OutputFlags.Sham) != 0),
            events.Count(e => e.Kind == EventKind.OutputRefused),
            stimulated.Count > 0 ? stimulated.Average() : double.NaN,
            others.Count > 0 ? others.Average() : double.NaN,
            logPath);
    }
}
