using ClosedLoop.Engine.Config;

namespace ClosedLoop.Engine.Output
{
    /// <summary>
    /// The bench proof of microsecond timing: the opto output, wired back to an input, sends a short train of the
    /// configured pulses while the board's RMT receiver records the edges it sees; this class plans that train
    /// and compares every measured width and period with it. Both ends count 1 µs ticks, so a healthy output
    /// shows errors of at most a tick or so.
    /// </summary>
    public sealed class TimingSelfTest
    {
        /// <summary>Pulses in the test train.</summary>
        public const int Pulses = 20;

        /// <summary>Largest error (µs) on any width or period for a pass: one tick each side of the measurement.</summary>
        public const long ToleranceUs = 2;

        /// <summary>
        /// The receiver records each level's length in 15 bits of 1 µs ticks (at most 32,767 µs) and ends a capture
        /// after its idle threshold without an edge, so the test train's phases are kept shorter than both.
        /// </summary>
        public const long LongestPhaseUs = 30000;

        /// <summary>The receiver's idle threshold: longer than any phase of the test train.</summary>
        public const int ReceiverIdleUs = 32000;

        private readonly RmtPlan _plan = new RmtPlan(RmtPlanner.CountItems(0, LongestPhaseUs, 2 * LongestPhaseUs, Pulses) + 1);

        /// <summary>The train sent (items in 1 µs ticks).</summary>
        public RmtPlan Plan => _plan;

        public long WidthUs { get; private set; }

        public long PeriodUs { get; private set; }

        public int PulsesMeasured { get; private set; }

        /// <summary>The worst |measured - planned| width, µs.</summary>
        public long MaxWidthErrorUs { get; private set; }

        /// <summary>The worst |measured - planned| rising-edge-to-rising-edge period, µs.</summary>
        public long MaxPeriodErrorUs { get; private set; }

        public SelfTestResult Result { get; private set; }

        /// <summary>
        /// Plans the test train from the opto settings, each phase clipped to <see cref="LongestPhaseUs"/> so the
        /// receiver sees the train whole. False when it cannot be planned.
        /// </summary>
        public bool Prepare(TrainSettings opto)
        {
            long width = opto.WidthUs < LongestPhaseUs ? opto.WidthUs : LongestPhaseUs;
            long low = opto.PeriodUs - opto.WidthUs;
            if (low > LongestPhaseUs)
            {
                low = LongestPhaseUs;
            }

            WidthUs = width;
            PeriodUs = width + low;
            PulsesMeasured = 0;
            MaxWidthErrorUs = 0;
            MaxPeriodErrorUs = 0;
            Result = SelfTestResult.None;
            return RmtPlanner.Plan(0, WidthUs, PeriodUs, Pulses, _plan) == PlanStatus.Ok;
        }

        /// <summary>
        /// Compares what the receiver captured (items as the RMT returns them: pairs of level and duration in µs)
        /// with the plan, and sets <see cref="Result"/>.
        /// </summary>
        public SelfTestResult Evaluate(ushort[] duration0, bool[] level0, ushort[] duration1, bool[] level1, int itemCount)
        {
            PulsesMeasured = 0;
            MaxWidthErrorUs = 0;
            MaxPeriodErrorUs = 0;
            long time = 0;
            long lastRise = -1;
            long riseTime = -1;
            bool level = false;
            for (int i = 0; i < itemCount; i++)
            {
                for (int half = 0; half < 2; half++)
                {
                    long duration = half == 0 ? duration0[i] : duration1[i];
                    bool halfLevel = half == 0 ? level0[i] : level1[i];
                    if (duration == 0)
                    {
                        // The receiver's end marker.
                        continue;
                    }

                    if (halfLevel != level)
                    {
                        OnEdge(halfLevel, time, ref riseTime, ref lastRise);
                        level = halfLevel;
                    }

                    time += duration;
                }
            }

            if (level)
            {
                // A capture that ends high has not seen the last falling edge; the receiver's idle end supplies it.
                OnEdge(false, time, ref riseTime, ref lastRise);
            }

            if (PulsesMeasured == 0)
            {
                Result = SelfTestResult.NoSignal;
            }
            else if (PulsesMeasured != Pulses || MaxWidthErrorUs > ToleranceUs || MaxPeriodErrorUs > ToleranceUs)
            {
                Result = SelfTestResult.Failed;
            }
            else
            {
                Result = SelfTestResult.Passed;
            }

            return Result;
        }

        private void OnEdge(bool rising, long time, ref long riseTime, ref long lastRise)
        {
            if (rising)
            {
                if (lastRise >= 0)
                {
                    MaxPeriodErrorUs = Worse(MaxPeriodErrorUs, time - lastRise - PeriodUs);
                }

                lastRise = time;
                riseTime = time;
                return;
            }

            if (riseTime >= 0)
            {
                PulsesMeasured++;
                MaxWidthErrorUs = Worse(MaxWidthErrorUs, time - riseTime - WidthUs);
                riseTime = -1;
            }
        }

        private static long Worse(long worst, long error)
        {
            long magnitude = error < 0 ? -error : error;
            return magnitude > worst ? magnitude : worst;
        }
    }
}
