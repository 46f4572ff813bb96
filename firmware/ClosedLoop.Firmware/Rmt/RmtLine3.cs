#if RMT3
using System;
using System.Threading;
using ClosedLoop.Engine.Output;
using nanoFramework.Hardware.Esp32.Rmt;

namespace ClosedLoop.Firmware.Rmt
{
    /// <summary>
    /// One transmit channel of the board's RMT on nanoFramework.Hardware.Esp32.Rmt 3.0, for firmware built after the
    /// RMT rewrite (nf-interpreter #3510, Rmt #128; native assembly 100.0.6.0 over ESP-IDF 5's driver). What differs
    /// from 2.x, from those sources, and what this class does about it:
    /// <list type="bullet">
    /// <item>The driver allocates channels (the board's channel numbers are not used) and fails when none is free.</item>
    /// <item>Ticks are a resolution in Hz; idle and filter thresholds are nanoseconds.</item>
    /// <item>The base ESP32 has no transmit loop count, so <c>EnableLooping</c> is ignored there and a pattern would
    /// play once: a loop is a one-step encoder repeated <see cref="int.MaxValue"/> times (191 days at 130 Hz), its
    /// pattern made a repeat unit by the engine (<see cref="RmtPlan.MakeRepeatUnit"/>).</item>
    /// <item>Releasing a channel stops its hardware, but on the base ESP32 only where the transmitter next passes the
    /// start of its memory, with the CPU held meanwhile (the end of a train that fits its memory): a channel still
    /// clocking a train cut short is therefore never released early; the output's enable line gates it and the
    /// engine refuses a new train until its planned end (<see cref="CanReplaceWhileClocking"/>). Two channels on
    /// one pin are no way out either: releasing one turns the pin's output off for both.</item>
    /// <item>A send waits for the channel's previous transmission to end (forever, for a loop).</item>
    /// <item><c>TransmitSyncManager</c> cannot start channels together on the base ESP32 (no TX synchro in ESP-IDF:
    /// CLR_E_NOT_SUPPORTED), so the LEDs start one after the other as on 2.x, planned for the lead between them.</item>
    /// </list>
    /// The build property RmtLine (docs/flashing.md) chooses this file or RmtLine2.cs.
    /// </summary>
    public sealed class RmtTransmitter : IDisposable
    {
        /// <summary>False: see the class summary. A channel is released only once its train has ended.</summary>
        public static bool CanReplaceWhileClocking
        {
            get { return false; }
        }

        private readonly TransmitterChannel _oneShot;
        private readonly TransmitterEncodedChannel _looping;

        // The native encoder reads a loop's items from this managed array for as long as the loop plays.
        private byte[] _loopItems;

        /// <param name="channel">Not used: the 3.0 driver allocates channels itself.</param>
        /// <param name="tickNs">Nanoseconds per tick: 1,000 (1 µs) or <see cref="SyncPulse.TickNs"/>.</param>
        /// <param name="looping">Whether what it is given plays again and again (<see cref="Loop"/>) or once (<see cref="Send"/>).</param>
        public RmtTransmitter(int channel, int pin, long tickNs, int memoryBlocks, bool looping)
        {
            TransmitChannelSettings settings = new TransmitChannelSettings(pin);
            settings.ResolutionHz = (int)(1000000000L / tickNs);
            settings.NumberOfMemoryBlocks = (byte)memoryBlocks;
            settings.EnableCarrierWave = false;
            settings.EnableIdleLevelOutput = true;
            settings.IdleLevel = false;
            if (looping)
            {
                // One copy step whose items come with each send (none given here).
                _looping = new TransmitterEncodedChannel(settings, new EncoderSettings[] { new CopyEncoderSettings() });
            }
            else
            {
                _oneShot = new TransmitterChannel(settings);
            }
        }

        /// <summary>A looping plan's items for <see cref="Loop"/>: the plan made a repeat unit; null if it cannot be one.</summary>
        public static byte[] LoopItems(RmtPlan plan)
        {
            if (!plan.MakeRepeatUnit())
            {
                return null;
            }

            byte[] items = new byte[plan.ItemCount * RmtItemEncoder.BytesPerItem];
            RmtItemEncoder.Encode(plan, 0, plan.ItemCount, items, 0);
            return items;
        }

        /// <summary>
        /// Plays <paramref name="loopItems"/> (from <see cref="LoopItems"/>) back to back for as long as the channel
        /// lives; returns once it started. Once per channel: the native copy step keeps the first items it was given.
        /// </summary>
        public void Loop(byte[] loopItems)
        {
            _loopItems = loopItems;
            _looping.SendWithEncoders(new EncoderData[] { new EncoderData(_loopItems, int.MaxValue) }, false);
        }

        /// <summary>Plays <paramref name="items"/> once; returns once it started. Waits for the channel's previous train to end first.</summary>
        public void Send(byte[] items)
        {
            _oneShot.SendData(items, false);
        }

        /// <summary>Stops the hardware (see the class summary for when) and frees the channel for the driver.</summary>
        public void Dispose()
        {
            if (_looping != null)
            {
                _looping.Dispose();
            }
            else
            {
                _oneShot.Dispose();
            }
        }
    }

    /// <summary>
    /// The RMT receiver of the timing self-test on Rmt 3.0: 1 µs ticks, thresholds in nanoseconds, no carrier
    /// demodulation (the 3.0 default, which the base ESP32 refuses with NotSupportedException). It receives
    /// continuously from <see cref="Start"/>; what the line carried is handed over once it has been idle.
    /// </summary>
    public sealed class RmtReceiver
    {
        /// <summary>The shortest pulse kept (ns): the ESP32 counts this filter on its 80 MHz clock, 255 counts at most.</summary>
        private const uint FilterNs = 1000;

        private readonly ReceiverChannel _receiver;
        private readonly int _capacity;
        private readonly TimeSpan _timeout;

        public RmtReceiver(int channel, int pin, int idleUs, int capacity, TimeSpan timeout)
        {
            ReceiverChannelSettings settings = new ReceiverChannelSettings(pin);
            settings.ResolutionHz = 1000000;
            settings.IdleThreshold = (uint)idleUs * 1000;
            settings.FilterThreshold = FilterNs;
            settings.EnableDemodulation = false;
            settings.BufferSize = capacity;
            settings.ReceiveTimeout = timeout;
            _receiver = new ReceiverChannel(settings);
            _capacity = capacity;
            _timeout = timeout;
        }

        public void Start()
        {
            _receiver.Start();
        }

        /// <summary>Waits (up to the timeout) for what was received since <see cref="Start"/>; returns how many items it wrote.</summary>
        public int Read(ushort[] duration0, bool[] level0, ushort[] duration1, bool[] level1)
        {
            RmtSymbols symbols = null;
            DateTime deadline = DateTime.UtcNow + _timeout;
            while (symbols == null && DateTime.UtcNow < deadline)
            {
                symbols = _receiver.TryGetReceivedSymbols();
                if (symbols == null)
                {
                    Thread.Sleep(10);
                }
            }

            if (symbols == null)
            {
                return 0;
            }

            int count = symbols.Count < _capacity ? symbols.Count : _capacity;
            for (int i = 0; i < count; i++)
            {
                RmtSymbol symbol = symbols[i];
                duration0[i] = symbol.Duration0;
                level0[i] = symbol.Level0;
                duration1[i] = symbol.Duration1;
                level1[i] = symbol.Level1;
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
