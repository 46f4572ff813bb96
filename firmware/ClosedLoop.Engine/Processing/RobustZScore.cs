using ClosedLoop.Engine.Core;

namespace ClosedLoop.Engine.Processing
{
    /// <summary>
    /// A running z of dF/F against a baseline and spread that transients cannot drag along: an exponentially
    /// weighted location m and mean absolute deviation d, updated with residuals clipped at ±c·σ (a Huber-type
    /// M-estimate, Huber 1964), where σ = d·√(π/2) is the Gaussian-consistent spread.
    /// <code>
    /// r = x - m;  r' = clip(r, -cσ, cσ);  m ← m + α r';  d ← d + α (|r'| - d);  z = (x - m) / σ
    /// </code>
    /// α = max(1/n, 1 - e^(-T/τ)): a plain running mean at first, an EWMA of time constant τ after. Clipping
    /// starts once 20 values have set a spread. While frozen, z is computed but nothing is learnt.
    /// </summary>
    internal sealed class RobustZScore
    {
        private const double GaussianSpreadPerMeanAbsoluteDeviation = 1.2533141373155003;
        private const long SamplesBeforeClipping = 20;

        private readonly double _alpha;
        private readonly double _clip;
        private readonly long _warmupSamples;
        private double _location;
        private double _meanAbsoluteDeviation;
        private long _count;
        private bool _frozen;

        public RobustZScore(long sampleIntervalUs, long tauUs, double clip, long warmupUs)
        {
            _alpha = Numeric.SmoothingAlpha(sampleIntervalUs, tauUs);
            _clip = clip;
            _warmupSamples = warmupUs / sampleIntervalUs;
        }

        public bool Frozen
        {
            get { return _frozen; }
            set { _frozen = value; }
        }

        public double Location => _location;

        public double Spread => _meanAbsoluteDeviation * GaussianSpreadPerMeanAbsoluteDeviation;

        /// <summary>True once the warm-up has passed and a spread exists.</summary>
        public bool IsReady => Ready;

        /// <summary><see cref="IsReady"/> as a field, kept with each update, for the pipeline's per-cycle check.</summary>
        internal bool Ready;

        /// <summary>Forgets the baseline: warm-up starts again.</summary>
        public void Reset()
        {
            _location = 0;
            _meanAbsoluteDeviation = 0;
            _count = 0;
            Ready = false;
        }

        /// <summary>Returns the z of <paramref name="x"/> against the baseline before this update.</summary>
        public double Update(double x)
        {
            // Written out rather than called (Spread, Numeric.Clamp, Numeric.Abs): this runs every cycle, and on the
            // interpreter a call costs more than the arithmetic.
            double spread = _meanAbsoluteDeviation * GaussianSpreadPerMeanAbsoluteDeviation;
            double z = spread > 0 ? (x - _location) / spread : 0;
            if (_frozen && _count > 0)
            {
                return z;
            }

            _count++;
            if (_count == 1)
            {
                _location = x;
                return 0;
            }

            double alpha = 1.0 / _count;
            if (alpha < _alpha)
            {
                alpha = _alpha;
            }

            double r = x - _location;
            if (_count > SamplesBeforeClipping && spread > 0)
            {
                double limit = _clip * spread;
                r = r > limit ? limit : r < -limit ? -limit : r;
            }

            _location += alpha * r;
            _meanAbsoluteDeviation += alpha * ((r < 0 ? -r : r) - _meanAbsoluteDeviation);
            Ready = _count >= _warmupSamples && _count >= 2 && _meanAbsoluteDeviation > 0;
            return z;
        }
    }
}
