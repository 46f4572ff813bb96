using ClosedLoop.Engine.Detection;
using ClosedLoop.Host.Logging;
using ClosedLoop.VirtualRig.Replay;
using ClosedLoop.VirtualRig.Validation;

namespace ClosedLoop.Host.Tuning;

/// <summary>
/// One decision of a replayed encounter: when, its Δz, the engine's decision and its latency, the rule that made
/// it, and (for a response or deficit) the whole window's own verdict.
/// </summary>
public sealed record EncounterRow(int Encounter, double OnsetS, double DeltaZ, string Decision, double LatencyMs, bool Early, double? WholeWindowDeltaZ, string? WholeWindowDecision);

/// <summary>
/// What one setting's replay did: encounters, deficits, drops, trains started and refused after every limit, the
/// median time from onset to a deficit decision, and how often the decision agreed with the whole window.
/// </summary>
public sealed record SweepPoint(double Value, int Encounters, int Deficits, int Drops, int Trains, int Refused, double DeficitLatencyMedianMs, double WholeWindowAgreement);

/// <summary>
/// Reads a replay's journal into what `closedloop replay` and the console's tuning show. Only counts and reads
/// what the engine journaled: which decisions trigger and every limit are the engine's.
/// </summary>
public static class ReplayAnalysis
{
    /// <summary>Every decision of every encounter, in onset order (an encounter may have a drop beside its decision).</summary>
    public static IReadOnlyList<EncounterRow> Encounters(RecordingReplay replay)
    {
        var decisions = replay.Events.Where(e => e.Kind == EventKind.Decision).ToList();
        var scored = DecisionScores.From(replay.Events);
        var rows = new List<EncounterRow>();
        int n = 0;
        foreach (var onset in replay.Events.Where(e => e.Kind == EventKind.EncounterOn))
        {
            n++;
            foreach (var d in decisions.Where(d => d.Ref1 == onset.Ref1))
            {
                // A drop stands beside the encounter's decision; the whole window scores only response or deficit.
                var whole = (DecisionOutcome)d.Code == DecisionOutcome.Drop ? null : scored.GetValueOrDefault(d.Ref1);
                rows.Add(new EncounterRow(
                    n,
                    onset.Ref1 / 1e6,
                    d.Value1,
                    EventJson.Outcomes[d.Code],
                    d.Ref2 / 1000.0,
                    (d.Flags & (int)DecisionFlags.Early) != 0,
                    whole?.FullDeltaZ,
                    whole is null ? null : EventJson.Outcomes[(int)whole.Full]));
            }
        }

        return rows;
    }

    /// <summary>
    /// The replay's encounters with the partners the recording's marks named (a logged session's), each with its
    /// whole-window Δz and contact: what the by-partner split and a session's discrimination read. Empty when the
    /// recording names no partner.
    /// </summary>
    public static IReadOnlyList<PartnerEncounter> Partners(RecordingReplay replay, ClosedLoop.Data.Recording recording)
    {
        if (recording.PartnersByOnset is not { } marks || marks.Values.All(m => m.Novelty == "unmarked" && m.Partner is null))
        {
            return [];
        }

        var scored = DecisionScores.From(replay.Events);
        var offsets = replay.Events.Where(e => e.Kind == EventKind.EncounterOff).GroupBy(e => e.Ref2).ToDictionary(g => g.Key, g => g.First().Ref1);
        return [.. replay.Events.Where(e => e.Kind == EventKind.EncounterOn).Select(on =>
        {
            var (word, partner) = marks.GetValueOrDefault(on.Ref1, ("unmarked", null));
            var whole = scored.GetValueOrDefault(on.Ref1);
            double dz = whole is not null && whole.Full is DecisionOutcome.Response or DecisionOutcome.Deficit ? whole.FullDeltaZ : double.NaN;
            return new PartnerEncounter(on.Ref1, PartnerEncounters.NoveltyOf(word), partner, dz, offsets.TryGetValue(on.Ref1, out long off) ? (off - on.Ref1) / 1e6 : double.NaN);
        })];
    }

    /// <summary>The replay as one point of a sweep at <paramref name="value"/>.</summary>
    public static SweepPoint Point(double value, RecordingReplay replay)
    {
        var decisions = replay.Events.Where(e => e.Kind == EventKind.Decision).ToList();
        var timing = DecisionScores.Summarize(DecisionScores.From(replay.Events).Values);
        return new SweepPoint(
            value,
            replay.Events.Count(e => e.Kind == EventKind.EncounterOn),
            decisions.Count(d => (DecisionOutcome)d.Code == DecisionOutcome.Deficit),
            decisions.Count(d => (DecisionOutcome)d.Code == DecisionOutcome.Drop),
            replay.Events.Count(e => e.Kind == EventKind.OutputStarted),
            replay.Events.Count(e => e.Kind == EventKind.OutputRefused),
            timing.DeficitLatencyMedianUs / 1000,
            timing.FullWindowAgreement);
    }

    /// <summary>
    /// The config to replay <paramref name="recording"/> with: the file or the logged session's own config (or the
    /// defaults), then <paramref name="settings"/>. The engine's cycle period must be the recording's sample
    /// interval; a logged session's own config already has the rate its frames were made at, and keeps it (and so
    /// its hash).
    /// </summary>
    public static ConfigInput ConfigFor(ClosedLoop.Data.Recording recording, FileInfo? file, string? sessionConfig, IEnumerable<string> settings) =>
        ConfigInput.Load(file, settings, document =>
        {
            if (sessionConfig is null)
            {
                document.Set("acquisition", "rate_hz", recording.SamplingRate.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }, baseText: sessionConfig);

    /// <summary>
    /// The most values one sweep may try, from the command line or the console alike: each replays the whole recording
    /// (about a second of CPU for an hour at 130 Hz), and 101 values already step a threshold from 0 to 2 by 0.02.
    /// </summary>
    public const int MaxSweepValues = 101;

    /// <summary>The values a sweep from <paramref name="from"/> to <paramref name="to"/> in steps of <paramref name="step"/> tries; null when that is not a range.</summary>
    public static IReadOnlyList<double>? Steps(double from, double to, double step, int most = MaxSweepValues)
    {
        if (!double.IsFinite(from) || !double.IsFinite(to) || !(step > 0) || to < from)
        {
            return null;
        }

        double count = Math.Floor(((to - from) / step) + 1e-9) + 1;
        return count > most ? null : [.. Enumerable.Range(0, (int)count).Select(i => from + (i * step))];
    }
}
