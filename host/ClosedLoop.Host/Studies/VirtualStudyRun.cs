using System.Net;
using ClosedLoop.Host.Commands;
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
/// Runs a planned study session on virtual rigs through the whole system: the embedded broker, the logger writing
/// SQLite, and each rig driven only over MQTT as real rigs are, slot by slot. Each run's rig boots with a simulated
/// mouse of its animal's group and treatment, is sent its animal's config (the study's nf.config, the condition's
/// output mode and settings, the calibrated threshold, or outputs undriven in a baseline session) and waits for the
/// rig's acknowledgement, is armed, and has its session started under the animal's id with the session's name as
/// its note; live-yoked rigs receive their partner's trains through <see cref="YokeRelay"/>. Rigs run in virtual
/// time paced at <c>speed</c> rig seconds per wall second, so that the partners of a slot keep pace with each other.
/// What it prints names conditions only as the plan shows them (codes when blinded).
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

    /// <summary>Runs the session's slots; through <paramref name="broker"/> when given, else through an embedded broker of its own.</summary>
    public async Task<IReadOnlyList<SlotResult>> RunAsync(string session, CancellationToken cancellationToken, BrokerEndpoint? broker = null)
    {
        var plan = StudyPlan.Create(study, key.Seed);
        var runs = plan.Runs.Where(r => r.Session == session).ToList();
        if (runs.Count == 0)
        {
            throw new CommandLineException($"--session '{session}': the plan's sessions are {string.Join(", ", plan.Runs.Select(r => r.Session).Distinct())}");
        }

        Directory.CreateDirectory(folder);
        int port = EmbeddedBroker.FreePort();
        await using var embedded = broker is null ? await EmbeddedBroker.StartAsync(IPAddress.Loopback, port).ConfigureAwait(false) : null;
        var endpoint = broker ?? BrokerEndpoint.Loopback(port);
        using var store = new EventStore(DatabasePath);
        var logger = new EventLogger(endpoint, store, clientId: "closedloop-study-logger");
        await logger.StartAsync(cancellationToken).ConfigureAwait(false);
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

    private async Task<SlotResult> RunSlotAsync(StudyPlan plan, List<ScheduledRun> runs, BrokerEndpoint endpoint, EventLogger logger, EventStore store, CancellationToken cancellationToken)
    {
        int slot = runs[0].Slot;
        long durationUs = runs[0].Minutes * 60 * Second;
        output.WriteLine($"{runs[0].Session} slot {slot}: " + string.Join(", ", runs.Select(r => $"{r.Rig} {r.AnimalId} ({Label(plan, r)})")));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var rigs = runs.Select(run => new PacedRig(run, FlashedConfig(run), Boot(plan, run), endpoint, speed)).ToList();
        var pacing = rigs.Select(rig => rig.RunAsync(stop.Token)).ToList();
        await using var client = await BrokerClient.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        var commander = new RigCommander(client, "study");
        try
        {
            await Task.WhenAll(rigs.Select(r => r.Connected)).ConfigureAwait(false);
            foreach (var rig in rigs)
            {
                await AwaitOnlineAsync(commander, rig.Run.Rig, rig.BootId, cancellationToken).ConfigureAwait(false);
            }

            foreach (var run in runs)
            {
                await ConfigureAsync(client, run, ConfigFor(plan, run), cancellationToken).ConfigureAwait(false);
                await ExpectAcceptedAsync(commander, run.Rig, CommandKind.Arm, cancellationToken).ConfigureAwait(false);
            }

            var followers = LiveFollowers(plan, runs);
            await using var relay = new YokeRelay(endpoint, followers);
            if (followers.Count > 0)
            {
                await relay.StartAsync(cancellationToken).ConfigureAwait(false);
            }

            // Partners first, so that a yoked rig's session is running when its first trigger comes.
            foreach (var run in runs.OrderBy(r => followers.ContainsKey(r.Rig) ? 1 : 0))
            {
                var answer = await ExpectAcceptedAsync(commander, run.Rig, CommandKind.SessionStart, cancellationToken).ConfigureAwait(false);
                var (boot, _) = await commander.ReadClockAsync(run.Rig, cancellationToken).ConfigureAwait(false);
                var note = new ControlCommands.SessionNote(run.AnimalId, "study", run.Session);
                await client.PublishAsync(client.TopicsOf(run.Rig).Sessions, note.Json(run.Rig, boot, answer.TimeUs, DateTime.UtcNow), retain: false, cancellationToken).ConfigureAwait(false);
            }

            var recorded = await SendRecordedPartnersAsync(plan, runs, store, client, commander, cancellationToken).ConfigureAwait(false);
            var started = rigs.Min(r => r.NowUs);
            while (rigs.Min(r => r.NowUs) < started + durationUs)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }

            foreach (var run in runs)
            {
                await ExpectAcceptedAsync(commander, run.Rig, CommandKind.SessionStop, cancellationToken).ConfigureAwait(false);
                await ExpectAcceptedAsync(commander, run.Rig, CommandKind.Disarm, cancellationToken).ConfigureAwait(false);
            }

            IReadOnlyList<RelayedTrigger> relayed = [.. relay.Relayed, .. recorded];
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(pacing).ConfigureAwait(false);
            foreach (var rig in rigs)
            {
                await rig.FlushAsync(logger).ConfigureAwait(false);
            }

            var yokedTrains = YokedTrains(store, rigs, relayed);
            if (recorded.Count > 0)
            {
                output.WriteLine($"  sent {recorded.Count(r => r.Accepted)} of {recorded.Count} recorded partner trains to rigs yoked to a recording");
            }

            if (relayed.Any(r => !r.Recorded))
            {
                var latencies = relayed.Where(r => !r.Recorded).Select(r => r.Latency.TotalMilliseconds).Order().ToList();
                var delays = yokedTrains.Select(t => t.DelayUs / 1000.0).Order().ToList();
                output.WriteLine($"  relayed {relayed.Count(r => r.Accepted && !r.Recorded)} of {relayed.Count(r => !r.Recorded)} trains to live-yoked rigs (relay to answer: median {latencies[latencies.Count / 2]:F0} ms, max {latencies[^1]:F0} ms wall); " +
                    (delays.Count == 0 ? "no yoked train started" : $"yoked trains started a median {delays[delays.Count / 2]:F0} ms, at most {delays[^1]:F0} ms of session time after their partner's (rig time at {speed:0.#}x)"));
            }

            return new SlotResult(slot, runs, rigs.ToDictionary(r => r.Run.Rig, r => r.BootId), relayed, yokedTrains);
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

    /// <summary>
    /// The classic yoked design: a rig yoked to a recording gets, at its session start, every train its partner's
    /// session of the same name drove (found in the log by the partner's subject and note), each at its offset.
    /// </summary>
    private static async Task<List<RelayedTrigger>> SendRecordedPartnersAsync(StudyPlan plan, List<ScheduledRun> runs, EventStore store, BrokerClient client, RigCommander commander, CancellationToken cancellationToken)
    {
        var sent = new List<RelayedTrigger>();
        if (runs[0].Kind != SessionKind.Stimulation)
        {
            return sent;
        }

        foreach (var run in runs)
        {
            var assignment = plan.AssignmentOf(run.AnimalId);
            if (assignment.Partner is null || plan.Study.Condition(assignment.Condition).Yoke != YokeSource.Recorded)
            {
                continue;
            }

            var partnerSession = store.Rigs().SelectMany(rig => store.Boots(rig).SelectMany(boot => store.Sessions(rig, boot)))
                .LastOrDefault(s => s.Subject == assignment.Partner && s.Note == run.Session)
                ?? throw new RigUnavailableException($"{run.AnimalId} replays its partner's '{run.Session}' session, which is not in the log yet");
            var events = LoggedEvents.Read(store, partnerSession.Rig, partnerSession.Boot).All;
            long start = events.First(e => e.Kind == ClosedLoop.Engine.Journal.EventKind.SessionStarted && e.TimeUs >= partnerSession.RigTimeUs).TimeUs;
            var trains = events.Where(e => e.Kind == ClosedLoop.Engine.Journal.EventKind.OutputStarted && e.TimeUs >= start
                && (e.Flags & (ClosedLoop.Engine.Journal.OutputFlags.Sham | ClosedLoop.Engine.Journal.OutputFlags.Yoked)) == 0)
                .DistinctBy(e => e.TimeUs); // a decision that drives both outputs is one trigger
            foreach (var train in trains)
            {
                var answer = await YokeSender.SendAsync(client, commander, run.Rig, partnerSession.Rig, partnerSession.Boot, train.TimeUs, train.TimeUs - start, cancellationToken).ConfigureAwait(false);
                sent.Add(new RelayedTrigger(partnerSession.Rig, partnerSession.Boot, train.TimeUs, train.TimeUs - start, run.Rig, answer is { Accepted: true },
                    answer?.ResultWord ?? "no answer", TimeSpan.Zero, System.Diagnostics.Stopwatch.GetTimestamp(), Recorded: true));
            }
        }

        return sent;
    }

    /// <summary>Pairs each yoked rig's yoked trains, from the log, with the triggers relayed to it, in order.</summary>
    private static List<YokedTrain> YokedTrains(EventStore store, List<PacedRig> rigs, IReadOnlyList<RelayedTrigger> relayed)
    {
        var trains = new List<YokedTrain>();
        foreach (var group in relayed.Where(r => r.Accepted).GroupBy(r => r.YokedRig))
        {
            var yoked = rigs.First(r => r.Run.Rig == group.Key);
            var events = LoggedEvents.Read(store, yoked.Run.Rig, yoked.BootId).All;
            long start = events.First(e => e.Kind == ClosedLoop.Engine.Journal.EventKind.SessionStarted).TimeUs;
            var offsets = events.Where(e => e.Kind == ClosedLoop.Engine.Journal.EventKind.OutputStarted && (e.Flags & ClosedLoop.Engine.Journal.OutputFlags.Yoked) != 0)
                .Select(e => e.TimeUs - start).Order().ToList();
            foreach (var (trigger, offset) in group.OrderBy(r => r.OffsetUs).Zip(offsets))
            {
                // The yoked rig had taken the trigger by the time its answer arrived (it answers in the pump after a
                // step) and starts a due train at a poll within its next step; a recorded trigger was queued ahead.
                long bound = (trigger.Recorded ? 0 : yoked.RigUsAt(trigger.AnsweredTicks) - start - trigger.OffsetUs) + 2 * PacedRig.Step;
                trains.Add(new YokedTrain(group.Key, trigger.OffsetUs, offset, Math.Max(bound, 0)));
            }
        }

        return trains;
    }

    private static string Label(StudyPlan plan, ScheduledRun run) =>
        run.Kind == SessionKind.Baseline ? "baseline" : plan.Label(plan.AssignmentOf(run.AnimalId).Condition);

    /// <summary>Each partner rig of the slot and the rigs yoked to it live.</summary>
    private static Dictionary<string, IReadOnlyList<string>> LiveFollowers(StudyPlan plan, List<ScheduledRun> runs)
    {
        if (runs[0].Kind != SessionKind.Stimulation)
        {
            return [];
        }

        var rigOf = runs.ToDictionary(r => r.AnimalId, r => r.Rig);
        return runs.Select(r => plan.AssignmentOf(r.AnimalId))
            .Where(a => a.Partner is not null && plan.Study.Condition(a.Condition).Yoke == YokeSource.Live && rigOf.ContainsKey(a.Partner))
            .GroupBy(a => rigOf[a.Partner!])
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)[.. g.Select(a => rigOf[a.AnimalId])]);
    }

    /// <summary>The rig's config for this run: the study's nf.config with the rig's id, then the condition (or no output in a baseline), then the animal's calibrated threshold.</summary>
    private ConfigInput ConfigFor(StudyPlan plan, ScheduledRun run)
    {
        var sets = new List<string> { $"rig.id={run.Rig}" };
        if (run.Kind == SessionKind.Baseline)
        {
            sets.Add("output.mode=sham");
        }
        else
        {
            sets.AddRange(StudyFileReader.ConditionAssignments(plan.Study.Condition(plan.AssignmentOf(run.AnimalId).Condition)));
        }

        if (calibration?.Animals.FirstOrDefault(a => a.Id == run.AnimalId) is { } calibrated)
        {
            sets.Add($"detector.deficit_threshold={calibrated.Threshold.ToString("R", CultureInfo.InvariantCulture)}");
        }

        var input = ConfigInput.Load(new FileInfo(plan.Study.ConfigPath), sets, forRig: true);
        return input.Result.IsValid ? input : throw new InvalidOperationException($"{run.Rig} {run.AnimalId}: the config does not validate: {input.Result.Errors[0]}");
    }

    /// <summary>What the rig was flashed with: the study's nf.config under the rig's id (its link identity cannot change over MQTT).</summary>
    private RigConfig FlashedConfig(ScheduledRun run)
    {
        var input = ConfigInput.Load(new FileInfo(study.ConfigPath), [$"rig.id={run.Rig}"]);
        return input.Result.IsValid ? input.Result.Config : throw new InvalidOperationException($"{run.Rig}: the study's config does not validate: {input.Result.Errors[0]}");
    }

    private static async Task ConfigureAsync(BrokerClient client, ScheduledRun run, ConfigInput input, CancellationToken cancellationToken)
    {
        string hash = input.Result.Config.Hash;
        var topics = client.TopicsOf(run.Rig);
        byte[] payload = Encoding.UTF8.GetBytes(ConfigureCommand.Render(input.Document));
        bool IsOurs(byte[] ack)
        {
            using var document = System.Text.Json.JsonDocument.Parse(ack);
            return document.RootElement.GetProperty("config").GetString() == hash || !document.RootElement.GetProperty("applied").GetBoolean();
        }

        byte[]? answer = await client.WaitForAsync(topics.ConfigAck, IsOurs, Patience,
            () => client.PublishAsync(topics.Config, payload, retain: true, cancellationToken), cancellationToken).ConfigureAwait(false);
        using var ack = answer is null ? null : System.Text.Json.JsonDocument.Parse(answer);
        if (ack is null || !ack.RootElement.GetProperty("applied").GetBoolean())
        {
            throw new RigUnavailableException($"{run.Rig} did not apply its config for {run.AnimalId}{(ack is null ? " (no answer)" : ": " + ack.RootElement.GetProperty("errors"))}");
        }
    }

    /// <summary>Waits for the rig's status of this boot: the broker may still hold the will of the rig's boot before.</summary>
    private static async Task AwaitOnlineAsync(RigCommander commander, string rig, long boot, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                if ((await commander.ReadClockAsync(rig, cancellationToken).ConfigureAwait(false)).Boot == boot)
                {
                    return;
                }
            }
            catch (RigUnavailableException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new RigUnavailableException($"{rig} did not come online with boot {boot} within {Patience.TotalSeconds:F0} s");
            }

            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<CommandAnswer> ExpectAcceptedAsync(RigCommander commander, string rig, CommandKind kind, CancellationToken cancellationToken)
    {
        var answer = await commander.SendAsync(rig, kind, 0, Patience, cancellationToken).ConfigureAwait(false);
        return answer is { Accepted: true } ? answer
            : throw new RigUnavailableException($"{rig} {(answer is null ? "did not answer" : "refused")} {CommandJson.Names[(int)kind]}{(answer is null ? string.Empty : ": " + answer.ResultWord)}");
    }

    private (ulong Seed, Phenotype Phenotype) Boot(StudyPlan plan, ScheduledRun run)
    {
        var animal = plan.Study.Animals.First(a => a.Id == run.AnimalId);
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
        private long _nowUs;

        public PacedRig(ScheduledRun run, RigConfig config, (ulong Seed, Phenotype Phenotype) mouse, BrokerEndpoint endpoint, double speed)
        {
            Run = run;
            _speed = speed;
            long span = (run.Minutes + 2) * 60 * Second;
            var scenario = Scenario.Random(mouse.Seed, (int)(span / (20 * Second)) + 1, 40 * Second, 15 * Second, 45 * Second, 2 * Second, 8 * Second);
            _rig = new VirtualRig.VirtualRig(config, new SimulationOptions { Seed = mouse.Seed, Phenotype = mouse.Phenotype }, scenario);
            _link = new RigLink(_rig.Engine, endpoint);
        }

        public ScheduledRun Run { get; }

        public long BootId => _rig.Engine.Journal.BootId;

        public long NowUs => Interlocked.Read(ref _nowUs);

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
                Interlocked.Exchange(ref _nowUs, t);
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
            var deadline = DateTime.UtcNow + Patience;
            while (logger.Gaps.High(Run.Rig, BootId) < last && DateTime.UtcNow < deadline)
            {
                _link.Pump();
                await Task.Delay(10).ConfigureAwait(false);
            }
        }

        public ValueTask DisposeAsync() => _link.DisposeAsync();
    }
}
