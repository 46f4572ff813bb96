namespace ClosedLoop.Engine.Core
{
    /// <summary>A clock that moves only when told to: virtual time for simulation, replay and tests.</summary>
    public sealed class ManualClock : IClock
    {
        private long _nowMicros;

        public ManualClock(long startMicros)
        {
            _nowMicros = startMicros;
        }

        public long NowMicros => _nowMicros;

        /// <summary>Moves to <paramref name="micros"/>; time never runs backwards.</summary>
        public void AdvanceTo(long micros)
        {
            if (micros > _nowMicros)
            {
                _nowMicros = micros;
            }
        }

        public void Advance(long deltaMicros)
        {
            if (deltaMicros > 0)
            {
                _nowMicros += deltaMicros;
            }
        }
    }
}
