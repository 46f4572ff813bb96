using System.Device.Gpio;
using ClosedLoop.Engine.Core;
using ClosedLoop.Engine.Output;
using nanoFramework.Hardware.Esp32.Rmt;

namespace ClosedLoop.Firmware.Output
{
    /// <summary>
    /// One TTL output (opto or dose): an RMT channel (1 µs ticks, carrier off, idle low) behind a buffer whose
    /// output-enable this class drives. The engine decides; the RMT shapes every edge; the enable line makes
    /// "low now" instant even mid-train.
    /// <para>
    /// The ESP32 driver cannot stop a train: disposing the channel leaves the hardware clocking, and a SendData on a
    /// channel whose train has not ended waits for that end while the interrupt still reads the buffer SendData
    /// overwrites. Its idle query answers whether idle output is enabled, not whether the channel is idle. So this
    /// class knows from each plan when its train ends, and a train cut short is replaced at once, behind the low
    /// enable, by a fresh channel and a one-tick low pattern: the next train never meets a busy channel.
    /// </para>
    /// </summary>
    public sealed class RmtOutputChannel : IOutputChannel
    {
        /// <summary>Slack on a train's planned end for where inside SendData the RMT started.</summary>
        private const long EndMarginUs = 1000;

        private static readonly byte[] s_silence = new byte[] { 1, 0, 0, 0 };

        private readonly IClock _clock;
        private readonly int _channelNumber;
        private readonly int _pin;
        private readonly int _memoryBlocks;
        private readonly GpioPin _enable;
        private readonly byte[] _items;
        private TransmitterChannel _channel;
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

        /// <summary>How long the last SendData call took (µs): the engine lock is held for it.</summary>
        public long LastSendUs { get; private set; }

        public void Start(RmtPlan plan)
        {
            long now = _clock.NowMicros;
            if (now < _clockingUntilUs)
            {
                // The engine only starts a train after the last one ended or was cut (which replaced the channel),
                // so this is a second line of defence: never hand SendData a channel that may still be clocking.
                _enable.Write(PinValue.Low);
                Replace();
            }

            int length = RmtItemEncoder.Encode(plan, 0, plan.ItemCount, _items, 0);
            for (int i = length; i < _items.Length; i++)
            {
                _items[i] = 0;
            }

            _enable.Write(PinValue.High);
            long before = _clock.NowMicros;
            _channel.SendData(_items, false);
            long after = _clock.NowMicros;
            LastSendUs = after - before;
            _clockingUntilUs = after + plan.TotalUs + EndMarginUs;
        }

        /// <summary>The enable line first (the output is low from here on), then a channel the next train can use.</summary>
        public void ForceLow()
        {
            _enable.Write(PinValue.Low);
            if (_clock.NowMicros < _clockingUntilUs)
            {
                Replace();
            }
        }

        /// <summary>
        /// A new driver on the same channel (a free semaphore), whose first pattern, one low tick, takes over the
        /// hardware from the abandoned train and ends at once.
        /// </summary>
        private void Replace()
        {
            _channel.Dispose();
            _channel = Open();
            _channel.SendData(s_silence, false);
            _clockingUntilUs = long.MinValue;
        }

        private TransmitterChannel Open()
        {
            TransmitChannelSettings settings = new TransmitChannelSettings(_channelNumber, _pin);
            settings.ClockDivider = 80;
            settings.EnableCarrierWave = false;
            settings.EnableIdleLevelOutput = true;
            settings.IdleLevel = false;
            settings.NumberOfMemoryBlocks = (byte)_memoryBlocks;
            return new TransmitterChannel(settings);
        }
    }
}
