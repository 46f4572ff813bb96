using ClosedLoop.Engine.Core;
using ClosedLoop.Engine.Output;
using ClosedLoop.Firmware.Rmt;

namespace ClosedLoop.Firmware.Output
{
    /// <summary>
    /// The 1 Hz sync output: one second's pattern (planned by the engine in 3.125 µs ticks) looped by the RMT, so
    /// the pulses keep exact time with no managed code involved after the start. It is started once per boot: a
    /// looping channel holds its driver busy for good.
    /// </summary>
    public sealed class SyncOutput
    {
        private readonly IClock _clock;
        private readonly byte[] _items;
        private readonly RmtTransmitter _channel;

        public SyncOutput(IClock clock, int channel, int pin, long pulseMs)
        {
            _clock = clock;
            RmtPlan plan = new RmtPlan(SyncPulse.MaxItems);
            if (SyncPulse.Plan(pulseMs, plan) != PlanStatus.Ok)
            {
                throw new System.ArgumentOutOfRangeException(nameof(pulseMs));
            }

            _items = RmtTransmitter.LoopItems(plan);
            if (_items == null)
            {
                throw new System.ArgumentOutOfRangeException(nameof(pulseMs));
            }

            _channel = new RmtTransmitter(channel, pin, SyncPulse.TickNs, 1, true);
        }

        /// <summary>Starts the loop and returns the rig time of its first rising edge.</summary>
        public long Start()
        {
            long before = _clock.NowMicros;
            _channel.Loop(_items);
            return (before + _clock.NowMicros) / 2;
        }
    }
}
