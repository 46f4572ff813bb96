using System.Net;
using ClosedLoop.Engine.Detection;
using ClosedLoop.Host.Logging;
using ClosedLoop.VirtualRig;
using ClosedLoop.VirtualRig.Validation;

namespace ClosedLoop.Host.Demo;

/// <summary>
/// The whole system on one machine: the embedded broker on loopback, several virtual rigs each running the real
/// engine in virtual time behind a <see cref="RigLink"/>, and the logger writing everything into SQLite. The
/// summary is computed from what the logger stored.
/// </summary>
public sealed class DemoRunner(IReadOnlyList<DemoRigSpec> rigs, TimeSpan simulated, string outputDirectory, IReadOnlyList<string>? settings = null)
{
    private const long Second = 1_000_000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public string DatabasePath => Path.Combine(outputDirectory, "closedloop.sqlite");

    /// <summary>Runs every rig on the thread pool; <paramref name="progress"/> hears (rig, fraction done).</summary>
    public async Task<IReadOnlyList<RigSummary>> RunAsync(IProgress<(string RigId, double Fraction)>? progress, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outputDirectory);
        foreach (string stale in new[] { DatabasePath, DatabasePath + "-wal", DatabasePath + "-shm" })
        {
            File.Delete(stale);
        }

        int port = EmbeddedBroker.FreePort();
        await using var broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, port).ConfigureAwait(false);
        var endpoint = BrokerEndpoint.Loopback(port);
        using var store = new EventStore(DatabasePath);
        var logger = await EventLogger.StartNewAsync(endpoint, store, "closedloop-demo-logger", cancellationToken).ConfigureAwait(false);
        try
        {
            var runs = rigs.Select(spec => Task.Run(() => RunRigAsync(spec, endpoint, logger, progress, cancellationToken), cancellationToken));
            await Task.WhenAll(runs).ConfigureAwait(false);
        }
        finally
        {
            await logger.StopAsync().ConfigureAwait(false);
            await logger.DisposeAsync().ConfigureAwait(false);
        }

        return [.. rigs.Select(spec => Summarise(spec, store))];
    }

    private async Task RunRigAsync(DemoRigSpec spec, BrokerEndpoint endpoint, EventLogger logger, IProgress<(string, double)>? progress, CancellationToken cancellationToken)
    {
        var config = Configure(spec, settings ?? []);
        long durationUs = (long)(simulated.TotalSeconds * Second);
        var scenario = Scenario.Random(spec.Seed, count: (int)(durationUs / (20 * Second)) + 1, firstOnsetUs: 60 * Second, minGapUs: 15 * Second, maxGapUs: 45 * Second, minDurationUs: 2 * Second, maxDurationUs: 8 * Second);
        // Boot 1 is new here: every demo starts a fresh database and broker, and the same seed gives the same bytes.
        var rig = new VirtualRig.VirtualRig(config, new SimulationOptions { Seed = spec.Seed, Phenotype = spec.Phenotype }, scenario, bootId: 1);
        await using var link = new RigLink(rig.Engine, endpoint);
        await link.ConnectAsync(cancellationToken).ConfigureAwait(false);
        rig.Engine.Arm();
        rig.Engine.StartSession();
        for (long t = Second; t <= durationUs; t += Second)
        {
            cancellationToken.ThrowIfCancellationRequested();
            rig.RunUntil(t);
            link.Pump();
            if (t % (10 * Second) == 0)
            {
                progress?.Report((spec.RigId, (double)t / durationUs));
            }
        }

        rig.Engine.StopSession();
        rig.Engine.Disarm();
        link.Pump();
        await link.FlushAsync(Patience).ConfigureAwait(false);

        // Serve replay requests until the logger holds every event of this rig.
        long last = rig.Engine.Journal.NextSequence - 1;
        await Waiting.UntilAsync(() => logger.Gaps.High(spec.RigId, rig.Engine.Journal.BootId) >= last, Patience, TimeSpan.FromMilliseconds(10), link.Pump, cancellationToken: cancellationToken).ConfigureAwait(false);

        progress?.Report((spec.RigId, 1));
    }

    /// <summary>
    /// A rig's config: the defaults, the settings every demo rig shares (<c>section.key=value</c>, e.g.
    /// detector.rule=early), then its own id and output mode. The errors, if any, say what is wrong with a setting.
    /// </summary>
    public static ConfigLoadResult Configure(DemoRigSpec spec, IEnumerable<string> settings)
    {
        var errors = new ConfigErrorList();
        var document = new ConfigDocument();
        foreach (string setting in settings)
        {
            document.TrySet(setting, errors);
        }

        document.Set("rig", "id", spec.RigId);
        document.Set("output", "mode", ConfigSchema.OutputModes[(int)spec.Mode]);
        return ConfigLoader.FromDocument(document, errors);
    }

    private static RigConfig Configure(DemoRigSpec spec, IReadOnlyList<string> settings)
    {
        var result = Configure(spec, (IEnumerable<string>)settings);
        return result.IsValid ? result.Config : throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.ToString())));
    }

    /// <summary>Sums up one rig from the events the logger stored, decoded with the engine's own reader.</summary>
    internal RigSummary Summarise(DemoRigSpec spec, EventStore store)
    {
        var events = LoggedEvents.From(store.EventJson(spec.RigId), DatabasePath).All;
        var starts = events.Where(e => e.Kind == EventKind.OutputStarted).ToList();
        var startTimes = starts.Select(e => e.TimeUs).ToHashSet();
        var decisions = events.Where(e => e.Kind == EventKind.Decision).ToList();

        // Δz of the whole window, also for encounters the early rule decided before it closed.
        var scored = DecisionScores.From(events);
        var measured = decisions.Where(d => (DecisionOutcome)d.Code is DecisionOutcome.Deficit or DecisionOutcome.Response).ToList();
        var stimulated = measured.Where(d => startTimes.Contains(d.TimeUs)).Select(d => scored[d.Ref1].FullDeltaZ).Where(double.IsFinite).ToList();
        var others = measured.Where(d => !startTimes.Contains(d.TimeUs)).Select(d => scored[d.Ref1].FullDeltaZ).Where(double.IsFinite).ToList();
        return new RigSummary(
            spec.RigId,
            spec.Description,
            events.Count,
            events.Count(e => e.Kind == EventKind.EncounterOn),
            decisions.Count(d => (DecisionOutcome)d.Code == DecisionOutcome.Deficit),
            decisions.Count(d => (DecisionOutcome)d.Code == DecisionOutcome.Drop),
            starts.Count(e => (e.Flags & OutputFlags.Sham) == 0),
            starts.Count(e => (e.Flags & OutputFlags.Sham) != 0),
            events.Count(e => e.Kind == EventKind.OutputRefused),
            stimulated.Count > 0 ? stimulated.Average() : double.NaN,
            others.Count > 0 ? others.Average() : double.NaN)
        {
            RefusalReasons = [.. events.Where(e => e.Kind == EventKind.OutputRefused)
                .GroupBy(e => EventJson.Reasons[e.Flags])
                .Select(g => (g.Key, g.Count(), g.Min(e => e.TimeUs) / 60e6))
                .OrderByDescending(r => r.Item2)],
        };
    }
}
