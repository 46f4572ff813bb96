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
}

/// <summary>
/// Two groups of animals compared: the difference of means (B − A) with its 95 % confidence interval (Welch's t,
/// Welch-Satterthwaite degrees of freedom), and Hedges' g (Cohen's d with the small-sample correction
/// J = 1 − 3 / (4(nA + nB) − 9)) with the large-sample 95 % interval of Hedges and Olkin
/// (SE² = (nA + nB) / (nA nB) + g² / (2(nA + nB))). NaN where either group has fewer than two animals.
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
        double seG = Math.Sqrt((double)n / (x.Length * y.Length) + g * g / (2.0 * n));
        return new GroupComparison(a, b, sa, sb, difference, difference - t * se, difference + t * se, g, g - 1.96 * seG, g + 1.96 * seG);
    }

    private static double Variance(double[] values)
    {
        double mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
    }
}
