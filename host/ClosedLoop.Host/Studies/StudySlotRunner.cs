using System.Collections.Concurrent;
using System.Text.Json;
using ClosedLoop.Host.Logging;

namespace ClosedLoop.Host.Studies;

/// <summary>What a slot did on its rigs: each rig's boot and session start (rig µs), and every trigger sent to a yoked rig.</summary>
public sealed record SlotRun(IReadOnlyDictionary<string, long> Boots, IReadOnlyDictionary<string, long> SessionStarts, IReadOnlyList<RelayedTrigger> Relayed);

/// <summary>
/// Runs one slot of a planned session on its rigs, over MQTT only, the same for real and virtual rigs: each rig is
/// sent its animal's config (the study's nf.config under the rig's id, the condition's output mode and settings, the
/// accepted threshold; outputs undriven in a baseline) and must acknowledge it, is armed, and has its session started
/// under the animal's id with the session's name as note (partners first); live-yoked rigs get their partner's
/// trains through <see cref="YokeRelay"/>, rigs yoked to a recording their partner's logged trains at once. Each
/// session lasts its minutes on its rig's own clock (read from its status heartbeat) and is stopped then; a live-yoked
/// rig's only once its partner's session has ended, every train of it has been relayed, and its own session is as
/// long as its partner's was (rig clocks drift apart, and a yoked session that ended first would lose its partner's
/// last trains). Then the rigs are disarmed. What it prints
/// names conditions only as the plan shows them.
/// </summary>
public sealed class StudySlotRunner(StudyPlan plan, CalibrationFile? calibration, BrokerEndpoint endpoint, EventStore? log, TextWriter output, TimeProvider? time = null)
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>What decides when a yoked session whose partner's end never came is stopped, and the relay's latencies.</summary>
    private TimeProvider Clock { get; } = time ?? TimeProvider.System;

    /// <summary>Who runs the sessions, as each session's note records them (reports and NWB say it).</summary>
    public string Experimenter { get; init; } = Environment.UserName;

    /// <summary>
    /// Where what only a yoked run has to say goes (the relay's counts and latencies, a partner's missing end or
    /// events): the operator's output in an open study; nowhere in a blinded one, where a line printed after some
    /// slots and not others would tell which slot holds a closed-loop animal and its yoked partner. The log keeps
    /// every relayed trigger and where it came from (yoke_origins) for after unblinding.
    /// </summary>
    public TextWriter YokeNotes => plan.Study.Blinded ? TextWriter.Null : output;

    /// <summary>What the experimenter may see of a run's condition.</summary>
    public string Label(ScheduledRun run) =>
        run.Kind == SessionKind.Baseline ? StudyResults.BaselineLabel : plan.Label(plan.AssignmentOf(run.AnimalId).Condition);

    /// <param name="boots">For rigs just booted (virtual rigs): the boot to wait for, since the broker may still hold the last boot's will.</param>
    public async Task<SlotRun> RunAsync(IReadOnlyList<ScheduledRun> runs, IReadOnlyDictionary<string, long>? boots, CancellationToken cancellationToken)
    {
        await using var client = await BrokerClient.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        var commander = new RigCommander(client, "study");
        var clocks = new ConcurrentDictionary<string, (long Boot, long TimeUs)>();
        foreach (var run in runs)
        {
            await client.WatchAsync(client.TopicsOf(run.Rig).Status, status => OnStatus(run.Rig, status, clocks), cancellationToken).ConfigureAwait(false);
        }

        var online = new Dictionary<string, long>();
        foreach (var run in runs)
        {
            online[run.Rig] = await AwaitOnlineAsync(commander, run.Rig, boots?[run.Rig], cancellationToken).ConfigureAwait(false);
        }

        foreach (var run in runs)
        {
            await ConfigureAsync(client, run, ConfigFor(run), cancellationToken).ConfigureAwait(false);
            await ExpectAcceptedAsync(commander, run.Rig, CommandKind.Arm, cancellationToken).ConfigureAwait(false);
        }

        var followers = LiveFollowers(runs);
        await using var relay = new YokeRelay(endpoint, followers, Clock);
        if (followers.Count > 0)
        {
            await relay.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        // Partners first, so that a yoked rig's session is running when its first trigger comes.
        var starts = new Dictionary<string, long>();
        foreach (var run in runs.OrderBy(r => followers.ContainsKey(r.Rig) ? 0 : 1))
        {
            var answer = await ExpectAcceptedAsync(commander, run.Rig, CommandKind.SessionStart, cancellationToken).ConfigureAwait(false);
            starts[run.Rig] = answer.TimeUs;
            relay.ExpectSession(run.Rig, online[run.Rig], answer.TimeUs);
            var note = new SessionNote(run.AnimalId, Experimenter, run.Session);
            await note.PublishAsync(client, run.Rig, online[run.Rig], answer.TimeUs, cancellationToken).ConfigureAwait(false);
        }

        var recorded = await SendRecordedPartnersAsync(runs, client, commander, cancellationToken).ConfigureAwait(false);
        var ends = new SessionEnds(runs[0].Minutes * 60_000_000L, followers, Patience);
        while (ends.StoppedCount < runs.Count)
        {
            foreach (var run in runs.Where(r => !ends.IsStopped(r.Rig)))
            {
                long elapsedUs = clocks.TryGetValue(run.Rig, out var clock) && clock.Boot == online[run.Rig] ? clock.TimeUs - starts[run.Rig] : 0;
                var end = ends.Judge(run.Rig, elapsedUs, relay.RelayedSessionLength, Clock.GetUtcNow().UtcDateTime);
                if (end == SessionEnd.Run)
                {
                    continue;
                }

                if (end == SessionEnd.StopUnfed)
                {
                    YokeNotes.WriteLine($"  {run.Rig}: stopped {Patience.TotalSeconds:0} s after its minutes without the end of its partner's session from {string.Join(", ", ends.PartnersOf(run.Rig))}: its partner's last trains may be missing");
                }

                await ExpectAcceptedAsync(commander, run.Rig, CommandKind.SessionStop, cancellationToken).ConfigureAwait(false);
                ends.MarkStopped(run.Rig);
            }

            if (ends.StoppedCount < runs.Count)
            {
                await Task.Delay(20, cancellationToken).ConfigureAwait(false);
            }
        }

        await Task.WhenAll(runs.Select(run => ExpectAcceptedAsync(commander, run.Rig, CommandKind.Disarm, cancellationToken))).ConfigureAwait(false);

        IReadOnlyList<RelayedTrigger> relayed = [.. relay.Relayed, .. recorded];
        if (recorded.Count > 0)
        {
            YokeNotes.WriteLine($"  sent {recorded.Count(r => r.Accepted)} of {recorded.Count} recorded partner trains to rigs yoked to a recording");
        }

        if (relayed.Any(r => !r.Recorded))
        {
            var latencies = relayed.Where(r => !r.Recorded).Select(r => r.Latency.TotalMilliseconds).Order().ToList();
            YokeNotes.WriteLine($"  relayed {relayed.Count(r => r.Accepted && !r.Recorded)} of {latencies.Count} trains to live-yoked rigs (from the partner's event to the yoked rig's answer: median {latencies[latencies.Count / 2]:F0} ms, max {latencies[^1]:F0} ms)");
        }

        return new SlotRun(online, starts, relayed);
    }

    private static void OnStatus(string rig, byte[] status, ConcurrentDictionary<string, (long Boot, long TimeUs)> clocks)
    {
        try
        {
            using var document = JsonDocument.Parse(status);
            var root = document.RootElement;
            if (root.TryGetProperty("online", out var up) && up.GetBoolean() && root.TryGetProperty("boot", out var boot) && root.TryGetProperty("t_us", out var time))
            {
                clocks[rig] = (boot.GetInt64(), time.GetInt64());
            }
        }
        catch (JsonException)
        {
            // Not a status this program can read: the clock stays as it was.
        }
    }

    /// <summary>Each partner rig of the slot and the rigs yoked to it live.</summary>
    private Dictionary<string, IReadOnlyList<string>> LiveFollowers(IReadOnlyList<ScheduledRun> runs)
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

    /// <summary>
    /// The classic yoked design: a rig yoked to a recording gets, at its session start, every train its partner's
    /// session of the same name drove (found in the log by the partner's subject and note), each at its offset.
    /// </summary>
    private async Task<List<RelayedTrigger>> SendRecordedPartnersAsync(IReadOnlyList<ScheduledRun> runs, BrokerClient client, RigCommander commander, CancellationToken cancellationToken)
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

            if (log is null)
            {
                throw new InputException($"{run.AnimalId} replays its partner's recorded session: give the logger's file with --db");
            }

            var partnerSession = log.Rigs().SelectMany(rig => log.Boots(rig).SelectMany(boot => log.Sessions(rig, boot)))
                .LastOrDefault(s => s.Subject == assignment.Partner && s.Note == run.Session)
                ?? throw new RigUnavailableException($"{run.AnimalId} replays its partner's '{run.Session}' session, which is not in the log yet");
            var (events, start) = await RecordedSessionAsync(log, partnerSession, run.AnimalId, run.Session, cancellationToken).ConfigureAwait(false);
            var trains = events.Where(e => e.Kind == EventKind.OutputStarted && e.TimeUs >= start && (e.Flags & (OutputFlags.Sham | OutputFlags.Yoked)) == 0)
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

    /// <summary>
    /// The partner's recorded session once the log holds all of it: its session_stopped and every event of the boot
    /// before that. The partner's slot has ended, but on a busy host the logger may still be writing it, and reading
    /// it at once would send the yoked rig only the trains logged so far (seen: 1 of 6). A session whose end never
    /// arrives is refused; one whose end came but with events still missing after the patience is sent as logged,
    /// with a warning.
    /// </summary>
    private async Task<(IReadOnlyList<JournalEvent> Events, long StartUs)> RecordedSessionAsync(EventStore store, SessionRecord partner, string animal, string session, CancellationToken cancellationToken)
    {
        IReadOnlyList<JournalEvent> events = [];
        long start = 0;
        JournalEvent? stopped = null;
        bool whole = await Waiting.UntilAsync(
            () =>
            {
                events = LoggedEvents.Read(store, partner.Rig, partner.Boot).All;
                var started = events.FirstOrDefault(e => e.Kind == EventKind.SessionStarted && e.TimeUs >= partner.RigTimeUs);
                start = started?.TimeUs ?? 0;
                stopped = started is null ? null : events.FirstOrDefault(e => e.Kind == EventKind.SessionStopped && e.TimeUs >= start);
                return stopped is not null && store.Sequences(partner.Rig, partner.Boot).Count(s => s <= stopped.Sequence) == stopped.Sequence;
            },
            Patience,
            TimeSpan.FromMilliseconds(100),
            time: Clock,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (stopped is null)
        {
            throw new RigUnavailableException($"{animal} replays its partner's '{session}' session, whose end the log does not hold after {Patience.TotalSeconds:F0} s: is the logger running?");
        }

        if (!whole)
        {
            YokeNotes.WriteLine($"  warning: the log still lacks events of {partner.Subject}'s '{session}' session ({partner.Rig} boot {partner.Boot}) after {Patience.TotalSeconds:F0} s: its trains are sent to {animal} as logged");
        }

        return (events, start);
    }

    /// <summary>The rig's config for this run: the study's nf.config with the rig's id, then the condition (or no output in a baseline), then the animal's calibrated threshold.</summary>
    private ConfigInput ConfigFor(ScheduledRun run)
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

    private static async Task ConfigureAsync(BrokerClient client, ScheduledRun run, ConfigInput input, CancellationToken cancellationToken)
    {
        var answer = await ConfigSender.SendAsync(client, run.Rig, input, Patience, cancellationToken).ConfigureAwait(false);
        if (answer is not { Applied: true })
        {
            throw new RigUnavailableException($"{run.Rig} did not apply its config for {run.AnimalId}{(answer is null ? " (no answer)" : ": " + string.Join("; ", answer.Errors))}");
        }
    }

    /// <summary>Waits for the rig's online status (of <paramref name="boot"/> when given) and returns its boot.</summary>
    private static async Task<long> AwaitOnlineAsync(RigCommander commander, string rig, long? boot, CancellationToken cancellationToken)
    {
        long? online = null;
        async Task<bool> IsOnline()
        {
            try
            {
                var clock = await commander.ReadClockAsync(rig, cancellationToken).ConfigureAwait(false);
                online = boot is null || clock.Boot == boot ? clock.Boot : null;
            }
            catch (RigUnavailableException)
            {
                // Not (yet) online: look again.
            }

            return online is not null;
        }

        if (!await Waiting.UntilAsync(IsOnline, Patience, TimeSpan.FromMilliseconds(50), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            throw new RigUnavailableException($"{rig} did not come online{(boot is null ? string.Empty : $" with boot {boot}")} within {Patience.TotalSeconds:F0} s");
        }

        return online!.Value;
    }

    private static async Task<CommandAnswer> ExpectAcceptedAsync(RigCommander commander, string rig, CommandKind kind, CancellationToken cancellationToken)
    {
        var answer = await commander.SendAsync(rig, kind, 0, Patience, cancellationToken).ConfigureAwait(false);
        return answer is { Accepted: true } ? answer
            : throw new RigUnavailableException($"{rig} {(answer is null ? "did not answer" : "refused")} {CommandJson.Names[(int)kind]}{(answer is null ? string.Empty : ": " + answer.ResultWord)}");
    }
}
