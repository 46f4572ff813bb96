using ClosedLoop.Engine.Acquisition;
using ClosedLoop.Engine.Config;

namespace ClosedLoop.Engine.Processing
{
    /// <summary>Why a cycle's light cannot be trusted (the detail of a <c>signal_lost</c> fault).</summary>
    public enum SignalLoss
    {
        None = 0,

        /// <summary>The signal channel fell to the floor: a patch cord off, the signal LED dead.</summary>
        SignalFloor = 1,

        /// <summary>The control channel collapsed: the isosbestic LED dead or unplugged.</summary>
        ControlFloor = 2,

        /// <summary>A phase read at the converter's rail: the detector or amplifier saturated.</summary>
        Rail = 3,

        /// <summary>The control-to-signal fit no longer explains the signal (|dF/F| beyond the limit, dF/F deeper than an indicator dips, or no fitted level).</summary>
        FitDiverged = 4,

        /// <summary>A channel's light moved faster than any indicator can move it: a loose patch cord, a failing LED.</summary>
        LightStep = 5,
    }

    /// <summary>
    /// Watches every cycle for light that cannot be physiology, before anything learns from it: a channel at the
    /// floor or at the rail, a channel whose light steps by more than processing.max_light_step within
    /// processing.light_step_ms, or a fit that has run away (dF/F beyond processing.max_abs_dff, or below minus processing.max_dff_drop, deeper than an
    /// indicator dips: a signal LED fading too slowly to be a step). Such cycles are invalid
    /// (their z is not a number, so no decision can rest on them), and the first of each episode is reported once.
    /// <para>
    /// An episode keeps the light as it was just before it began as its reference: a cycle is good again only when
    /// both channels are back within the step bound of that reference, and <see cref="RecoveryCycles"/> good cycles
    /// in a row end the episode. Light that has moved and then holds steady at its new level for
    /// processing.relevel_s (an LED current changed, a patch cord re-seated) is taken as the light now: the guard
    /// asks for the chain to learn afresh (<see cref="TakeRelevel"/>) instead of judging it against a fit made for
    /// other light. A lost signal must never look like a missing response.
    /// </para>
    /// Each channel's level for the step check is the median of its last three cycles, so a single-cycle glitch
    /// (pyPhotometry's m17 has spikes of 50 % in one sample) is not a step, while a real step is seen on its
    /// second cycle. Allocation-free after construction.
    /// </summary>
    internal sealed class SignalGuard
    {
        /// <summary>Good cycles in a row that end an episode of loss (about a second at 130 Hz).</summary>
        public const int RecoveryCycles = 130;

        private readonly double _minLevel;
        private readonly double _railCounts;
        private readonly double _maxAbsDff;
        private readonly double _maxDffDrop;
        private readonly double _maxStep;
        private readonly long _relevelCycles;
        private readonly bool _continuous;
        private readonly LightLevel _signal;
        private readonly LightLevel _control;
        private int _goodRun = RecoveryCycles;
        private bool _hasReference;
        private long _steadyCycles;
        private bool _relevel;

        public SignalGuard(AcquisitionSettings acquisition, ProcessingSettings processing)
        {
            _minLevel = processing.MinLevel;
            _railCounts = acquisition.FullScaleCounts * 0.99;
            _maxAbsDff = processing.MaxAbsDff;
            _maxDffDrop = processing.MaxDffDrop;
            _maxStep = processing.MaxLightStep;
            _continuous = acquisition.Continuous;
            long period = acquisition.PeriodUs;
            int stepCycles = (int)((processing.LightStepUs + period - 1) / period);
            _signal = new LightLevel(stepCycles);
            _control = new LightLevel(stepCycles);
            _relevelCycles = (processing.RelevelUs + period - 1) / period;
        }

        /// <summary>True while an episode of loss is open.</summary>
        public bool IsLost => Lost;

        /// <summary><see cref="IsLost"/> as a field, kept by <see cref="Record"/>, for the pipeline's per-cycle check.</summary>
        internal bool Lost;

        /// <summary>Cycles found untrustworthy since the guard was made.</summary>
        public long LostCycles { get; private set; }

        /// <summary>
        /// Checks the raw light of a cycle before it is processed. <paramref name="measured"/> is false for cycles
        /// of a recording made elsewhere (replay): its units (counts of another converter, volts) are unknown, so
        /// neither the rail nor the floor applies; the step check is relative and applies to both, once z is warm
        /// (<paramref name="warm"/>): LEDs ramping up at the start are not a fault, and nothing is decided before.
        /// </summary>
        public SignalLoss CheckLight(CycleSample cycle, bool measured, bool warm)
        {
            if (!cycle.IsValid)
            {
                return SignalLoss.None;
            }

            double signal = cycle.Signal - cycle.Dark;
            double control = _continuous ? 0 : cycle.Control - cycle.Dark;
            _signal.Add(signal);
            _control.Add(control);
            if (measured)
            {
                if (cycle.Signal >= _railCounts || (!_continuous && cycle.Control >= _railCounts))
                {
                    return SignalLoss.Rail;
                }

                if (signal < _minLevel)
                {
                    return SignalLoss.SignalFloor;
                }

                if (!_continuous && control < _minLevel)
                {
                    return SignalLoss.ControlFloor;
                }
            }

            return warm || _hasReference ? CheckStep() : SignalLoss.None;
        }

