using System.Device.Gpio;
using ClosedLoop.Engine.Output;
using nanoFramework.Hardware.Esp32.Rmt;

namespace ClosedLoop.Firmware.Output
{
    /// <summary>
    /// One TTL output (opto or dose): an RMT channel (1 µs ticks, carrier off, idle low) behind a buffer whose
    /// output-enable this class drives. The engine decides; the RMT shapes every edge; the enable line makes
    /// "low now" instant even mid-train, because the RMT in this nanoFramework version has no stop call.
    /// A train cut short keeps clocking inside the RMT until the next start replaces the channel.
    /// </summary>
    public sealed class RmtOutputChannel : IOutputChannel
    {
        private readonly int _pin;
        private readonly int _memoryBlocks;
        private readonly GpioPin _enable;
        private readonly byte[] _items;
        private TransmitterChannel _channel;

        public RmtOutputChannel(GpioController gpio, int pin, int enablePin, int maxItems, int memoryBlocks)
        {
            // The buffer is disabled before the RMT channel exists (the board's pull-down holds it off until here).
            _enable = gpio.OpenPin(enablePin, PinMode.Output);
            _enable.Write(PinValue.Low);
            _pin = pin;
            _memoryBlocks = memoryBlocks;

            // Room for the largest plan plus an end marker; bytes past the marker are never transmitted.
            _items = new byte[(maxItems + 1) * RmtItemEncoder.BytesPerItem];
            _channel = Open();
        }

        public void Start(RmtPlan plan)
        {
            if (!_channel.IsChannelIdle)
            {
                // The previous train was forced low but is still clocking out: drop it with its channel.
                _channel.Dispose();
                _channel = Open();
            }

            int length = RmtItemEncoder.Encode(plan, 0, plan.ItemCount, _items, 0);
            for (int i = length; i < _items.Length; i++)
            {
                _items[i] = 0;
            }

            _enable.Write(PinValue.High);
            _channel.SendData(_items, false);
        }

        public void ForceLow()
        {
            _enable.Write(PinValue.Low);
        }

        private TransmitterChannel Open()
        {
            TransmitChannelSettings settings = new TransmitChannelSettings(-1, _pin);
            settings.ClockDivider = 80;
            settings.EnableCarrierWave = false;
            settings.EnableIdleLevelOutput = true;
            settings.IdleLevel = false;
            settings.NumberOfMemoryBlocks = (byte)_memoryBlocks;
            return new TransmitterChannel(settings);
        }
    }
}
