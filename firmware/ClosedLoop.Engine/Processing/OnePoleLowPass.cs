using ClosedLoop.Engine.Core;

namespace ClosedLoop.Engine.Processing
{
    /// <summary>
    /// Causal first-order low-pass: y[n] = y[n-1] + a (x[n] - y[n-1]), a = 1 - e^(-2π fc T).
    /// The first input initialises the output, so there is no start-up ramp from zero.
    /// </summary>
    internal sealed class OnePoleLowPass
    {
        private readonly double _alpha;
        private double _y;
        private bool _started;

        public OnePoleLowPass(double cutoffHz, long sampleIntervalUs)
        {
            _alpha = 1 - Numeric.Exp(-Numeric.TwoPi * cutoffHz * sampleIntervalUs / 1000000.0);
        }

        public double Alpha => _alpha;

        public double Value => _y;

        /// <summary>What <see cref="Update"/> would return for <paramref name="x"/>, changing nothing.</summary>
        public double Peek(double x)
        {
            return _started ? _y + _alpha * (x - _y) : x;
        }

        /// <summary>Forgets the past: the next input starts the output afresh.</summary>
        public void Reset()
        {
            _started = false;
            _y = 0;
        }

        public double Update(double x)
        {
            if (!_started)
            {
                _y = x;
                _started = true;
            }
            else
            {
                _y += _alpha * (x - _y);
            }

            return _y;
        }
    }
}
