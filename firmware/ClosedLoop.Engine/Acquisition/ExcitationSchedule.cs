using ClosedLoop.Engine.Config;

namespace ClosedLoop.Engine.Acquisition
{
    /// <summary>
    /// The time-division excitation pattern, anchored at the µs the LED sequence started (the board's RMT LED
    /// channels start together at that time). Each cycle of <c>PeriodUs</c> is laid out as
    /// <code>
    /// |&lt;- signal LED on -&gt;|&lt;- control LED on -&gt;|&lt;--------- dark ---------&gt;|
    /// 0                  SignalOnUs            SignalOnUs+ControlOnUs     PeriodUs
    /// </code>
    /// and a reading within <c>SettleUs</c> after any of the three edges is discarded (photodiode and LED
    /// settling). In continuous mode every reading counts as signal. Cycles are numbered from
    /// <c>firstCycle</c> at the epoch, so that a schedule that replaces another (a new config restarts the LEDs)
    /// continues the numbering and no two cycles of one boot share a number.
    /// </summary>
    public sealed class ExcitationSchedule
    {
        private readonly long _epochUs;
        private readonly long _periodUs;
        private readonly long _controlStartUs;
        private readonly long _darkStartUs;
        private readonly long _settleUs;
        private readonly bool _continuous;
        private readonly long _firstCycle;

        public ExcitationSchedule(AcquisitionSettings settings, long epochUs)
            : this(settings, epochUs, 0)
        {
        }

        public ExcitationSchedule(AcquisitionSettings settings, long epochUs, long firstCycle)
        {
            _epochUs = epochUs;
            _firstCycle = firstCycle;
            _periodUs = settings.PeriodUs;
            _controlStartUs = settings.SignalOnUs;
            _darkStartUs = settings.SignalOnUs + settings.ControlOnUs;
            _settleUs = settings.SettleUs;
            _continuous = settings.Continuous;
        }

        public long PeriodUs => _periodUs;

        public long EpochUs => _epochUs;

        /// <summary>The number of the cycle that starts at the epoch.</summary>
        public long FirstCycle => _firstCycle;

        public bool IsContinuous => _continuous;

        /// <summary>µs into a cycle at which the control LED comes on (the signal phase's end).</summary>
        public long ControlStartUs => _controlStartUs;

        /// <summary>µs into a cycle at which both LEDs are off (the control phase's end).</summary>
        public long DarkStartUs => _darkStartUs;

        /// <summary>µs after each LED edge during which readings are settling.</summary>
        public long SettleUs => _settleUs;

        /// <summary>The cycle a time falls in (negative before the epoch).</summary>
        public long CycleOf(long timeUs)
        {
            long offset = timeUs - _epochUs;
            long cycle = offset / _periodUs;
            if (offset < 0 && cycle * _periodUs != offset)
            {
                // Division truncates toward zero; cycles are floors.
                cycle--;
            }

            return cycle + _firstCycle;
        }

        public long CycleStartUs(long cycle)
        {
            return _epochUs + (cycle - _firstCycle) * _periodUs;
        }

        /// <summary>The phase of a reading taken at <paramref name="timeUs"/>.</summary>
        public Phase PhaseOf(long timeUs)
        {
            return PhaseOf(timeUs, CycleOf(timeUs));
        }

        /// <summary>The phase of a reading at <paramref name="timeUs"/>, when its <paramref name="cycle"/> is already known.</summary>
        public Phase PhaseOf(long timeUs, long cycle)
        {
            if (_continuous)
            {
                return Phase.Signal;
            }

            long t = timeUs - CycleStartUs(cycle);
            if (t < _controlStartUs)
            {
                return t < _settleUs ? Phase.Settling : Phase.Signal;
            }

            if (t < _darkStartUs)
            {
                return t - _controlStartUs < _settleUs ? Phase.Settling : Phase.Control;
            }

            return t - _darkStartUs < _settleUs ? Phase.Settling : Phase.Dark;
        }
    }
}
