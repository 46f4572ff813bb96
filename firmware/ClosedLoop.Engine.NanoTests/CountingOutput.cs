using ClosedLoop.Engine.Core;
using ClosedLoop.Engine.Output;

namespace ClosedLoop.Engine.NanoTests
{
    /// <summary>An output that counts what the engine asked of it and knows whether its pin would be high now.</summary>
    internal sealed class CountingOutput : IOutputChannel
    {
        private readonly IClock _clock;
        private long _drivingUntilUs = long.MinValue;

        public CountingOutput(IClock clock)
        {
            _clock = clock;
        }

        public int Starts;

        public int ForceLows;

        public long LastTrainUs;

        public long BusyUntilUs
        {
            get { return long.MinValue; }
        }

        public bool IsDriving
        {
            get { return _clock.NowMicros < _drivingUntilUs; }
        }

        public void Start(RmtPlan plan)
        {
            Starts++;
            LastTrainUs = plan.TotalUs;
            _drivingUntilUs = _clock.NowMicros + plan.TotalUs;
        }

        public void ForceLow()
        {
            ForceLows++;
            _drivingUntilUs = long.MinValue;
        }
    }
}
