using ClosedLoop.Data;
using ClosedLoop.VirtualRig.Replay;

namespace ClosedLoop.Host.Tuning;

/// <summary>What a replay's outcome says in words, the same for the replay command and the console's tuning: why TTL edges did not all become encounters, and what the output gate did.</summary>
public static class ReplayOutcomes
{
    /// <summary>
    /// When TTL edges did not all become encounters, says how many were seen and why: a replay that silently finds
    /// nothing on real data looks like a result.
    /// </summary>
    public static string? ExplainEdges(Recording recording, int encounters, RigConfig config)
    {
        int rising = recording.RisingEdgesUs.Count();
        if (recording.FromOnsets)
        {
            return ExplainOnsets(recording, rising, encounters, config);
        }

        if (rising == encounters)
        {
            return null;
        }

        var pulses = recording.PulseLengthsUs();
        long minUs = config.Encounter.MinDurationUs;
        int tooShort = pulses.Count(p => p < minUs);
        string range = pulses.Count == 0 ? string.Empty
            : $"; the pulses last {pulses.Min() / 1000.0:F0} to {pulses.Max() / 1000.0:F0} ms";
        string hint = tooShort > 0
            ? $" {tooShort} lasted less than encounter.min_duration_ms ({minUs / 1000} ms){range}. If they mark onsets rather than contact, replay with --events-from ttl-onsets (each then lasts --event-ms)."
            : " The rest fell within encounter.min_gap_ms of another, or came before warm-up or too close to the recording's end.";
        return $"{rising} rising TTL edges, {encounters} became encounters.{hint}";
    }

    /// <summary>As <see cref="ExplainEdges"/>, for encounters made from onset times: each lasts --event-ms, and overlapping ones were merged.</summary>
    private static string? ExplainOnsets(Recording recording, int rising, int encounters, RigConfig config)
    {
        int onsets = rising + recording.MergedOnsets;
        if (onsets == encounters)
        {
            return null;
        }

        var reasons = new List<string>();
        if (recording.MergedOnsets > 0)
        {
            reasons.Add($"{recording.MergedOnsets} came while an earlier onset's encounter (--event-ms) still ran and lengthened it instead");
        }

        int rest = rising - encounters;
        if (rest > 0)
        {
            reasons.Add(recording.PulseLengthsUs().Any(p => p < config.Encounter.MinDurationUs)
                ? $"{rest} were shorter than encounter.min_duration_ms ({config.Encounter.MinDurationUs / 1000} ms): give a longer --event-ms"
                : $"{rest} fell within encounter.min_gap_ms of another, or came before warm-up or too close to the recording's end");
        }

        return $"{onsets} onsets, {encounters} became encounters: {string.Join("; ", reasons)}.";
    }

    /// <summary>Refusal reasons that are a limit doing its job; every other one says the rig could not drive at all.</summary>
    private static readonly HashSet<string> LimitReasons = new(StringComparer.Ordinal)
    {
        "busy", "refractory", "min_interval", "max_duty", "max_train_length", "max_trains_per_hour", "max_trains_per_session",
        "max_cumulative_dose", "plan_too_large", "invalid_train",
    };

    /// <summary>
    /// What the output gate did, as it would live: trains started (sham ones counted as such), refusals by reason,
    /// the limits' apart from those of a rig that could not drive (disarmed, e-stopped, no session), and every fault
    /// with its time and reason, since a fault disarms the rig and a replay, like a rig, does not re-arm itself. The
    /// engine decides which decisions ask for output and applies every limit; replay only counts.
    /// </summary>
    public static string Outputs(RecordingReplay replay)
    {
        var started = replay.Events.Where(e => e.Kind == EventKind.OutputStarted).ToList();
        var refused = replay.Events.Where(e => e.Kind == EventKind.OutputRefused)
            .GroupBy(e => ClosedLoop.Engine.Wire.EventJson.Reasons[e.Flags])
            .OrderByDescending(g => g.Count())
            .ToList();
        var limits = refused.Where(g => LimitReasons.Contains(g.Key)).Select(g => $"{g.Count()} {g.Key}").ToList();
        var state = refused.Where(g => !LimitReasons.Contains(g.Key)).Select(g => $"{g.Count()} {g.Key}").ToList();
        int sham = started.Count(e => (e.Flags & ClosedLoop.Engine.Journal.OutputFlags.Sham) != 0);
        var parts = new List<string> { sham > 0 ? $"{started.Count} trains would have started ({sham} sham)" : $"{started.Count} trains would have started" };
        if (limits.Count > 0)
        {
            parts.Add($"refused by the limits: {string.Join(", ", limits)}");
        }

        if (state.Count > 0)
        {
            parts.Add($"refused because the rig could not drive: {string.Join(", ", state)}");
        }

        string text = refused.Count == 0 ? $"{parts[0]}; no request was refused." : string.Join("; ", parts) + ".";
        var faults = replay.Events.Where(e => e.Kind == EventKind.Fault).ToList();
        if (faults.Count > 0)
        {
            text += $"\n{faults.Count} fault{(faults.Count == 1 ? string.Empty : "s")}, each disarming the rig until someone re-arms it (a replay does not): "
                + string.Join("; ", faults.Select(f => $"{(f.TimeUs / 1e6).ToString("F2", CultureInfo.InvariantCulture)} s {Monitor.FaultDescription.Of(f.Code, f.Ref1)}")) + ".";
            var firstOnset = replay.Events.FirstOrDefault(e => e.Kind == EventKind.EncounterOn);
            if (state.Count > 0 && (firstOnset is null || faults[0].TimeUs < firstOnset.TimeUs))
            {
                // A recording made elsewhere often starts before its LEDs are on: its first light is a step.
                text += " The first came before any encounter: if the recording's LEDs came on after it began, replay with --set processing.warmup_s past that moment.";
            }
        }

        return text;
    }
}
