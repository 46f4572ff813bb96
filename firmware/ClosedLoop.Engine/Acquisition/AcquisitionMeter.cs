using ClosedLoop.Engine.Config;

namespace ClosedLoop.Engine.Acquisition
{
    /// <summary>
    /// The rig measuring its own acquisition, a second of cycles at a time: readings per LED phase per cycle and the
    /// time per reading (from the sampler's stamps). Two seconds in a row in which more than a tenth of the cycles
    /// lacked <c>min_readings</c> in a phase mean the converter and sampler cannot meet the acquisition plan: the
    /// engine refuses to arm (and faults, if disarmed) until a second meets it. Cycles that never arrived are a
    /// stalled sampler, not the plan: they are journaled as data gaps and not counted here. Only the rig's own
    /// readings count; replayed cycles are not measured.
    /// <para>
    /// It also reports the light of the second, as read (before the dark is subtracted): each phase's mean level
    /// over the cycles with enough readings, and where that sits in the converter's range (<see cref="LightRange"/>),
    /// for the console's light view. Saturated and lost light are reported like any other: that is when it matters.
    /// </para>
    /// </summary>
    internal sealed class AcquisitionMeter
    {
        /// <summary>A lit phase at this share of full scale or more is <see cref="LightRange.NearRail"/> (the guard faults at 0.99).</summary>
        public const double NearRailFraction = 0.9;

        /// <summary>A lit phase less than this many processing.min_level above dark is <see cref="LightRange.NearFloor"/> (the guard faults at one).</summary>
        public const double NearFloorFactor = 5;

        /// <summary>The share of short cycles a second may have and still meet the plan.</summary>
        public const double MaxShortFraction = 0.1;

        /// <summary>Seconds in a row that must miss the plan before it counts as not met (one can be a passing hiccup).</summary>
        public const int FailingSeconds = 2;

        private readonly int _windowCycles;
        private readonly int _minReadings;
        private readonly bool _continuous;
        private int _cycles;
        private int _short;
        private long _signal;
        private long _control;
        private long _dark;
        private readonly double _nearRail;
        private readonly double _nearFloor;
        private int _litCycles;
        private double _signalLevel;
        private double _controlLevel;
        private double _darkLevel;
        private readonly CycleDemultiplexer _readings;
        private long _windowStartUs = long.MinValue;
        private long _windowStartCount;
        private int _badSeconds;

        /// <summary>Measures the cycles it is given; the time per reading from <paramref name="readings"/>' stamps, which see every reading.</summary>
        public AcquisitionMeter(AcquisitionSettings settings, ProcessingSettings processing, CycleDemultiplexer readings)
        {
            _readings = readings;
            FullScale = settings.FullScaleCounts;
            _nearRail = settings.FullScaleCounts * NearRailFraction;
            _nearFloor = processing.MinLevel * NearFloorFactor;
            long cyclesPerSecond = 1000000 / settings.PeriodUs;
            _windowCycles = cyclesPerSecond < 1 ? 1 : (int)cyclesPerSecond;
            _minReadings = settings.MinReadings;
            _continuous = settings.Continuous;
        }

        // IsMeasured and IsFailing are fields: the pipeline reads both every cycle, and on the interpreter a property
        // read is a call. Only this class writes them.

        /// <summary>True once a whole second of cycles has been measured.</summary>
        public bool IsMeasured;

        /// <summary>True when the last measured second met the plan.</summary>
        public bool LastSecondMet { get; private set; }

        /// <summary>True while the last <see cref="FailingSeconds"/> measured seconds all missed the plan.</summary>
        public bool IsFailing;

        public int MinReadings => _minReadings;

        /// <summary>Mean readings per cycle in the signal, control and dark phases over the last second.</summary>
        public double SignalPerCycle { get; private set; }

        public double ControlPerCycle { get; private set; }

        public double DarkPerCycle { get; private set; }

        /// <summary>The fewer of the lit phases' readings per cycle (the signal's alone with one colour).</summary>
        public double PerLitPhase => _continuous || ControlPerCycle > SignalPerCycle ? SignalPerCycle : ControlPerCycle;

        /// <summary>The converter's largest reading (counts): the scale the light levels are read against.</summary>
        public double FullScale { get; private set; }

