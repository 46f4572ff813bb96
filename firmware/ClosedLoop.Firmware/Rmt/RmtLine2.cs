#if !RMT3
using System;
using ClosedLoop.Engine.Output;
using nanoFramework.Hardware.Esp32.Rmt;

namespace ClosedLoop.Firmware.Rmt
{
    /// <summary>
    /// One transmit channel of the board's RMT on nanoFramework.Hardware.Esp32.Rmt 2.x, for firmware built before the
    /// RMT rewrite (nf-interpreter #3510; native assembly 100.0.5.x over ESP-IDF's legacy driver): channels chosen by
    /// number, ticks set by a divider of the 80 MHz APB clock, looping done by the hardware. Carrier off, idle low.
    /// The build property RmtLine (docs/flashing.md) chooses this file or RmtLine3.cs; nothing else in the board
    /// names the RMT library.
    /// </summary>
    public sealed class RmtTransmitter : IDisposable
    {
        /// <summary>
        /// A new driver on a channel number takes that channel's hardware over at its first send, so a channel still
        /// clocking a train cut short can be replaced at once.
        /// </summary>
        public static bool CanReplaceWhileClocking
        {
            get { return true; }
        }

        private readonly TransmitterChannel _channel;

        /// <param name="channel">The hardware channel (its memory blocks follow it).</param>
        /// <param name="tickNs">Nanoseconds per tick: 1,000 (1 µs) or <see cref="SyncPulse.TickNs"/>.</param>
        /// <param name="looping">Whether what it is given plays again and again (<see cref="Loop"/>) or once (<see cref="Send"/>).</param>
        public RmtTransmitter(int channel, int pin, long tickNs, int memoryBlocks, bool looping)
        {
            TransmitChannelSettings settings = new TransmitChannelSettings(channel, pin);
            settings.ClockDivider = (byte)(tickNs * 80 / 1000);
            settings.EnableCarrierWave = false;
            settings.EnableLooping = looping;
            settings.EnableIdleLevelOutput = true;
            settings.IdleLevel = false;
            settings.NumberOfMemoryBlocks = (byte)memoryBlocks;
            _channel = new TransmitterChannel(settings);
        }

        /// <summary>A looping plan's items for <see cref="Loop"/>: as planned, the end marker closing each pass.</summary>
        public static byte[] LoopItems(RmtPlan plan)
        {
            byte[] items = new byte[plan.ItemCount * RmtItemEncoder.BytesPerItem];
            RmtItemEncoder.Encode(plan, 0, plan.ItemCount, items, 0);
            return items;
        }

        /// <summary>Plays <paramref name="loopItems"/> (from <see cref="LoopItems"/>) for as long as the channel lives; returns once it started.</summary>
        public void Loop(byte[] loopItems)
        {
            _channel.SendData(loopItems, false);
        }

        /// <summary>Plays <paramref name="items"/> once; returns once it started. Waits for the driver's previous train to end first.</summary>
        public void Send(byte[] items)
        {
            _channel.SendData(items, false);
        }

        /// <summary>Uninstalls the driver. The hardware goes on with what it was doing (a loop loops on) until a new driver's first send.</summary>
        public void Dispose()
        {
            _channel.Dispose();
        }
    }

    /// <summary>The RMT receiver of the timing self-test on Rmt 2.x: 1 µs ticks, no filter; items handed over once the line has been idle.</summary>
    public sealed class RmtReceiver
    {
        private readonly ReceiverChannel _receiver;
        private readonly int _capacity;

        public RmtReceiver(int channel, int pin, int idleUs, int capacity, TimeSpan timeout)
        {
            ReceiverChannelSettings settings = new ReceiverChannelSettings(channel, pin);
            settings.ClockDivider = 80;
            settings.IdleThreshold = (ushort)idleUs;
            settings.EnableFilter = false;
            settings.BufferSize = capacity;
            settings.ReceiveTimeout = timeout;
            _receiver = new ReceiverChannel(settings);
            _capacity = capacity;
        }

        public void Start()
        {
            _receiver.Start(true);
        }

        /// <summary>Waits (up to the timeout) for what was received since <see cref="Start"/>; returns how many items it wrote.</summary>
        public int Read(ushort[] duration0, bool[] level0, ushort[] duration1, bool[] level1)
        {
            RmtCommand[] items = _receiver.GetAllItems();
            int count = items.Length < _capacity ? items.Length : _capacity;
            for (int i = 0; i < count; i++)
            {
                RmtCommand item = items[i];
                duration0[i] = item.Duration0;
                level0[i] = item.Level0;
                duration1[i] = item.Duration1;
                level1[i] = item.Level1;
            }

            return count;
        }

        public void Stop()
        {
            _receiver.Stop();
        }
    }
}
#endif
