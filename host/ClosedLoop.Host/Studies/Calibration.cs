namespace ClosedLoop.Host.Studies;

/// <summary>How thresholds are proposed: each animal's own baseline at a percentile, or one threshold from a reference group's pooled baseline.</summary>
public enum CalibrationMethod
{
    OwnBaseline,
    ReferenceGroup,
}

/// <summary>One animal's proposed threshold (null when its baseline had too few encounters), with what it rests on.</summary>
public sealed record ThresholdProposal(string AnimalId, int Encounters, double MedianDeltaZ, double? Threshold, double DeficitFraction, string Basis);

/// <summary>
/// Proposes each animal's detector.deficit_threshold from its baseline session (no output) Δz. With its own baseline,
/// the threshold is the animal's own Δz at the percentile: the share of its baseline encounters it would have called
/// deficits. With a reference group (the group-reared animals, say), it is the pooled Δz of that group's animals at
/// the percentile, for every animal: encounters below what the reference animals nearly always reach are deficits.
/// Quantiles interpolate linearly between order statistics (Hyndman and Fan's type 7, R's default).
/// </summary>
public static class Calibration
{
    /// <summary>Fewer baseline encounters than this give no proposal: a percentile of a handful says little.</summary>
    public const int MinimumEncounters = 5;

    public static IReadOnlyList<ThresholdProposal> Propose(Study study, IReadOnlyList<AnimalResponses> baseline, double percentile, string? referenceGroup)
    {
        if (percentile is <= 0 or >= 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "a percentile between 0 and 100");
        }

        double? shared = null;
        string basis = $"{percentile:0.#}th percentile of its own baseline Δz";
        if (referenceGroup is not null)
        {
            var animals = study.Animals.Where(a => a.Group == referenceGroup).Select(a => a.Id).ToHashSet();
            if (animals.Count == 0)
            {
                throw new ArgumentException($"--reference-group '{referenceGroup}': no animal of the study is in it (groups: {string.Join(", ", study.Animals.Select(a => a.Group).Distinct())})", nameof(referenceGroup));
            }

            var pooled = baseline.Where(b => animals.Contains(b.AnimalId)).SelectMany(b => b.DeltaZ).ToList();
            shared = pooled.Count >= MinimumEncounters ? Quantile(pooled, percentile / 100) : null;
            basis = $"{percentile:0.#}th percentile of the {referenceGroup} animals' baseline Δz ({pooled.Count} encounters)";
        }

        return [.. baseline.Select(b =>
        {
            double? threshold = referenceGroup is null ? (b.DeltaZ.Count >= MinimumEncounters ? Quantile(b.DeltaZ, percentile / 100) : null) : shared;
            double fraction = threshold is double t && b.DeltaZ.Count > 0 ? b.DeltaZ.Count(dz => dz < t) / (double)b.DeltaZ.Count : double.NaN;
            return new ThresholdProposal(b.AnimalId, b.DeltaZ.Count, b.DeltaZ.Count > 0 ? Quantile(b.DeltaZ, 0.5) : double.NaN,
                threshold is null ? null : Math.Round(threshold.Value, 2), fraction, basis);
        })];
    }

    /// <summary>The <paramref name="p"/> quantile (0..1) of <paramref name="values"/>, type 7.</summary>
    public static double Quantile(IEnumerable<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        double h = (sorted.Length - 1) * p;
        int below = (int)Math.Floor(h);
        return below + 1 < sorted.Length ? sorted[below] + (h - below) * (sorted[below + 1] - sorted[below]) : sorted[below];
    }
}