        /// <summary>
        /// Checks what a cycle would give before the fit and the z baseline learn from it. Judged only once z is
        /// warm (<paramref name="zReady"/>): during warm-up the fit has seen too little to be called diverged, and
        /// no decision can be made anyway.
        /// </summary>
        public SignalLoss CheckFit(double dff, bool zReady)
        {
            if (!zReady)
            {
                return SignalLoss.None;
            }

            return dff > _maxAbsDff || dff < -_maxAbsDff || dff < -_maxDffDrop ? SignalLoss.FitDiverged : SignalLoss.None;
        }

        /// <summary>Records a cycle's verdict; true when it opens a new episode (report it).</summary>
        public bool Record(SignalLoss loss)
        {
            if (loss == SignalLoss.None)
            {
                if (_goodRun < RecoveryCycles)
                {
                    _goodRun++;
                    if (_goodRun == RecoveryCycles)
                    {
                        Lost = false;
                        _hasReference = false;
                        _steadyCycles = 0;
                    }
                }

                return false;
            }

            LostCycles++;
            bool opens = !Lost;
            _goodRun = 0;
            Lost = true;
            if (opens && !_hasReference)
            {
                // The light a step span ago, before whatever this is began: the episode ends only when it is back.
                _hasReference = _signal.Earlier > 0 && (_continuous || _control.Earlier > 0);
                _signal.Reference = _signal.Earlier;
                _control.Reference = _control.Earlier;
                _steadyCycles = 0;
            }

            return opens;
        }

        /// <summary>True once (then false) when light that moved has held steady long enough to be learnt afresh.</summary>
        public bool TakeRelevel()
        {
            bool relevel = _relevel;
            _relevel = false;
            return relevel;
        }

        private SignalLoss CheckStep()
        {
            if (!_signal.IsFull)
            {
                return SignalLoss.None;
            }

            // Near(now, earlier) for both channels, written out: this runs every cycle and a call costs more.
            double signalChange = _signal.Earlier > 0 ? _signal.Now / _signal.Earlier - 1 : 0;
            double controlChange = _control.Earlier > 0 ? _control.Now / _control.Earlier - 1 : 0;
            bool steady = signalChange <= _maxStep && signalChange >= -_maxStep
                && (_continuous || (controlChange <= _maxStep && controlChange >= -_maxStep));
            if (!_hasReference)
            {
                return steady ? SignalLoss.None : SignalLoss.LightStep;
            }

            if (Near(_signal.Now, _signal.Reference) && (_continuous || Near(_control.Now, _control.Reference)))
            {
                return SignalLoss.None;
            }

            _steadyCycles = steady ? _steadyCycles + 1 : 0;
            if (_steadyCycles < _relevelCycles)
            {
                return SignalLoss.LightStep;
            }

            // Steady at a new level for relevel_s: this is the light now. The chain learns it afresh (fit and z
            // warm up again, so nothing is decided on it meanwhile), and the episode ends as any other does.
            _hasReference = false;
            _steadyCycles = 0;
            _relevel = true;
            return SignalLoss.None;
        }

        /// <summary>Within the step bound of <paramref name="reference"/>; a reference at or below zero (a recording near its floor) cannot be judged.</summary>
        private bool Near(double level, double reference)
        {
            if (!(reference > 0))
            {
                return true;
            }

            double change = level / reference - 1;
            return change <= _maxStep && change >= -_maxStep;
        }

        /// <summary>One channel's light: the median of its last three cycles, and that median a step span ago.</summary>
        private sealed class LightLevel
        {
            private readonly double[] _medians;
            private double _last;
            private double _beforeLast;
            private int _seen;
            private int _next;

            public LightLevel(int stepCycles)
            {
                _medians = new double[stepCycles < 1 ? 1 : stepCycles];
            }

            // Fields, not properties, and the median written out: the guard reads and updates two of these every
            // cycle, and on the interpreter a property read is a call (a static one, the dearest kind).

            /// <summary>The median of the last three cycles.</summary>
            public double Now;

            /// <summary><see cref="Now"/> as it was a step span ago (valid once <see cref="IsFull"/>).</summary>
            public double Earlier;

            /// <summary>The light before the open episode began.</summary>
            public double Reference;

            /// <summary>True once a step span of medians is held.</summary>
            public bool IsFull;

            public void Add(double level)
            {
                double median = level;
                if (_seen >= 2)
                {
                    // The median of level, _last and _beforeLast.
                    double low = level < _last ? level : _last;
                    double high = level < _last ? _last : level;
                    median = _beforeLast < low ? low : _beforeLast > high ? high : _beforeLast;
                }

                _beforeLast = _last;
                _last = level;
                _seen++;
                Earlier = _medians[_next];
                _medians[_next] = median;
                _next = _next + 1 == _medians.Length ? 0 : _next + 1;
                Now = median;
                IsFull = _seen > _medians.Length + 2;
            }
        }
    }
}