        /// <summary>The last second's mean signal-phase reading (counts, dark not subtracted); NaN without a cycle with enough readings.</summary>
        public double SignalLevel { get; private set; } = double.NaN;

        /// <summary>The last second's mean control-phase reading, as <see cref="SignalLevel"/> (NaN with one colour).</summary>
        public double ControlLevel { get; private set; } = double.NaN;

        /// <summary>The last second's mean dark-phase reading (counts; NaN with one colour, which has no dark phase).</summary>
        public double DarkLevel { get; private set; } = double.NaN;

        /// <summary>Where the last second's light sits in the converter's range.</summary>
        public LightRange Range { get; private set; }

        /// <summary>Share of the last second's cycles that lacked readings.</summary>
        public double ShortFraction { get; private set; }

        /// <summary>Mean time from one reading to the next over the last second (µs): the converter plus the sampler's loop.</summary>
        public double ReadingUs { get; private set; }

        /// <summary>Counts one cycle's readings; true when it completed a second (the figures are then new).</summary>
        public bool OnCycle(CycleSample cycle)
        {
            _cycles++;
            _signal += cycle.SignalCount;
            _control += cycle.ControlCount;
            _dark += cycle.DarkCount;
            bool shortCycle = cycle.SignalCount < _minReadings || (!_continuous && (cycle.ControlCount < _minReadings || cycle.DarkCount < 1));
            if (shortCycle)
            {
                _short++;
            }
            else
            {
                _litCycles++;
                _signalLevel += cycle.Signal;
                _controlLevel += cycle.Control;
                _darkLevel += cycle.Dark;
            }

            // Asked here first: a window closes once a second, and the call costs more than the question.
            return _cycles >= _windowCycles && CloseWindowIfFull();
        }

        private bool CloseWindowIfFull()
        {
            if (_cycles < _windowCycles)
            {
                return false;
            }

            SignalPerCycle = (double)_signal / _cycles;
            ControlPerCycle = (double)_control / _cycles;
            DarkPerCycle = (double)_dark / _cycles;
            ShortFraction = (double)_short / _cycles;
            MeasureLight();
            long count = _readings.ReadingCount;
            if (_windowStartUs == long.MinValue && count > 0)
            {
                // The first window starts at the first reading.
                _windowStartUs = _readings.FirstReadingUs;
                _windowStartCount = 1;
            }

            long intervals = _windowStartUs == long.MinValue ? 0 : count - _windowStartCount;
            ReadingUs = intervals > 0 ? (double)(_readings.LastReadingUs - _windowStartUs) / intervals : 0;
            LastSecondMet = ShortFraction <= MaxShortFraction;
            _badSeconds = LastSecondMet ? 0 : _badSeconds + 1;
            IsFailing = _badSeconds >= FailingSeconds;
            IsMeasured = true;
            _cycles = 0;
            _short = 0;
            _signal = 0;
            _control = 0;
            _dark = 0;
            _litCycles = 0;
            _signalLevel = 0;
            _controlLevel = 0;
            _darkLevel = 0;
            _windowStartUs = _readings.LastReadingUs;
            _windowStartCount = count;
            return true;
        }

        private void MeasureLight()
        {
            if (_litCycles == 0)
            {
                SignalLevel = double.NaN;
                ControlLevel = double.NaN;
                DarkLevel = double.NaN;
                Range = LightRange.Unknown;
                return;
            }

            SignalLevel = _signalLevel / _litCycles;
            ControlLevel = _continuous ? double.NaN : _controlLevel / _litCycles;
            DarkLevel = _continuous ? double.NaN : _darkLevel / _litCycles;

            // One colour has no dark phase: its level is read against zero, as the guard reads it.
            double dark = _continuous ? 0 : DarkLevel;
            if (SignalLevel >= _nearRail || (!_continuous && ControlLevel >= _nearRail))
            {
                Range = LightRange.NearRail;
            }
            else if (SignalLevel - dark < _nearFloor || (!_continuous && ControlLevel - dark < _nearFloor))
            {
                Range = LightRange.NearFloor;
            }
            else
            {
                Range = LightRange.Ok;
            }
        }
    }
}
