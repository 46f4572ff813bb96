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
        private readonly long _twoPeriodsUs;
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
        private long _readings;
        private long _firstReadingUs = long.MinValue;
        private long _lastReadingUs = long.MinValue;

        public CycleDemultiplexer(ExcitationSchedule schedule, int minReadings, ICycleSink sink)
        {
            _schedule = schedule;
            _minReadings = minReadings;
            _sink = sink;
            _periodUs = schedule.PeriodUs;
            _twoPeriodsUs = 2 * schedule.PeriodUs;
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

        /// <summary>Every reading offered, kept or dropped (the acquisition meter's count).</summary>
        public long ReadingCount => _readings;

        /// <summary>The end of the first reading's interval (long.MinValue before any).</summary>
        public long FirstReadingUs => _firstReadingUs;

        /// <summary>The end of the latest reading's interval (long.MinValue before any).</summary>
        public long LastReadingUs => _lastReadingUs;

        /// <summary>
        /// Takes a reading whose light was measured somewhere between <paramref name="fromUs"/> and
        /// <paramref name="toUs"/> (the sampler stamps both sides of the ADC call, widened by what the converter
        /// looks back). It counts at the interval's middle when the whole interval lies in one phase of one cycle;
        /// one that straddles an LED edge could hold either phase's light, and is dropped as settling.
        /// </summary>
        public void AddReading(long fromUs, long toUs, int value)
        {
            if (_readings == 0)
            {
                _firstReadingUs = toUs;
            }

            _readings++;
            _lastReadingUs = toUs;

            // Nearly every reading lies in the cycle being filled or opens the next one: both are found by comparing
            // with the cycle's start and the phase edges (PhaseIn), without dividing. The rest go the general way.
            long from = fromUs - _currentStartUs;
            long to = toUs - _currentStartUs;
            if (from <= to && from >= 0 && to < _twoPeriodsUs)
            {
                bool next = from >= _periodUs;
                if (next || to < _periodUs)
                {
                    Phase phase = next ? PhaseIn(from - _periodUs, to - _periodUs) : PhaseIn(from, to);

                    // A settling reading of the next cycle goes the general way: whether it closes this cycle
                    // depends on whether its ends straddle an edge.
                    if (!next || phase != Phase.Settling)
                    {
                        if (next)
                        {
                            CloseCurrent(_currentCycle + 1);
                        }

                        Accumulate(phase, value);
                        return;
                    }
                }
            }

            long cycle = _schedule.CycleOf(fromUs);
            Phase fromPhase = _schedule.PhaseOf(fromUs, cycle);
            long toCycle = _schedule.CycleOf(toUs);
            if (toCycle != cycle || _schedule.PhaseOf(toUs, toCycle) != fromPhase)
            {
                SettlingReadings++;
                return;
            }

            // Both ends in one phase of one cycle: so is the middle, where the reading counts.
            Add(cycle, fromPhase, value);
        }

        /// <summary>One raw reading, stamped at <paramref name="timeUs"/>: an interval of no length.</summary>
        public void AddReading(long timeUs, int value)
        {
            AddReading(timeUs, timeUs, value);
        }

        /// <summary>
        /// The first <paramref name="count"/> readings of the arrays, in order, as <see cref="AddReading(long, long, int)"/>
        /// takes each: how the board's sampler hands over what it read. Readings inside the cycle being filled are
        /// counted right here (the same test as <see cref="PhaseIn"/>, written out): on the interpreter a call per
        /// reading, and each field read, cost more than the test itself, and a batch pays for them once.
        /// </summary>
        public void AddReadings(long[] fromUs, long[] toUs, int[] values, int count)
        {
            long period = _periodUs;
            long signalSettled = _signalSettledUs;
            long controlStart = _controlStartUs;
            long controlSettled = _controlSettledUs;
            long darkStart = _darkStartUs;
            long darkSettled = _darkSettledUs;
            bool continuous = _continuous;
            int i = 0;
            while (i < count)
            {
                if (_readings == 0)
                {
                    // The very first reading opens the first cycle (and the meter's first window) the general way.
                    AddReading(fromUs[i], toUs[i], values[i]);
                    i++;
                    continue;
                }

                // The open cycle's state in locals until a reading outside it, which goes the general way once
                // they are written back.
                int begin = i;
                long start = _currentStartUs;
                long signalSum = _signalSum;
                long controlSum = _controlSum;
                long darkSum = _darkSum;
                int signalCount = _signalCount;
                int controlCount = _controlCount;
                int darkCount = _darkCount;
                for (; i < count; i++)
                {
                    long from = fromUs[i] - start;
                    long to = toUs[i] - start;
                    if (from < 0 || from > to || to >= period)
                    {
                        break;
                    }

                    if (continuous || (from >= signalSettled && to < controlStart))
                    {
                        signalSum += values[i];
                        signalCount++;
                    }
                    else if (from >= controlSettled && to < darkStart)
                    {
                        controlSum += values[i];
                        controlCount++;
                    }
                    else if (from >= darkSettled)
                    {
                        darkSum += values[i];
                        darkCount++;
                    }
                    else
                    {
                        SettlingReadings++;
                    }
                }

                _signalSum = signalSum;
                _controlSum = controlSum;
                _darkSum = darkSum;
                _signalCount = signalCount;
                _controlCount = controlCount;
                _darkCount = darkCount;
                if (i > begin)
                {
                    _readings += i - begin;
                    _lastReadingUs = toUs[i - 1];
                }

                if (i < count)
                {
                    AddReading(fromUs[i], toUs[i], values[i]);
                    i++;
                }
            }
        }

        /// <summary>
        /// The phase of a reading whose ends lie <paramref name="from"/> and <paramref name="to"/> µs into a cycle
        /// (0 ≤ from ≤ to &lt; period): a lit or dark phase when both ends lie in its settled part, where
        /// <see cref="ExcitationSchedule.PhaseOf(long, long)"/> gives that phase to both; else settling.
        /// </summary>
        private Phase PhaseIn(long from, long to)
        {
            if (_continuous || (from >= _signalSettledUs && to < _controlStartUs))
            {
                return Phase.Signal;
            }

            if (from >= _controlSettledUs && to < _darkStartUs)
            {
                return Phase.Control;
            }

            return from >= _darkSettledUs ? Phase.Dark : Phase.Settling;
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

            // Not before two periods from the current cycle's start: only then is now past the next cycle.
            if (nowUs - _currentStartUs >= _twoPeriodsUs)
            {
                CloseCurrent(_schedule.CycleOf(nowUs));
            }
        }

        private void CloseCurrent(long nextCycle)
        {
            if (_currentCycle != long.MinValue && (_signalCount + _controlCount + _darkCount) > 0)
            {
                Emit();
            }

            _currentStartUs = nextCycle == _currentCycle + 1 ? _currentStartUs + _periodUs : _schedule.CycleStartUs(nextCycle);
            _currentCycle = nextCycle;
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
            s.StartUs = _currentStartUs;
            s.SignalCount = _signalCount;
            s.ControlCount = _controlCount;
            s.DarkCount = _darkCount;
            s.Signal = _signalCount > 0 ? (double)_signalSum / _signalCount : 0;
            s.Control = _controlCount > 0 ? (double)_controlSum / _controlCount : 0;
            s.Dark = _darkCount > 0 ? (double)_darkSum / _darkCount : 0;
            if (_continuous)
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
