using ClosedLoop.Engine.Config;

namespace ClosedLoop.Engine.Acquisition
{
    /// <summary>
    /// Phase-tagged oversampling: the board reads the photodiode as fast as it can, at an irregular rate, and
    /// this class assigns each timestamped reading to its phase and cycle, drops readings in a settle guard,
    /// and emits one (signal, control, dark) mean per cycle once a reading from a later cycle shows the cycle is
    /// over. Reading jitter costs nothing as long as timestamps are true. Allocation-free.
    /// </summary>
    public sealed class CycleDemultiplexer
    {
        private readonly ExcitationSchedule _schedule;
        private readonly int _minReadings;
        private readonly ICycleSink _sink;
        private readonly CycleSample _sample = new CycleSample();

        private long _currentCycle = long.MinValue;

        // The current cycle's start and the schedule's phase offsets, copied so that a reading inside the current
        // cycle (nearly all of them) is tagged with a few comparisons: on the interpreter every call and property
        // read costs about as much as the arithmetic, and this runs a dozen times a cycle. Far from any real time
        // until a cycle is current, so that nothing falls inside it.
        private long _currentStartUs = long.MinValue / 2;
        private readonly long _periodUs;
        private readonly long _signalSettledUs;
        private readonly long _controlStartUs;
        private readonly long _controlSettledUs;
        private readonly long _darkStartUs;
        private readonly long _darkSettledUs;
        private readonly bool _continuous;
        private long _lastEmittedCycle = long.MinValue;
        private long _signalSum;
        private long _controlSum;
        private long _darkSum;
        private int _signalCount;
        private int _controlCount;
        private int _darkCount;

        public CycleDemultiplexer(ExcitationSchedule schedule, int minReadings, ICycleSink sink)
        {
            _schedule = schedule;
            _minReadings = minReadings;
            _sink = sink;
            _periodUs = schedule.PeriodUs;
            _signalSettledUs = schedule.SettleUs;
            _controlStartUs = schedule.ControlStartUs;
            _controlSettledUs = schedule.ControlStartUs + schedule.SettleUs;
            _darkStartUs = schedule.DarkStartUs;
            _darkSettledUs = schedule.DarkStartUs + schedule.SettleUs;
            _continuous = schedule.IsContinuous;
        }

        /// <summary>Readings stamped before the schedule's epoch, dropped.</summary>
        public long EarlyReadings { get; private set; }

        /// <summary>Readings that arrived for a cycle already closed (out of order) and were dropped.</summary>
        public long LateReadings { get; private set; }

        /// <summary>Readings dropped because they fell in a settle guard.</summary>
        public long SettlingReadings { get; private set; }

        public ExcitationSchedule Schedule => _schedule;

        /// <summary>
        /// Takes a reading whose light was measured somewhere between <paramref name="fromUs"/> and
        /// <paramref name="toUs"/> (the sampler stamps both sides of the ADC call, widened by what the converter
        /// looks back). It counts at the interval's middle when the whole interval lies in one phase of one cycle;
        /// one that straddles an LED edge could hold either phase's light, and is dropped as settling.
        /// </summary>
        public void AddReading(long fromUs, long toUs, int value)
        {
            long from = fromUs - _currentStartUs;
            long to = toUs - _currentStartUs;
            if (from >= 0 && to < _periodUs && from <= to)
            {
                AddInCurrentCycle(from, to, value);
                return;
            }

            long cycle = _schedule.CycleOf(fromUs);
            Phase phase = _schedule.PhaseOf(fromUs, cycle);
            long toCycle = _schedule.CycleOf(toUs);
            if (toCycle != cycle || _schedule.PhaseOf(toUs, toCycle) != phase)
            {
                SettlingReadings++;
                return;
            }

            // Both ends in one phase of one cycle: so is the middle, where the reading counts.
            Add(cycle, phase, value);
        }

        /// <summary>Takes one raw ADC reading stamped at <paramref name="timeUs"/>.</summary>
        public void AddReading(long timeUs, int value)
        {
            long offset = timeUs - _currentStartUs;
            if (offset >= 0 && offset < _periodUs)
            {
                AddInCurrentCycle(offset, offset, value);
                return;
            }

            long cycle = _schedule.CycleOf(timeUs);
            Add(cycle, _schedule.PhaseOf(timeUs, cycle), value);
        }

