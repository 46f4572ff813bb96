using System.Net;
using ClosedLoop.Host.Logging;
using ClosedLoop.VirtualRig;

namespace ClosedLoop.Host.Studies;

/// <summary>
/// One yoked train as the log shows it: its partner's train and its own, each µs after its rig's session start, and
/// the latest it may start after its partner's: when the yoked rig had taken the trigger (its clock when its answer
/// reached the host) plus two rig steps.
/// </summary>
public sealed record YokedTrain(string YokedRig, long PartnerOffsetUs, long YokedOffsetUs, long BoundUs)
{
    public long DelayUs => YokedOffsetUs - PartnerOffsetUs;
}

/// <summary>What a slot of a study session did: the runs, their boots, every trigger relayed to a live-yoked rig and the yoked trains they started.</summary>
public sealed record SlotResult(int Slot, IReadOnlyList<ScheduledRun> Runs, IReadOnlyDictionary<string, long> Boots, IReadOnlyList<RelayedTrigger> Relayed, IReadOnlyList<YokedTrain> YokedTrains);

/// <summary>
/// Runs a planned study session on virtual rigs through the whole system: the embedded broker (or the one given),
/// the logger writing SQLite, and, slot by slot, <see cref="StudySlotRunner"/> driving the rigs over MQTT exactly as
/// `study run` drives real ones. Each run's rig boots flashed with the study's nf.config and a simulated mouse of its
/// animal's group and treatment, and runs in virtual time paced at <c>speed</c> rig seconds per wall second, so that
/// the partners of a slot keep pace with each other. Afterwards each yoked train is paired with its trigger.
/// </summary>
public sealed class VirtualStudyRun(Study study, KeyFile key, CalibrationFile? calibration, string folder, double speed, TextWriter output)
{
    private const long Second = 1_000_000;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public string DatabasePath => Path.Combine(folder, "closedloop.sqlite");

    /// <summary>The simulated mouse standing in for an animal: group-reared mice respond; isolation-reared ones mostly do not, unless treated with (R)-ketamine.</summary>
    public static Phenotype PhenotypeOf(StudyAnimal animal) =>
        animal.Group.Contains("group", StringComparison.OrdinalIgnoreCase) ? Phenotype.GroupReared
        : animal.Treatment.Contains("ketamine", StringComparison.OrdinalIgnoreCase) ? Phenotype.IsolationKetamine
        : Phenotype.IsolationReared;

    /// <summary>What a session costs in wall time: its slots run one after another, each its minutes of rig time at the pace.</summary>
    public string Cost(string session, IReadOnlyList<ScheduledRun> runs)
    {
        int slots = runs.Select(r => r.Slot).Distinct().Count();
        double wallS = slots * runs.Max(r => r.Minutes) * 60 / speed;
        string wall = wallS < 90 ? $"{wallS:F0} s" : $"{wallS / 60:F1} min";
        return string.Create(CultureInfo.InvariantCulture,
            $"{session}: {slots} slot(s) of {runs.Max(r => r.Minutes)} min, {runs.Count} virtual rigs in all, at {speed:0.#}x: about {wall} of wall time (plus a few seconds a slot to connect, configure and flush)");
    }

    /// <summary>Runs the session's slots; through <paramref name="broker"/> when given, else through an embedded broker of its own.</summary>
    public async Task<IReadOnlyList<SlotResult>> RunAsync(string session, CancellationToken cancellationToken, BrokerEndpoint? broker = null)
    {
        var plan = StudyPlan.Create(study, key.Seed);
        var runs = plan.Runs.Where(r => r.Session == session).ToList();
        if (runs.Count == 0)
        {
            throw new InputException($"--session '{session}': the plan's sessions are {string.Join(", ", plan.Runs.Select(r => r.Session).Distinct())}");
        }

        output.WriteLine(Cost(session, runs));
        Directory.CreateDirectory(folder);
        int port = EmbeddedBroker.FreePort();
        await using var embedded = broker is null ? await EmbeddedBroker.StartAsync(IPAddress.Loopback, port).ConfigureAwait(false) : null;
        var endpoint = broker ?? BrokerEndpoint.Loopback(port);
        using var store = new EventStore(DatabasePath);
        var logger = await EventLogger.StartNewAsync(endpoint, store, "closedloop-study-logger", cancellationToken).ConfigureAwait(false);
        var results = new List<SlotResult>();
        try
        {
            foreach (var slot in runs.GroupBy(r => r.Slot).OrderBy(g => g.Key))
            {
                results.Add(await RunSlotAsync(plan, [.. slot], endpoint, logger, store, cancellationToken).ConfigureAwait(false));
            }
        }
        finally
        {
            await logger.StopAsync().ConfigureAwait(false);
            await logger.DisposeAsync().ConfigureAwait(false);
        }

        return results;
    }

