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

        /// <summary>The control-to-signal fit no longer explains the signal (|dF/F| beyond the limit, or no fitted level).</summary>
        FitDiverged = 4,
    }

    /// <summary>
    /// Watches every cycle for light that cannot be physiology: a channel at the floor or at the rail, or a fit
    /// that has run away. Such cycles are invalid (their z is not a number, so no decision can rest on them), and
    /// the first of each episode is reported once; an episode ends after <see cref="RecoveryCycles"/> good cycles in
    /// a row. A lost signal must never look like a missing response.
    /// </summary>
    internal sealed class SignalGuard
    {
        /// <summary>Good cycles in a row that end an episode of loss (about a second at 130 Hz).</summary>
        public const int RecoveryCycles = 130;

        private readonly double _minLevel;
        private readonly double _railCounts;
        private readonly double _maxAbsDff;
        private readonly bool _continuous;
        private int _goodRun = RecoveryCycles;

        public SignalGuard(AcquisitionSettings acquisition, ProcessingSettings processing)
        {
            _minLevel = processing.MinLevel;
            _railCounts = acquisition.FullScaleCounts * 0.99;
            _maxAbsDff = processing.MaxAbsDff;
            _continuous = acquisition.Continuous;
        }

        /// <summary>True while an episode of loss is open.</summary>
        public bool IsLost => _goodRun < RecoveryCycles;

        /// <summary>Cycles found untrustworthy since the guard was made.</summary>
        public long LostCycles { get; private set; }

        /// <summary>
        /// Checks the raw levels of a cycle before it is processed. <paramref name="measured"/> is false for cycles
        /// of a recording made elsewhere (replay): its units (counts of another converter, volts) are unknown, so
        /// neither the rail nor the floor applies and only the fit check (unit-free) does.
        /// </summary>
        public SignalLoss CheckLevels(CycleSample cycle, bool measured)
        {
            if (!cycle.IsValid || !measured)
            {
                return SignalLoss.None;
            }

            if (cycle.Signal >= _railCounts || (!_continuous && cycle.Control >= _railCounts))
            {
                return SignalLoss.Rail;
            }

            if (cycle.Signal - cycle.Dark < _minLevel)
            {
                return SignalLoss.SignalFloor;
            }

            if (!_continuous && cycle.Control - cycle.Dark < _minLevel)
            {
                return SignalLoss.ControlFloor;
            }

            return SignalLoss.None;
        }

        /// <summary>Checks a processed sample: a dF/F beyond the limit means the fit ran away (or one LED faded).</summary>
        public SignalLoss CheckFit(ProcessedSample sample)
        {
            if (!sample.IsValid)
            {
                return SignalLoss.None;
            }

            return sample.Dff > _maxAbsDff || sample.Dff < -_maxAbsDff ? SignalLoss.FitDiverged : SignalLoss.None;
        }

        /// <summary>Records a cycle's verdict; true when it opens a new episode (report it).</summary>
        public bool Record(SignalLoss loss)
        {
            if (loss == SignalLoss.None)
            {
                if (_goodRun < RecoveryCycles)
                {
                    _goodRun++;
                }

                return false;
            }

            LostCycles++;
            bool opens = !IsLost;
            _goodRun = 0;
            return opens;
        }
    }
}
