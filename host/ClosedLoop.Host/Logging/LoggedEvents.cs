using ClosedLoop.Data;
using ClosedLoop.Engine.Detection;
using ClosedLoop.Engine.Encounters;

namespace ClosedLoop.Host.Logging;

/// <summary>A decision as logged: <see cref="Early"/> when the early rule made it before the window closed.</summary>
public sealed record LoggedDecision(long TimeUs, DecisionOutcome Outcome, bool Early, long OnsetUs, long LatencyUs, double DeltaZ, double PreZ);

/// <summary>The whole window's verdict on an early decision (decision_scored).</summary>
public sealed record LoggedScore(long TimeUs, DecisionOutcome Outcome, DecisionOutcome EarlyOutcome, long OnsetUs, long EarlyLatencyUs, double DeltaZ, double EarlyBoundary);

/// <summary>An encounter's confirmation (encounter_on): when contact began and the partner its mark named (null: none).</summary>
public sealed record LoggedEncounter(long TimeUs, long OnsetUs, Novelty Novelty, string? Partner);

/// <summary>An encounter's end (encounter_off).</summary>
public sealed record LoggedEncounterEnd(long TimeUs, long OffsetUs, long OnsetUs);

/// <summary>A train start (output_started).</summary>
public sealed record LoggedTrain(long TimeUs, string Channel, bool Sham)
{
    /// <summary>Started by a yoke trigger (another rig's train relayed or replayed), not by this rig's own decision.</summary>
    public bool Yoked { get; init; }
}

/// <summary>A train a limit refused (output_refused).</summary>
public sealed record LoggedRefusal(long TimeUs, string Channel, string Reason, double Value, double Limit);

/// <summary>A fault (detail as the fault defines it).</summary>
public sealed record LoggedFault(long TimeUs, string Fault, long Detail);

/// <summary>
/// One boot's logged events, decoded once by the engine's own reader (<see cref="EventJson"/>) and handed out as
/// typed records, so that report, export and replay never read an event by a field name or a position: both live
/// here and in the engine's named appends (EventJournal.Named.cs).
/// </summary>
public sealed class LoggedEvents
{
    private LoggedEvents(IReadOnlyList<JournalEvent> events) => All = events;

    /// <summary>Every event, in sequence order.</summary>
    public IReadOnlyList<JournalEvent> All { get; }

    public static LoggedEvents Read(EventStore store, string rig, long boot) => From(store.Events(rig, boot).Select(e => e.Json), store.Path);

    /// <summary>Decodes events from their JSON; one that does not decode is an error naming the log and the reason.</summary>
    public static LoggedEvents From(IEnumerable<string> json, string source)
    {
        var codec = new EventJson();
        var events = new List<JournalEvent>();
        foreach (string line in json)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(line);
            var e = new JournalEvent();
            if (codec.TryRead(bytes, 0, bytes.Length, e, new EventIdentity()) is string problem)
            {
                throw new InvalidDataException($"{source}: a stored event does not decode: {problem}");
            }

            events.Add(e);
        }

        return new LoggedEvents(events);
    }

    private IEnumerable<JournalEvent> Of(EventKind kind) => All.Where(e => e.Kind == kind);

    public IEnumerable<LoggedDecision> Decisions =>
        Of(EventKind.Decision).Select(e => new LoggedDecision(e.TimeUs, (DecisionOutcome)e.Code, (e.Flags & (int)DecisionFlags.Early) != 0, e.Ref1, e.Ref2, e.Value1, e.Value2));

    public IEnumerable<LoggedScore> Scores =>
        Of(EventKind.DecisionScored).Select(e => new LoggedScore(e.TimeUs, (DecisionOutcome)e.Code, (DecisionOutcome)e.Flags, e.Ref1, e.Ref2, e.Value1, e.Value2));

    /// <summary>Encounters as confirmed, with their partner marks.</summary>
    public IEnumerable<LoggedEncounter> Encounters =>
        Of(EventKind.EncounterOn).Select(e => new LoggedEncounter(e.TimeUs, e.Ref1, (Novelty)e.Flags, e.Ref2 == 0 ? null : SenderName.Unpack(e.Ref2)));

    /// <summary>Encounter onsets (the debounced contact edge).</summary>
    public IEnumerable<long> EncounterOnsets => Of(EventKind.EncounterOn).Select(e => e.Ref1);

    /// <summary>Contact edges in journal order: (onset, true) for each encounter_on, (offset, false) for each encounter_off.</summary>
    public IEnumerable<(long TimeUs, bool Level)> EncounterEdges =>
        All.Where(e => e.Kind is EventKind.EncounterOn or EventKind.EncounterOff).Select(e => (e.Ref1, e.Kind == EventKind.EncounterOn));

    public IEnumerable<LoggedEncounterEnd> EncounterEnds => Of(EventKind.EncounterOff).Select(e => new LoggedEncounterEnd(e.TimeUs, e.Ref1, e.Ref2));

    public IEnumerable<LoggedTrain> Trains =>
        Of(EventKind.OutputStarted).Select(e => new LoggedTrain(e.TimeUs, EventJson.Channels[e.Code], (e.Flags & OutputFlags.Sham) != 0) { Yoked = (e.Flags & OutputFlags.Yoked) != 0 });

    public IEnumerable<LoggedRefusal> Refusals =>
        Of(EventKind.OutputRefused).Select(e => new LoggedRefusal(e.TimeUs, EventJson.Channels[e.Code], EventJson.Reasons[e.Flags], e.Value1, e.Value2));

    /// <summary>
    /// Arming, disarming, the e-stop and its reset, session starts and stops, in journal order, whoever did them (a
    /// command, the key, or the engine itself on a fault): what decided whether the rig could drive.
    /// </summary>
    public IEnumerable<(long TimeUs, RigAction Action)> Actions =>
        All.Select(e => (e.TimeUs, Action: e.Kind switch
        {
            EventKind.Armed => RigAction.Arm,
            EventKind.Disarmed => RigAction.Disarm,
            EventKind.EStop => RigAction.EStop,
            EventKind.EStopReset => RigAction.ResetEStop,
            EventKind.SessionStarted => RigAction.StartSession,
            EventKind.SessionStopped => RigAction.StopSession,
            _ => (RigAction?)null,
        })).Where(a => a.Action is not null).Select(a => (a.TimeUs, a.Action!.Value));

    /// <summary>The rig's own data_gap events: (first cycle, cycles) it could not use or never acquired.</summary>
    public IEnumerable<(long FirstCycle, long Cycles)> DataGaps => Of(EventKind.DataGap).Select(e => (e.Ref1, e.Ref2));

    public IEnumerable<LoggedFault> Faults => Of(EventKind.Fault).Select(e => new LoggedFault(e.TimeUs, EventJson.Faults[e.Code], e.Ref1));

    /// <summary>The configs the boot ran (the boot's and every one applied), as 16-hex-digit hashes, in order.</summary>
    public IEnumerable<string> ConfigHashes =>
        All.Where(e => e.Kind is EventKind.Boot or EventKind.ConfigApplied).Select(e => e.Ref1.ToString("x16", System.Globalization.CultureInfo.InvariantCulture)).Distinct();

    /// <summary>The last sync_started: its time (the first rising edge) and period, or null when the boot had none.</summary>
    public (long FirstEdgeUs, long PeriodUs)? Sync =>
        Of(EventKind.SyncStarted).Select(e => ((long, long)?)(e.TimeUs, e.Ref1)).LastOrDefault();
}
