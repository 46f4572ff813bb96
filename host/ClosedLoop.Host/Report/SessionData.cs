using ClosedLoop.Engine.Detection;
using ClosedLoop.Engine.Processing;
using ClosedLoop.Host.Logging;

namespace ClosedLoop.Host.Report;

/// <summary>One encounter as the report shows it.</summary>
/// <param name="OnsetS">Contact onset (rig s).</param>
/// <param name="OffsetS">Contact end, when logged.</param>
/// <param name="Outcome">The rig's decision: response or deficit.</param>
/// <param name="DeltaZ">The whole post window's Δz (for an early decision, from its decision_scored; NaN until then).</param>
/// <param name="Stimulated">The decision started a train (driven or sham).</param>
/// <param name="DecisionS">When the rig decided (rig s): a train the decision started starts then.</param>
/// <param name="Early">Decided by the early rule before the window closed.</param>
public sealed record ReportEncounter(double OnsetS, double? OffsetS, string Outcome, double DeltaZ, bool Stimulated, double DecisionS = double.NaN, bool Early = false)
{
    /// <summary>From contact onset to the decision (and to the train it started), in s.</summary>
    public double LatencyS => DecisionS - OnsetS;

    /// <summary>Whether the decision (and its train) came while the mice were still in contact.</summary>
    public bool DuringContact => OffsetS is double off && DecisionS < off;

    /// <summary>Whether the partner met was familiar or novel, as the encounter's mark said.</summary>
    public ClosedLoop.Engine.Encounters.Novelty Novelty { get; init; }
}

/// <summary>What the report needs of one boot of one rig, read from the SQLite log.</summary>
public sealed class SessionData
{
    public required string Rig { get; init; }

    public required long Boot { get; init; }

    public required double[] TimeS { get; init; }

    public required double[] Z { get; init; }

    public required IReadOnlyList<ReportEncounter> Encounters { get; init; }

    /// <summary>Every encounter with the partner its mark named, decided or not.</summary>
    public IReadOnlyList<PartnerEncounter> Partners { get; init; } = [];

    /// <summary>Train starts: (time s, channel, sham).</summary>
    public required IReadOnlyList<(double TimeS, string Channel, bool Sham)> Trains { get; init; }

    public required IReadOnlyList<(double TimeS, string Channel, string Reason, double Value, double Limit)> Refusals { get; init; }

    public required IReadOnlyList<(double TimeS, string Fault, long Detail)> Faults { get; init; }

    /// <summary>Spans of the trace the log does not hold; the z trace is broken there, never bridged.</summary>
    public IReadOnlyList<SampleGap> Gaps { get; init; } = [];

    public required double Threshold { get; init; }

    /// <summary>The LED currents the session ran with (mA), where its board set them in software and the log holds its config.</summary>
    public (double SignalMa, double ControlMa)? LedCurrents { get; init; }

    /// <summary>Who and what the boot's sessions were about (subject, experimenter, UTC start), as logged.</summary>
    public IReadOnlyList<Logging.SessionRecord> Sessions { get; init; } = [];

    /// <summary>Commands sent to this boot from the console: who, from where, the rig's answer, and whether the rig's journal bears the record out.</summary>
    public IReadOnlyList<ConsoleCommand> ConsoleCommands { get; init; } = [];

    /// <summary>The deficit threshold the boot's session ran with (its logged config), or null when the log holds no config.</summary>
    public static double? LoggedThreshold(EventStore store, string rig, long boot)
    {
        string? text = store.SessionConfigText(rig, boot);
        return text is null ? null : ClosedLoop.Engine.Config.ConfigLoader.Load(text).Config?.Detector.DeficitThreshold;
    }

    /// <summary>The LED currents (mA) the session's logged config set, or null where the log holds no config or the board sets them in hardware.</summary>
    public static (double SignalMa, double ControlMa)? LoggedLedCurrents(EventStore store, string rig, long boot)
    {
        string? text = store.SessionConfigText(rig, boot);
        var config = text is null ? null : ClosedLoop.Engine.Config.ConfigLoader.Load(text).Config;
        return config is null || config.Board.LedDacChipSelectPin < 0 ? null : (config.Acquisition.SignalLedMa, config.Acquisition.ControlLedMa);
    }

    public static SessionData Load(EventStore store, string rig, long boot, double threshold)
    {
        var times = new List<double>();
        var z = new List<double>();
        var logged = LoggedSamples.Read(store, rig, boot);
        var gapEnds = logged.Gaps.Select(g => g.ToUs).ToHashSet();
        foreach (var s in logged.Samples)
        {
            if (gapEnds.Contains(s.TimeUs) && times.Count > 0)
            {
                // A point of no value between the samples either side of the hole: the line stops there.
                times.Add((times[^1] + (s.TimeUs / 1e6)) / 2);
                z.Add(double.NaN);
            }

            times.Add(s.TimeUs / 1e6);
            z.Add(s.Valid && s.Ready ? s.Z : double.NaN);
        }

        var events = LoggedEvents.Read(store, rig, boot);
        var trains = events.Trains.Select(t => (t.TimeUs / 1e6, t.Channel, t.Sham)).ToList();
        var trainTimes = events.Trains.Select(t => t.TimeUs).ToHashSet();
        var offsets = events.EncounterEnds.ToDictionary(e => e.OnsetUs, e => e.OffsetUs / 1e6);
        var wholeWindow = events.Scores.ToDictionary(e => e.OnsetUs, e => e.DeltaZ);
        var partners = PartnerEncounters.Read(events);
        var novelty = partners.GroupBy(p => p.OnsetUs).ToDictionary(g => g.Key, g => g.First().Novelty);
        var encounters = events.Decisions.Where(d => d.Outcome is DecisionOutcome.Response or DecisionOutcome.Deficit)
            .Select(d => new ReportEncounter(
                d.OnsetUs / 1e6,
                offsets.TryGetValue(d.OnsetUs, out double off) ? off : null,
                EventJson.Outcomes[(int)d.Outcome],
                d.Early ? wholeWindow.GetValueOrDefault(d.OnsetUs, double.NaN) : d.DeltaZ,
                trainTimes.Contains(d.TimeUs),
                d.TimeUs / 1e6,
                d.Early) { Novelty = novelty.GetValueOrDefault(d.OnsetUs) })
            .ToList();
        var refusals = events.Refusals.Select(r => (r.TimeUs / 1e6, r.Channel, r.Reason, r.Value, r.Limit)).ToList();
        var faults = events.Faults.Select(f => (f.TimeUs / 1e6, f.Fault, f.Detail)).ToList();
        return new SessionData
        {
            Rig = rig,
            Boot = boot,
            TimeS = [.. times],
            Z = [.. z],
            Encounters = encounters,
            Partners = partners,
            Trains = trains,
            Refusals = refusals,
            Faults = faults,
            Gaps = logged.Gaps,
            Threshold = threshold,
            LedCurrents = LoggedLedCurrents(store, rig, boot),
            Sessions = store.Sessions(rig, boot),
            ConsoleCommands = [.. store.Audits(rig, boot).Select(a => new ConsoleCommand(a, a.ConfirmedBy(events.All)))],
        };
    }
}

/// <summary>A console audit record and whether the rig's journal confirms it (null for a config, which carries no id).</summary>
public sealed record ConsoleCommand(Logging.CommandAudit Audit, bool? Confirmed);
