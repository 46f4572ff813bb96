using ClosedLoop.Engine.Detection;

namespace ClosedLoop.VirtualRig.Validation;

/// <summary>
/// One encounter's deficit-or-response decision as the rig made it, beside what the full post window said of the
/// same encounter (the paper's Δz): equal for the window rule; for an early decision, from its decision_scored event.
/// </summary>
/// <param name="OnsetUs">The encounter's onset (rig µs).</param>
/// <param name="Outcome">What the rig decided.</param>
/// <param name="LatencyUs">From onset to the decision.</param>
/// <param name="Early">Decided before the window closed (rule = early).</param>
/// <param name="DeltaZ">Δz at the decision: the whole window's, or the window so far for an early decision.</param>
/// <param name="Full">What the full window decided (Insufficient while an early decision's window is still open).</param>
/// <param name="FullDeltaZ">The whole window's Δz (NaN while an early decision's window is still open).</param>
public sealed record ScoredDecision(long OnsetUs, DecisionOutcome Outcome, long LatencyUs, bool Early, double DeltaZ, DecisionOutcome Full, double FullDeltaZ)
{
    /// <summary>Both the decision and the full window said response or deficit (not insufficient, overlap or still open).</summary>
    public bool IsMeasured => Outcome is DecisionOutcome.Deficit or DecisionOutcome.Response && Full is DecisionOutcome.Deficit or DecisionOutcome.Response;
}

/// <summary>How soon and how faithfully a rule decided, over a set of encounters.</summary>
public sealed record DecisionSummary(
    int Measured,
    int Deficits,
    int Early,
    double FullWindowAgreement,
    double DeficitLatencyMedianUs,
    double DeficitLatencyP90Us,
    double LatencyMedianUs,
    double LatencyP90Us)
{
    public override string ToString() =>
        Measured == 0
            ? "no encounter decided"
            : $"{Early} of {Measured} decided early; agreement with the full window {FullWindowAgreement:P1}; " +
              $"deficit decisions {Deficits}, onset to decision median {Milliseconds(DeficitLatencyMedianUs)} (p90 {Milliseconds(DeficitLatencyP90Us)}); " +
              $"all decisions median {Milliseconds(LatencyMedianUs)} (p90 {Milliseconds(LatencyP90Us)})";

    private static string Milliseconds(double us) => double.IsNaN(us) ? "-" : $"{us / 1000:F0} ms";
}

/// <summary>Reads decisions out of a rig's events and sums up their latency and agreement with the full window.</summary>
public static class DecisionScores
{
    /// <summary>Each encounter's decision by onset time (drops, which may come beside a decision, are left out).</summary>
    public static Dictionary<long, ScoredDecision> From(IEnumerable<JournalEvent> events)
    {
        var result = new Dictionary<long, ScoredDecision>();
        foreach (var e in events)
        {
            if (e.Kind == EventKind.Decision && (DecisionOutcome)e.Code != DecisionOutcome.Drop)
            {
                var outcome = (DecisionOutcome)e.Code;
                bool early = (e.Flags & (int)DecisionFlags.Early) != 0;
                result[e.Ref1] = early
                    ? new ScoredDecision(e.Ref1, outcome, e.Ref2, true, e.Value1, DecisionOutcome.Insufficient, double.NaN)
                    : new ScoredDecision(e.Ref1, outcome, e.Ref2, false, e.Value1, outcome, e.Value1);
            }
            else if (e.Kind == EventKind.DecisionScored && result.TryGetValue(e.Ref1, out var decided))
            {
                result[e.Ref1] = decided with { Full = (DecisionOutcome)e.Code, FullDeltaZ = e.Value1 };
            }
        }

        return result;
    }

    public static DecisionSummary Summarize(IEnumerable<ScoredDecision> decisions)
    {
        var measured = decisions.Where(d => d.IsMeasured).ToList();
        var deficitLatencies = measured.Where(d => d.Outcome == DecisionOutcome.Deficit).Select(d => (double)d.LatencyUs).ToList();
        var latencies = measured.Select(d => (double)d.LatencyUs).ToList();
        return new DecisionSummary(
            measured.Count,
            deficitLatencies.Count,
            measured.Count(d => d.Early),
            measured.Count == 0 ? double.NaN : (double)measured.Count(d => d.Outcome == d.Full) / measured.Count,
            Percentile(deficitLatencies, 0.5),
            Percentile(deficitLatencies, 0.9),
            Percentile(latencies, 0.5),
            Percentile(latencies, 0.9));
    }

    /// <summary>The nearest-rank percentile (NaN for none).</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double fraction)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        int rank = (int)Math.Ceiling(fraction * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
