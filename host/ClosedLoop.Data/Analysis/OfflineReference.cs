namespace ClosedLoop.Data.Analysis;

/// <summary>How the offline z is formed, as GuPPy offers it.</summary>
public enum ZScoreMethod
{
    /// <summary>(x - mean) / standard deviation over the whole recording.</summary>
    Standard,

    /// <summary>0.6745 (x - median) / median absolute deviation: robust to transients (Iglewicz and Hoaglin).</summary>
    Modified,
}

/// <summary>
/// The offline, non-causal reference the online numbers are checked against, following GuPPy's steps:
/// a zero-phase moving-average filter of each channel, a least-squares fit of control to signal over the whole
/// recording (np.polyfit(control, signal, 1)), dF/F = (S - Ŝ)/Ŝ, a z-score over the whole recording, and the
/// paper's Δz = mean z over [onset, onset + post) minus mean z over [onset - pre, onset).
/// With a fit window, the least-squares fit is made around each sample instead (a centred, triangular-weighted
/// window): the non-causal twin of the engine's forgetting fit, which follows channels that bleach differently.
/// </summary>
public sealed class OfflineReference
{
    private OfflineReference(long[] timeUs, double[] dff, double[] z, double gain, double offset)
    {
        TimeUs = timeUs;
        Dff = dff;
        Z = z;
        Gain = gain;
        Offset = offset;
    }

    public long[] TimeUs { get; }

    public double[] Dff { get; }

    public double[] Z { get; }

    public double Gain { get; }

    public double Offset { get; }

    /// <summary>
    /// Analyses samples from <paramref name="startIndex"/> on (the online chain's start-up excluded from the fit
    /// and the z statistics). Samples whose signal or control is not finite are skipped.
    /// </summary>
    public static OfflineReference Compute(IReadOnlyList<long> timeUs, IReadOnlyList<double> signal, IReadOnlyList<double> control, int filterWindow, ZScoreMethod method, int startIndex = 0, int fitWindow = 0)
    {
        var keep = Enumerable.Range(startIndex, timeUs.Count - startIndex)
            .Where(i => double.IsFinite(signal[i]) && double.IsFinite(control[i]))
            .ToArray();
        long[] t = [.. keep.Select(i => timeUs[i])];
        double[] s = ZeroPhaseMovingAverage([.. keep.Select(i => signal[i])], filterWindow);
        double[] c = ZeroPhaseMovingAverage([.. keep.Select(i => control[i])], filterWindow);
        var (gain, offset) = LeastSquares(c, s);
        double[] dff = new double[s.Length];
        if (fitWindow > 1)
        {
            // Local regression from moving moments: gain = cov(c, s) / var(c) within the window around each sample.
            int half = fitWindow / 2;
            double[] mc = ZeroPhaseMovingAverage(c, half);
            double[] ms = ZeroPhaseMovingAverage(s, half);
            double[] mcc = ZeroPhaseMovingAverage([.. c.Select(v => v * v)], half);
            double[] mcs = ZeroPhaseMovingAverage([.. c.Zip(s, (a, b) => a * b)], half);
            for (int i = 0; i < s.Length; i++)
            {
                double localGain = (mcs[i] - mc[i] * ms[i]) / (mcc[i] - mc[i] * mc[i]);
                double fitted = localGain * c[i] + (ms[i] - localGain * mc[i]);
                dff[i] = (s[i] - fitted) / fitted;
            }
        }
        else
        {
            for (int i = 0; i < s.Length; i++)
            {
                double fitted = gain * c[i] + offset;
                dff[i] = (s[i] - fitted) / fitted;
            }
        }

        return new OfflineReference(t, dff, ZScore(dff, method), gain, offset);
    }

    /// <summary>Δz for an onset; NaN when a window holds no samples.</summary>
    public double DeltaZ(long onsetUs, long preUs, long postUs) =>
        WindowMean(onsetUs, onsetUs + postUs) - WindowMean(onsetUs - preUs, onsetUs);

    public double WindowMean(long fromUs, long toUs)
    {
        int first = LowerBound(fromUs);
        int last = LowerBound(toUs);
        if (last <= first)
        {
            return double.NaN;
        }

        double sum = 0;
        for (int i = first; i < last; i++)
        {
            sum += Z[i];
        }

        return sum / (last - first);
    }

    /// <summary>A centred moving average applied forward and then backward (scipy.signal.filtfilt with a boxcar).</summary>
    public static double[] ZeroPhaseMovingAverage(double[] x, int window)
    {
        if (window <= 1)
        {
            return x;
        }

        double[] forward = CausalMovingAverage(x, window);
        Array.Reverse(forward);
        double[] backward = CausalMovingAverage(forward, window);
        Array.Reverse(backward);
        return backward;
    }

    public static (double Gain, double Offset) LeastSquares(double[] x, double[] y)
    {
        double mx = x.Average();
        double my = y.Average();
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }

        double gain = sxy / sxx;
        return (gain, my - gain * mx);
    }

    public static double PearsonR(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        double ma = a.Average();
        double mb = b.Average();
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.Count; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }

        return sab / Math.Sqrt(saa * sbb);
    }

    private static double[] ZScore(double[] x, ZScoreMethod method)
    {
        double centre;
        double spread;
        if (method == ZScoreMethod.Standard)
        {
            centre = x.Average();
            spread = Math.Sqrt(x.Select(v => (v - centre) * (v - centre)).Average());
            return [.. x.Select(v => (v - centre) / spread)];
        }

        centre = Median(x);
        spread = Median([.. x.Select(v => Math.Abs(v - centre))]);
        return [.. x.Select(v => 0.6745 * (v - centre) / spread)];
    }

    private static double Median(double[] x)
    {
        double[] sorted = [.. x.Order()];
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[(n / 2) - 1] + sorted[n / 2]);
    }

    // Edges use the shorter window available, as a boxcar filter padded by the first value would distort them.
    private static double[] CausalMovingAverage(double[] x, int window)
    {
        double[] y = new double[x.Length];
        double sum = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sum += x[i];
            if (i >= window)
            {
                sum -= x[i - window];
            }

            y[i] = sum / Math.Min(i + 1, window);
        }

        return y;
    }

    private int LowerBound(long timeUs)
    {
        int index = Array.BinarySearch(TimeUs, timeUs);
        return index >= 0 ? index : ~index;
    }
}
