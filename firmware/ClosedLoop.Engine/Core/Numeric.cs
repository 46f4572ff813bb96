namespace ClosedLoop.Engine.Core
{
    /// <summary>
    /// The few math functions the engine needs. nanoFramework's System.Math is a separate, often single-precision
    /// package, so the engine carries its own double-precision versions and behaves the same on every target.
    /// </summary>
    internal static class Numeric
    {
        public const double Ln2 = 0.69314718055994530942;
        public const double TwoPi = 6.28318530717958647692;

        public static double Abs(double x)
        {
            return x < 0 ? -x : x;
        }

        public static long Abs(long x)
        {
            return x < 0 ? -x : x;
        }

        public static double Clamp(double x, double low, double high)
        {
            return x < low ? low : (x > high ? high : x);
        }

        /// <summary>Square root by Newton's iteration from an exponent-halved first guess; exact to the last bit or two.</summary>
        public static double Sqrt(double x)
        {
            if (!(x > 0))
            {
                return x == 0 ? 0 : double.NaN;
            }

            if (x >= double.MaxValue)
            {
                return x;
            }

            // Scale into [0.25, 4) so that six iterations always converge, then scale back.
            double scale = 1;
            while (x > 4)
            {
                x *= 0.25;
                scale *= 2;
            }

            while (x < 0.25)
            {
                x *= 4;
                scale *= 0.5;
            }

            double r = 0.5 * (x + 1);
            for (int i = 0; i < 6; i++)
            {
                r = 0.5 * (r + x / r);
            }

            return r * scale;
        }

        /// <summary>e^x: range reduction by powers of two, then a Taylor series on |r| ≤ ln2/2.</summary>
        public static double Exp(double x)
        {
            if (double.IsNaN(x))
            {
                return x;
            }

            if (x > 709)
            {
                return double.PositiveInfinity;
            }

            if (x < -745)
            {
                return 0;
            }

            // x = k ln2 + r, with ln2 split in two (Cody and Waite) so that k ln2 is exact to double precision.
            const double Ln2High = 6.93147180369123816490e-01;
            const double Ln2Low = 1.90821492927058770002e-10;
            long k = (long)(x / Ln2 + (x >= 0 ? 0.5 : -0.5));
            double r = (x - k * Ln2High) - k * Ln2Low;
            double term = 1;
            double sum = 1;
            for (int n = 1; n < 20; n++)
            {
                term *= r / n;
                sum += term;
                if (Abs(term) < 1e-17 * sum)
                {
                    break;
                }
            }

            return ScaleByPowerOfTwo(sum, k);
        }

        /// <summary>Natural logarithm: halve or double into [0.5, 1), then ln(s) = 2 atanh((s-1)/(s+1)).</summary>
        public static double Log(double x)
        {
            if (!(x > 0))
            {
                return x == 0 ? double.NegativeInfinity : double.NaN;
            }

            if (x >= double.MaxValue)
            {
                return x;
            }

            int k = 0;
            while (x >= 1)
            {
                x *= 0.5;
                k++;
            }

            while (x < 0.5)
            {
                x *= 2;
                k--;
            }

            double y = (x - 1) / (x + 1);
            double y2 = y * y;
            double term = y;
            double sum = 0;
            for (int n = 1; n < 80; n += 2)
            {
                sum += term / n;
                term *= y2;
                if (Abs(term) < 1e-18)
                {
                    break;
                }
            }

            return 2 * sum + k * Ln2;
        }

        /// <summary>
        /// The standard normal quantile: the z below which a fraction <paramref name="p"/> of N(0, 1) lies, for
        /// 0 &lt; p &lt; 1. P. J. Acklam's rational approximation (relative error below 1.2e-9), one step of
        /// Halley's refinement omitted: the early rule needs a few digits, not ten.
        /// </summary>
        public static double NormalQuantile(double p)
        {
            if (!(p > 0 && p < 1))
            {
                return p == 0 ? double.NegativeInfinity : p == 1 ? double.PositiveInfinity : double.NaN;
            }

            const double Low = 0.02425;
            if (p < Low)
            {
                double q = Sqrt(-2 * Log(p));
                return TailQuantile(q);
            }

            if (p > 1 - Low)
            {
                double q = Sqrt(-2 * Log(1 - p));
                return -TailQuantile(q);
            }

            double r = p - 0.5;
            double r2 = r * r;
            double num = (((((-3.969683028665376e+01 * r2 + 2.209460984245205e+02) * r2 - 2.759285104469687e+02) * r2 + 1.383577518672690e+02) * r2 - 3.066479806614716e+01) * r2 + 2.506628277459239e+00) * r;
            double den = ((((-5.447609879822406e+01 * r2 + 1.615858368580409e+02) * r2 - 1.556989798598866e+02) * r2 + 6.680131188771972e+01) * r2 - 1.328068155288572e+01) * r2 + 1;
            return num / den;
        }

        /// <summary>
        /// The per-step weight of an exponential moving average with time constant <paramref name="tauMicros"/>
        /// sampled every <paramref name="stepMicros"/>: alpha = 1 - e^(-step/tau).
        /// </summary>
        public static double SmoothingAlpha(long stepMicros, long tauMicros)
        {
            if (tauMicros <= 0)
            {
                return 1;
            }

            return 1 - Exp(-(double)stepMicros / tauMicros);
        }

        private static double TailQuantile(double q)
        {
            double num = ((((-7.784894002430293e-03 * q - 3.223964580411365e-01) * q - 2.400758277161838e+00) * q - 2.549732539343734e+00) * q + 4.374664141464968e+00) * q + 2.938163982698783e+00;
            double den = (((7.784695709041462e-03 * q + 3.224671290700398e-01) * q + 2.445134137142996e+00) * q + 3.754408661907416e+00) * q + 1;
            return num / den;
        }

        private static double ScaleByPowerOfTwo(double value, long k)
        {
            while (k > 0)
            {
                value *= 2;
                k--;
            }

            while (k < 0)
            {
                value *= 0.5;
                k++;
            }

            return value;
        }
    }
}
