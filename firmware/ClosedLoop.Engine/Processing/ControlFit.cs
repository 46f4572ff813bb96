using ClosedLoop.Engine.Core;

namespace ClosedLoop.Engine.Processing
{
    /// <summary>
    /// Online least-squares fit of the control channel to the signal channel, Ŝ = a·C + b, by recursive least
    /// squares with exponential forgetting (λ = e^(-T/τ), so old cycles weigh e^(-age/τ)):
    /// <code>
    /// φ = [c, 1]ᵀ, e = s - θᵀφ, k = Pφ / (λ + φᵀPφ), θ ← θ + k e, P ← (P - k φᵀP) / λ
    /// </code>
    /// Inputs are divided by the first control value so that P stays well conditioned whatever the ADC range.
    /// While <see cref="Frozen"/> is set (an encounter in progress) θ and P stand still, so the response is not
    /// fitted away. The trace of P is bounded so that long stretches without excitation cannot wind it up.
    /// </summary>
    internal sealed class ControlFit
    {
        private const double InitialCovariance = 1000;
        private const double MaxCovarianceTrace = 1e6;

        private readonly double _lambda;
        private bool _frozen;
        private long _updates;
        private double _scale;
        private double _a = 1;
        private double _b;
        private double _p00 = InitialCovariance;
        private double _p01;
        private double _p11 = InitialCovariance;

        public ControlFit(long sampleIntervalUs, long tauUs)
        {
            _lambda = Numeric.Exp(-(double)sampleIntervalUs / tauUs);
        }

        /// <summary>While true, updates are ignored and the last fit is used.</summary>
        public bool Frozen
        {
            get { return _frozen; }
            set { _frozen = value; }
        }

        /// <summary>Fitted gain a (dimensionless).</summary>
        public double Gain => _a;

        /// <summary>Fitted offset b, in input units.</summary>
        public double Offset => _b * _scale;

        public long Updates => _updates;

        /// <summary>The signal the control predicts, Ŝ = a·C + b.</summary>
        public double Predict(double control)
        {
            if (_scale == 0)
            {
                return control;
            }

            return (_a * (control / _scale) + _b) * _scale;
        }

        /// <summary>Forgets every pair learnt: the next one starts the fit as the first did.</summary>
        public void Reset()
        {
            _scale = 0;
            _a = 1;
            _b = 0;
            _p00 = InitialCovariance;
            _p01 = 0;
            _p11 = InitialCovariance;
            _updates = 0;
        }

        /// <summary>Learns from one (control, signal) pair unless frozen.</summary>
        public void Update(double control, double signal)
        {
            if (_frozen)
            {
                return;
            }

            if (_scale == 0)
            {
                if (control == 0)
                {
                    return;
                }

                _scale = Numeric.Abs(control);
                // Start from "signal equals control" scaled to the first pair, so the fit is sensible at once.
                _a = signal / control;
                _b = 0;
            }

            double x = control / _scale;
            double y = signal / _scale;

            double p0 = _p00 * x + _p01;
            double p1 = _p01 * x + _p11;
            double denominator = _lambda + x * p0 + p1;
            double k0 = p0 / denominator;
            double k1 = p1 / denominator;
            double error = y - (_a * x + _b);
            _a += k0 * error;
            _b += k1 * error;

            // P ← (P - k (φᵀP)) / λ, with φᵀP = [p0, p1] because P is symmetric.
            double inverseLambda = 1 / _lambda;
            _p00 = (_p00 - k0 * p0) * inverseLambda;
            _p01 = (_p01 - k0 * p1) * inverseLambda;
            _p11 = (_p11 - k1 * p1) * inverseLambda;

            double trace = _p00 + _p11;
            if (trace > MaxCovarianceTrace)
            {
                double shrink = MaxCovarianceTrace / trace;
                _p00 *= shrink;
                _p01 *= shrink;
                _p11 *= shrink;
            }

            _updates++;
        }
    }
}
