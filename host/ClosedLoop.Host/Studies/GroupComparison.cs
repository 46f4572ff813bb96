using MathNet.Numerics.Distributions;

namespace ClosedLoop.Host.Studies;

/// <summary>Mean ± SEM of animals' values (each animal one value: its session mean).</summary>
public sealed record Summary(int N, double Mean, double Sem)
{
    public static Summary Of(IReadOnlyList<double> values)
    {
        var finite = values.Where(double.IsFinite).ToList();
        if (finite.Count == 0)
        {
            return new Summary(0, double.NaN, double.NaN);
        }

        double mean = finite.Average();
        double sd = finite.Count > 1 ? Math.Sqrt(finite.Sum(v => (v - mean) * (v - mean)) / (finite.Count - 1)) : double.NaN;
        return new Summary(finite.Count, mean, sd / Math.Sqrt(finite.Count));
    }

    /// <summary>The 95 % interval of the mean (Student's t with n − 1 degrees of freedom); NaN with fewer than two values.</summary>
    public (double Low, double High) Interval95
    {
        get
        {
            if (N < 2)
            {
                return (double.NaN, double.NaN);
            }

            double t = StudentT.InvCDF(0, 1, N - 1, 0.975);
            return (Mean - (t * Sem), Mean + (t * Sem));
        }
    }
}

/// <summary>
/// Two groups of animals compared: the difference of means (B − A) with its 95 % confidence interval (Welch's t,
/// Welch-Satterthwaite degrees of freedom), and Hedges' g (Cohen's d with the small-sample correction
/// J = 1 − 3 / (4(nA + nB) − 9)) with its exact 95 % interval: the observed t = d √(nA nB / (nA + nB)) is
/// noncentral t with nA + nB − 2 degrees of freedom, so the interval is the noncentralities that put it at the 97.5th
/// and 2.5th percentiles, scaled back to g (Hedges and Olkin 1985; Steiger and Fouladi 1997). The large-sample interval
/// (SE² = (nA + nB) / (nA nB) + g² / (2(nA + nB))) is far too wide or narrow with a few animals a group: for 2 against 2
/// animals and g = −1.2 it gives −3.35 to 0.92 where the exact one is −2.72 to 0.41. NaN where either group has fewer
/// than two animals.
/// </summary>
public sealed record GroupComparison(string A, string B, Summary OfA, Summary OfB, double Difference, double DifferenceLow, double DifferenceHigh, double HedgesG, double GLow, double GHigh)
{
    public static GroupComparison Of(string a, IReadOnlyList<double> valuesA, string b, IReadOnlyList<double> valuesB)
    {
        var x = valuesA.Where(double.IsFinite).ToArray();
        var y = valuesB.Where(double.IsFinite).ToArray();
        var (sa, sb) = (Summary.Of(x), Summary.Of(y));
        if (x.Length < 2 || y.Length < 2)
        {
            return new GroupComparison(a, b, sa, sb, sb.Mean - sa.Mean, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        double varA = Variance(x);
        double varB = Variance(y);
        double difference = sb.Mean - sa.Mean;
        double se = Math.Sqrt(varA / x.Length + varB / y.Length);
        double df = Math.Pow(varA / x.Length + varB / y.Length, 2)
            / (Math.Pow(varA / x.Length, 2) / (x.Length - 1) + Math.Pow(varB / y.Length, 2) / (y.Length - 1));
        double t = StudentT.InvCDF(0, 1, df, 0.975);

        int n = x.Length + y.Length;
        double pooled = Math.Sqrt(((x.Length - 1) * varA + (y.Length - 1) * varB) / (n - 2));
        double g = (1 - 3.0 / (4 * n - 9)) * difference / pooled;
        var (gLow, gHigh) = ExactGInterval(g, x.Length, y.Length);
        return new GroupComparison(a, b, sa, sb, difference, difference - t * se, difference + t * se, g, gLow, gHigh);
    }

    /// <summary>The exact 95 % interval of Hedges' <paramref name="g"/> between groups of <paramref name="nA"/> and <paramref name="nB"/> animals (noncentral t).</summary>
    public static (double Low, double High) ExactGInterval(double g, int nA, int nB)
    {
        int n = nA + nB;
        double j = 1 - (3.0 / ((4 * n) - 9));
        double scale = Math.Sqrt((double)nA * nB / n);
        double observed = g / j * scale;
        double df = n - 2;
        return (j * NoncentralT.NoncentralityFor(observed, df, 0.975) / scale, j * NoncentralT.NoncentralityFor(observed, df, 0.025) / scale);
    }

    private static double Variance(double[] values)
    {
        double mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
    }
}

/// <summary>
/// A 2 × 2 interaction with the animal as the unit: how much more a treatment changes group B than group A,
/// (B treated − B untreated) − (A treated − A untreated), on the four cells' animal means. Its 95 % interval uses the
/// cells' own variances (SE² = Σ s²/n) with Welch-Satterthwaite degrees of freedom, as the difference of two groups
/// does. NaN where a cell has fewer than two animals.
/// </summary>
public sealed record InteractionContrast(Summary AUntreated, Summary ATreated, Summary BUntreated, Summary BTreated, double Estimate, double Low, double High)
{
    /// <summary>The fewest animals in any of the four cells.</summary>
    public int SmallestCell => new[] { AUntreated.N, ATreated.N, BUntreated.N, BTreated.N }.Min();

    public static InteractionContrast Of(IReadOnlyList<double> aUntreated, IReadOnlyList<double> aTreated, IReadOnlyList<double> bUntreated, IReadOnlyList<double> bTreated)
    {
        double[][] cells = [.. new[] { aUntreated, aTreated, bUntreated, bTreated }.Select(c => c.Where(double.IsFinite).ToArray())];
        var summaries = cells.Select(Summary.Of).ToArray();
        double estimate = (summaries[3].Mean - summaries[2].Mean) - (summaries[1].Mean - summaries[0].Mean);
        if (cells.Any(c => c.Length < 2))
        {
            return new InteractionContrast(summaries[0], summaries[1], summaries[2], summaries[3], estimate, double.NaN, double.NaN);
        }

        double[] shares = [.. cells.Select(c => Variance(c) / c.Length)];
        double se = Math.Sqrt(shares.Sum());
        double df = Math.Pow(shares.Sum(), 2) / cells.Select((c, i) => shares[i] * shares[i] / (c.Length - 1)).Sum();
        double t = StudentT.InvCDF(0, 1, df, 0.975);
        return new InteractionContrast(summaries[0], summaries[1], summaries[2], summaries[3], estimate, estimate - (t * se), estimate + (t * se));
    }

    private static double Variance(double[] values)
    {
        double mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
    }
}
