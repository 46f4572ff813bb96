using ClosedLoop.Engine.Core;

namespace ClosedLoop.Engine.Output
{
    /// <summary>
    /// Times each start of a board output: the engine waits inside it with its lock held (on the ESP32, the RMT
    /// SendData), so its length is part of the rig's own measurements.
    /// </summary>
    internal sealed class TimedOutputChannel : IOutputChannel
    {
        private readonly IOutputChannel _driver;
        private readonly IClock _clock;

        public TimedOutputChannel(IOutputChannel driver, IClock clock)
        {
            _driver = driver;
            _clock = clock;
        }

        /// <summary>The longest start so far (µs).</summary>
        public long LongestStartUs { get; private set; }

        public void Start(RmtPlan plan)
        {
            long before = _clock.NowMicros;
            _driver.Start(plan);
            long took = _clock.NowMicros - before;
            if (took > LongestStartUs)
            {
                LongestStartUs = took;
            }
        }

        public void ForceLow()
        {
            _driver.ForceLow();
        }

        public long BusyUntilUs
        {
            get { return _driver.BusyUntilUs; }
        }
    }
}