    /// <summary>
    /// The fastest pace a study with live-yoked conditions runs at: the relay is a round trip through the broker per
    /// train, which at 100x cost yoked trains 6.5 to 85 s of session time (the review's measurement), at 20x and 30x
    /// under 10 ms (the README's, and the tests' 30x).
    /// </summary>
    public const double MaxLiveYokeSpeed = 30;

    private async Task<SlotResult> RunSlotAsync(StudyPlan plan, List<ScheduledRun> runs, BrokerEndpoint endpoint, EventLogger logger, EventStore store, CancellationToken cancellationToken)
    {
        var slotRunner = new StudySlotRunner(plan, calibration, endpoint, store, output);
        output.WriteLine($"{runs[0].Session} slot {runs[0].Slot}: " + string.Join(", ", runs.Select(r => $"{r.Rig} {r.AnimalId} ({slotRunner.Label(r)})")));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var rigs = runs.Select(run => new PacedRig(run, FlashedConfig(run), Boot(run), endpoint, speed)).ToList();
        var pacing = rigs.Select(rig => rig.RunAsync(stop.Token)).ToList();
        try
        {
            await Task.WhenAll(rigs.Select(r => r.Connected)).ConfigureAwait(false);
            var slot = await slotRunner.RunAsync(runs, rigs.ToDictionary(r => r.Run.Rig, r => r.BootId), cancellationToken).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(pacing).ConfigureAwait(false);
            foreach (var rig in rigs)
            {
                await rig.FlushAsync(logger).ConfigureAwait(false);
            }

            var yokedTrains = YokedTrains(store, rigs, slot.Relayed);
            if (yokedTrains.Count > 0)
            {
                var delays = yokedTrains.Select(t => t.DelayUs / 1000.0).Order().ToList();
                slotRunner.YokeNotes.WriteLine($"  yoked trains started a median {delays[delays.Count / 2]:F0} ms, at most {delays[^1]:F0} ms of session time after their partner's (rig time at {speed:0.#}x)");
            }

            return new SlotResult(runs[0].Slot, runs, slot.Boots, slot.Relayed, yokedTrains);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var rig in rigs)
            {
                await rig.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Pairs each yoked rig's yoked trains, from the log, with the triggers sent to it, in order.</summary>
    private static List<YokedTrain> YokedTrains(EventStore store, List<PacedRig> rigs, IReadOnlyList<RelayedTrigger> relayed)
    {
        var trains = new List<YokedTrain>();
        foreach (var group in relayed.Where(r => r.Accepted).GroupBy(r => r.YokedRig))
        {
            var yoked = rigs.First(r => r.Run.Rig == group.Key);
            var events = LoggedEvents.Read(store, yoked.Run.Rig, yoked.BootId).All;
            long start = events.First(e => e.Kind == EventKind.SessionStarted).TimeUs;
            var offsets = events.Where(e => e.Kind == EventKind.OutputStarted && (e.Flags & OutputFlags.Yoked) != 0).Select(e => e.TimeUs - start).Order().ToList();
            foreach (var (trigger, offset) in group.OrderBy(r => r.OffsetUs).Zip(offsets))
            {
                // The yoked rig had taken the trigger by the time its answer arrived (it answers in the pump after a
                // step) and starts it at its offset, or at once if that has passed, at a poll within its next step; a
                // recorded trigger was queued ahead.
                long late = trigger.Recorded ? 0 : Math.Max(yoked.RigUsAt(trigger.AnsweredTicks) - start - trigger.OffsetUs, 0);
                trains.Add(new YokedTrain(group.Key, trigger.OffsetUs, offset, late + 2 * PacedRig.Step));
            }
        }

        return trains;
    }

    /// <summary>What the rig was flashed with: the study's nf.config under the rig's id (its link identity cannot change over MQTT).</summary>
    private RigConfig FlashedConfig(ScheduledRun run)
    {
        var input = ConfigInput.Load(new FileInfo(study.ConfigPath), [$"rig.id={run.Rig}"]);
        return input.Result.IsValid ? input.Result.Config : throw new InvalidOperationException($"{run.Rig}: the study's config does not validate: {input.Result.Errors[0]}");
    }

    private (ulong Seed, Phenotype Phenotype) Boot(ScheduledRun run)
    {
        var animal = study.Animals.First(a => a.Id == run.AnimalId);
        // The same study, seed, animal and session give the same simulated mouse and encounters.
        ulong seed = key.Seed ^ BitConverter.ToUInt64(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(run.AnimalId + "/" + run.Session)));
        return (seed, PhenotypeOf(animal));
    }

    /// <summary>A virtual rig booted for one run, paced in rig time, reachable only over MQTT.</summary>
    private sealed class PacedRig : IAsyncDisposable
    {
        private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly VirtualRig.VirtualRig _rig;
        private readonly RigLink _link;
        private readonly double _speed;
        private readonly List<(long Ticks, long RigUs)> _steps = [];

        public PacedRig(ScheduledRun run, RigConfig config, (ulong Seed, Phenotype Phenotype) mouse, BrokerEndpoint endpoint, double speed)
        {
            Run = run;
            _speed = speed;
            long span = (run.Minutes + 2) * 60 * Second;
            var scenario = Scenario.Random(mouse.Seed, (int)(span / (20 * Second)) + 1, 40 * Second, 15 * Second, 45 * Second, 2 * Second, 8 * Second);
            if (run.Recognition)
            {
                scenario = scenario.WithAlternatingPartners(mouse.Seed);
            }

            _rig = new VirtualRig.VirtualRig(config, new SimulationOptions { Seed = mouse.Seed, Phenotype = mouse.Phenotype }, scenario);
            _link = new RigLink(_rig.Engine, endpoint);
        }

        public ScheduledRun Run { get; }

        public long BootId => _rig.Engine.Journal.BootId;

        public Task Connected => _connected.Task;

        public const long Step = 20_000;

        /// <summary>The rig's clock after its last step that ended before <paramref name="ticks"/> (<see cref="System.Diagnostics.Stopwatch"/>).</summary>
        public long RigUsAt(long ticks)
        {
            lock (_steps)
            {
                int i = _steps.FindLastIndex(s => s.Ticks <= ticks);
                return i < 0 ? 0 : _steps[i].RigUs;
            }
        }

        public async Task RunAsync(CancellationToken stop)
        {
            await _link.ConnectAsync(stop).ConfigureAwait(false);
            _connected.TrySetResult();
            var started = DateTime.UtcNow;
            for (long t = Step; !stop.IsCancellationRequested; t += Step)
            {
                _rig.RunUntil(t);
                _link.Pump();
                lock (_steps)
                {
                    _steps.Add((System.Diagnostics.Stopwatch.GetTimestamp(), t));
                }

                var wait = started + TimeSpan.FromSeconds(t / 1e6 / _speed) - DateTime.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    try
                    {
                        await Task.Delay(wait, stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }
        }

        /// <summary>Publishes what is left and serves replays until the logger holds every event of this boot.</summary>
        public async Task FlushAsync(EventLogger logger)
        {
            _link.Pump();
            await _link.FlushAsync(Patience).ConfigureAwait(false);
            long last = _rig.Engine.Journal.NextSequence - 1;
            await Waiting.UntilAsync(() => logger.Gaps.High(Run.Rig, BootId) >= last, Patience, TimeSpan.FromMilliseconds(10), _link.Pump).ConfigureAwait(false);
        }

        public ValueTask DisposeAsync() => _link.DisposeAsync();
    }
}