        private void Add(long cycle, Phase phase, int value)
        {
            if (cycle < _schedule.FirstCycle)
            {
                // Stamped before this schedule's LEDs started (in flight across a config change): no phase to give it.
                EarlyReadings++;
                return;
            }

            if (cycle != _currentCycle)
            {
                if (cycle < _currentCycle)
                {
                    LateReadings++;
                    return;
                }

                CloseCurrent(cycle);
            }

            Accumulate(phase, value);
        }

        /// <summary>
        /// A reading of the current cycle known to lie between <paramref name="from"/> and <paramref name="to"/> µs
        /// into it (0 ≤ from ≤ to &lt; period): counted in a phase when both ends lie in its settled part
        /// (<see cref="ExcitationSchedule.PhaseOf(long, long)"/> gives that phase to both), else settling.
        /// </summary>
        private void AddInCurrentCycle(long from, long to, int value)
        {
            if (_continuous || (from >= _signalSettledUs && to < _controlStartUs))
            {
                _signalSum += value;
                _signalCount++;
            }
            else if (from >= _controlSettledUs && to < _darkStartUs)
            {
                _controlSum += value;
                _controlCount++;
            }
            else if (from >= _darkSettledUs)
            {
                _darkSum += value;
                _darkCount++;
            }
            else
            {
                SettlingReadings++;
            }
        }

        private void Accumulate(Phase phase, int value)
        {
            switch (phase)
            {
                case Phase.Signal:
                    _signalSum += value;
                    _signalCount++;
                    break;
                case Phase.Control:
                    _controlSum += value;
                    _controlCount++;
                    break;
                case Phase.Dark:
                    _darkSum += value;
                    _darkCount++;
                    break;
                default:
                    SettlingReadings++;
                    break;
            }
        }

        /// <summary>
        /// Closes the open cycle once <paramref name="nowUs"/> is a whole cycle past its end (a grace period for
        /// readings still in flight), so a stalled sampler does not hold the last cycle back.
        /// </summary>
        public void Flush(long nowUs)
        {
            if (_currentCycle == long.MinValue)
            {
                return;
            }

            long nowCycle = _schedule.CycleOf(nowUs);
            if (nowCycle > _currentCycle + 1)
            {
                CloseCurrent(nowCycle);
            }
        }

        private void CloseCurrent(long nextCycle)
        {
            if (_currentCycle != long.MinValue && (_signalCount + _controlCount + _darkCount) > 0)
            {
                Emit();
            }

            _currentCycle = nextCycle;
            _currentStartUs = _schedule.CycleStartUs(nextCycle);
            _signalSum = 0;
            _controlSum = 0;
            _darkSum = 0;
            _signalCount = 0;
            _controlCount = 0;
            _darkCount = 0;
        }

        private void Emit()
        {
            CycleSample s = _sample;
            s.CycleIndex = _currentCycle;
            s.StartUs = _schedule.CycleStartUs(_currentCycle);
            s.SignalCount = _signalCount;
            s.ControlCount = _controlCount;
            s.DarkCount = _darkCount;
            s.Signal = _signalCount > 0 ? (double)_signalSum / _signalCount : 0;
            s.Control = _controlCount > 0 ? (double)_controlSum / _controlCount : 0;
            s.Dark = _darkCount > 0 ? (double)_darkSum / _darkCount : 0;
            if (_schedule.IsContinuous)
            {
                s.IsValid = _signalCount >= _minReadings;
            }
            else
            {
                s.IsValid = _signalCount >= _minReadings && _controlCount >= _minReadings && _darkCount >= 1;
            }

            if (_lastEmittedCycle != long.MinValue && _currentCycle > _lastEmittedCycle + 1)
            {
                _sink.OnMissingCycles(_lastEmittedCycle + 1, _currentCycle - _lastEmittedCycle - 1);
            }

            _lastEmittedCycle = _currentCycle;
            _sink.OnCycle(s);
        }
    }
}
