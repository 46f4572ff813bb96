using System.Device.Gpio;
using ClosedLoop.Engine.Core;
using ClosedLoop.Engine.Output;
using ClosedLoop.Firmware.Rmt;

namespace ClosedLoop.Firmware.Output
{
    /// <summary>
    /// One TTL output (opto or dose): an RMT channel (1 µs ticks, carrier off, idle low) behind a buffer whose
    /// output-enable this class drives. The engine decides; the RMT shapes every edge; the enable line makes
    /// "low now" instant even mid-train.
    /// <para>
    /// Neither ESP32 driver stops a train cleanly. On RMT 2.x, disposing the channel leaves the hardware clocking,
    /// and a send on a channel whose train has not ended waits for that end while the interrupt still reads the
    /// buffer the send overwrites; so a train cut short is replaced at once, behind the low enable, by a fresh driver
    /// and a one-tick low pattern. On RMT 3.0 a release would hold the CPU until the train's end, and a second
    /// channel on the pin would lose the pin when either is released; so the cut train clocks on behind the low
    /// enable, and <see cref="BusyUntilUs"/> tells the engine to refuse a new train until its planned end. Either
    /// way this class knows from each plan when its train ends, and the next train never meets a busy channel.
    /// </para>
    /// </summary>
    public sealed class RmtOutputChannel : IOutputChannel
    {
        /// <summary>Slack on a train's planned end for where inside the send the RMT started.</summary>
        private const long EndMarginUs = 1000;

        private static readonly byte[] s_silence = new byte[] { 1, 0, 0, 0 };

        private readonly IClock _clock;
        private readonly int _channelNumber;
        private readonly int _pin;
        private readonly int _memoryBlocks;
        private readonly GpioPin _enable;
        private readonly byte[] _items;
        private RmtTransmitter _channel;
        private long _clockingUntilUs = long.MinValue;

        public RmtOutputChannel(GpioController gpio, IClock clock, int channel, int pin, int enablePin, int maxItems, int memoryBlocks)
        {
            // The buffer is disabled before the RMT channel exists (the board's pull-down holds it off until here).
            _enable = gpio.OpenPin(enablePin, PinMode.Output);
            _enable.Write(PinValue.Low);
            _clock = clock;
            _channelNumber = channel;
            _pin = pin;
            _memoryBlocks = memoryBlocks;

            // Room for the largest plan plus an end marker; bytes past the marker are never transmitted.
            _items = new byte[(maxItems + 1) * RmtItemEncoder.BytesPerItem];
            _channel = Open();
        }

        /// <summary>How long the last send took (µs): the engine lock is held for it.</summary>
        public long LastSendUs { get; private set; }

        /// <summary>Until when a train cut short may still clock behind the low enable (RMT 3.0); never on 2.x, which replaces the channel.</summary>
        public long BusyUntilUs
        {
            get { return RmtTransmitter.CanReplaceWhileClocking ? long.MinValue : _clockingUntilUs; }
        }

        public void Start(RmtPlan plan)
        {
            long now = _clock.NowMicros;
            if (now < _clockingUntilUs)
            {
                // The engine only starts a train after the last one ended, was cut and replaced, or (RMT 3.0) its cut
                // train's planned end passed (BusyUntilUs), so this is a second line of defence.
                _enable.Write(PinValue.Low);
                if (!RmtTransmitter.CanReplaceWhileClocking)
                {
                    throw new System.InvalidOperationException("the output's RMT channel is still clocking a train cut short");
                }

                Replace();
            }

            int length = RmtItemEncoder.Encode(plan, 0, plan.ItemCount, _items, 0);
            for (int i = length; i < _items.Length; i++)
            {
                _items[i] = 0;
            }

            _enable.Write(PinValue.High);
            long before = _clock.NowMicros;
            _channel.Send(_items);
            long after = _clock.NowMicros;
            LastSendUs = after - before;
            _clockingUntilUs = after + plan.TotalUs + EndMarginUs;
        }

        /// <summary>The enable line first (the output is low from here on), then, where the driver allows, a channel the next train can use.</summary>
        public void ForceLow()
        {
            _enable.Write(PinValue.Low);
            if (RmtTransmitter.CanReplaceWhileClocking && _clock.NowMicros < _clockingUntilUs)
            {
                Replace();
            }
        }

        /// <summary>
        /// RMT 2.x: a new driver on the same channel (a free semaphore), whose first pattern, one low tick, takes over
        /// the hardware from the abandoned train and ends at once.
        /// </summary>
        private void Replace()
        {
            _channel.Dispose();
            _channel = Open();
            _channel.Send(s_silence);
            _clockingUntilUs = long.MinValue;
        }

        private RmtTransmitter Open()
        {
            return new RmtTransmitter(_channelNumber, _pin, 1000, _memoryBlocks, false);
        }
    }
}
