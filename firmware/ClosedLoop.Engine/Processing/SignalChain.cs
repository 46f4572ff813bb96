using ClosedLoop.Engine.Acquisition;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Core;

namespace ClosedLoop.Engine.Processing
{
    /// <summary>
    /// From a cycle's phase means to dF/F and z, causally, one cycle at a time:
    /// <list type="number">
    /// <item>dark subtraction: S = signal - dark, C = control - dark;</item>
    /// <item>a first-order low-pass on S and C (<see cref="OnePoleLowPass"/>);</item>
    /// <item>the control-to-signal fit Ŝ = a·C + b (<see cref="ControlFit"/>), or in continuous one-colour mode a
    /// slow EWMA of S (time constant processing.fit_tau_s) as Ŝ;</item>
    /// <item>dF/F = (S - Ŝ) / Ŝ;</item>
    /// <item>z of dF/F against a robust running baseline (<see cref="RobustZScore"/>).</item>
    /// </list>
    /// While <see cref="Frozen"/> (an encounter and its response window), the fit, the one-colour baseline and
    /// the z baseline stop learning. Allocation-free.
    /// </summary>
    internal sealed class SignalChain
    {
        private readonly bool _continuous;
        private readonly OnePoleLowPass _signalFilter;
        private readonly OnePoleLowPass _controlFilter;
        private readonly ControlFit _fit;
        private readonly RobustZScore _z;
        private readonly double _baselineAlpha;
        private readonly ProcessedSample _out = new ProcessedSample();
        private double _baseline;
        private bool _baselineStarted;
        private bool _frozen;
        private double _previewDff;

        public SignalChain(AcquisitionSettings acquisition, ProcessingSettings processing)
        {
            _continuous = acquisition.Continuous;
            _signalFilter = new OnePoleLowPass(acquisition.LowPassHz, acquisition.PeriodUs);
            _controlFilter = new OnePoleLowPass(acquisition.LowPassHz, acquisition.PeriodUs);
            _fit = new ControlFit(acquisition.PeriodUs, processing.FitTauUs);
            _z = new RobustZScore(acquisition.PeriodUs, processing.BaselineTauUs, processing.ZClip, processing.WarmupUs);
            _baselineAlpha = Numeric.SmoothingAlpha(acquisition.PeriodUs, processing.FitTauUs);
        }

        public bool Frozen
        {
            get
            {
                return _frozen;
            }

            set
            {
                _frozen = value;
                _fit.Frozen = value;
                _z.Frozen = value;
            }
        }

        public ControlFit Fit => _fit;

        /// <summary>dF/F the last <see cref="Preview"/> found (before the fit learnt from that cycle).</summary>
        public double PreviewDff => _previewDff;

        /// <summary>
        /// What a valid cycle would give, before anything learns from it: the filters' next values and the fit's
        /// prediction as it stands. The signal guard judges these, so that light it refuses never reaches a filter,
        /// the fit or the baseline.
        /// </summary>
        public void Preview(CycleSample cycle)
        {
            double signal = _signalFilter.Peek(cycle.Signal - cycle.Dark);
            double fitted;
            if (_continuous)
            {
                fitted = _baselineStarted ? _baseline : signal;
            }
            else
            {
                fitted = _fit.Predict(_controlFilter.Peek(cycle.Control - cycle.Dark));
            }

            // |fitted| written out: a static call is the interpreter's dearest, and this runs every cycle.
            _previewDff = fitted > 1e-9 || fitted < -1e-9 ? (signal - fitted) / fitted : double.NaN;
        }

        /// <summary>Forgets everything learnt (filters, fit, one-colour baseline, z): the light changed for good.</summary>
        public void Restart()
        {
            _signalFilter.Reset();
            _controlFilter.Reset();
            _fit.Reset();
            _z.Reset();
            _baselineStarted = false;
            _baseline = 0;
        }

        public RobustZScore ZScore => _z;

        private static double AsLogged(double level)
        {
            return SingleBits.ToDouble(SingleBits.FromDouble(level));
        }

        public ProcessedSample Process(CycleSample cycle)
        {
            ProcessedSample o = _out;
            o.CycleIndex = cycle.CycleIndex;
            o.TimeUs = cycle.StartUs;
            // The chain works from the levels as a sample frame carries them (float32): what is logged is then all it
            // used, and a logged session replays to the same dF/F, z and decisions bit for bit. Rounding at 1 part in
            // 16 million is far below any photodiode's noise.
            o.RawSignal = AsLogged(cycle.Signal - cycle.Dark);
            o.RawControl = _continuous ? 0 : AsLogged(cycle.Control - cycle.Dark);
            if (!cycle.IsValid)
            {
                o.IsValid = false;
                o.Dff = double.NaN;
                o.Z = double.NaN;
                o.IsReady = _z.Ready;
                return o;
            }

            double signal = _signalFilter.Update(o.RawSignal);
            double control = 0;
            double fitted;
            if (_continuous)
            {
                fitted = UpdateBaseline(signal);
            }
            else
            {
                control = _controlFilter.Update(o.RawControl);
                _fit.Update(control, signal);
                fitted = _fit.Predict(control);
            }

            o.Signal = signal;
            o.Control = control;
            o.Fitted = fitted;
            if (!(fitted > 1e-9 || fitted < -1e-9))
            {
                o.IsValid = false;
                o.Dff = double.NaN;
                o.Z = double.NaN;
                o.IsReady = _z.Ready;
                return o;
            }

            o.Dff = (signal - fitted) / fitted;
            o.Z = _z.Update(o.Dff);
            o.IsValid = true;
            o.IsReady = _z.Ready;
            return o;
        }

        private double UpdateBaseline(double signal)
        {
            if (!_baselineStarted)
            {
                _baseline = signal;
                _baselineStarted = true;
            }
            else if (!_frozen)
            {
                _baseline += _baselineAlpha * (signal - _baseline);
            }

            return _baseline;
        }
    }
}
