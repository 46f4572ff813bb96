using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace ClosedLoop.Host.Studies;

/// <summary>
/// The noncentral t distribution's CDF, by Lenth's series (Applied Statistics algorithm AS 243, 1989): a Poisson-weighted
/// sum of incomplete beta functions, to 1e-12. MathNet.Numerics has only the central t. Checked in the tests against
/// SciPy's <c>scipy.stats.nct.cdf</c> (Boost's implementation).
/// </summary>
public static class NoncentralT
{
    private const int MaxTerms = 1000;
    private const double Tolerance = 1e-12;

    /// <summary>P(T ≤ <paramref name="t"/>) for T noncentral t with <paramref name="df"/> degrees of freedom and noncentrality <paramref name="delta"/>.</summary>
    public static double Cdf(double t, double df, double delta)
    {
        if (t < 0)
        {
            // The series holds for t ≥ 0; the distribution mirrors: P(T ≤ t; δ) = 1 − P(T ≤ −t; −δ).
            return 1 - Cdf(-t, df, -delta);
        }

        double x = t * t / (t * t + df);
        double sum = 0;
        if (x > 0)
        {
            double lambda = delta * delta;
            double p = 0.5 * Math.Exp(-0.5 * lambda);
            double q = Math.Sqrt(2 / Math.PI) * p * delta;
            double s = 0.5 - p;
            double a = 0.5;
            double b = 0.5 * df;
            double rxb = Math.Pow(1 - x, b);
            double logBeta = SpecialFunctions.GammaLn(a) + SpecialFunctions.GammaLn(b) - SpecialFunctions.GammaLn(a + b);
            double xOdd = SpecialFunctions.BetaRegularized(a, b, x);
            double gOdd = 2 * rxb * Math.Exp((a * Math.Log(x)) - logBeta);
            double xEven = 1 - rxb;
            double gEven = b * x * rxb;
            sum = (p * xOdd) + (q * xEven);
            for (int j = 1; j <= MaxTerms; j++)
            {
                a += 1;
                xOdd -= gOdd;
                xEven -= gEven;
                gOdd *= x * (a + b - 1) / a;
                gEven *= x * (a + b - 0.5) / (a + 0.5);
                p *= lambda / (2 * j);
                q *= lambda / ((2 * j) + 1);
                s -= p;
                sum += (p * xOdd) + (q * xEven);
                if (2 * s * (xOdd - gOdd) < Tolerance)
                {
                    break;
                }
            }
        }

        return Math.Clamp(sum + Normal.CDF(0, 1, -delta), 0, 1);
    }

    /// <summary>
    /// The noncentrality δ at which P(T ≤ <paramref name="t"/>) = <paramref name="probability"/>: the CDF falls as δ
    /// grows, so a bisection on a widening bracket finds it.
    /// </summary>
    public static double NoncentralityFor(double t, double df, double probability)
    {
        double low = t - 10;
        double high = t + 10;
        while (Cdf(t, df, low) < probability)
        {
            low -= 10;
        }

        while (Cdf(t, df, high) > probability)
        {
            high += 10;
        }

        for (int i = 0; i < 200 && high - low > 1e-10; i++)
        {
            double middle = 0.5 * (low + high);
            if (Cdf(t, df, middle) > probability)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return 0.5 * (low + high);
    }
}
