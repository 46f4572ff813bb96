// Emulated for the board tests: nanoFramework.Hardware.Esp32.Rmt 2.0.51's managed API (tag v2.0.51:
// RmtChannelSettings.cs, TransmitChannelSettings.cs, ReceiverChannelSettings.cs, TransmitterChannel.cs,
// ReceiverChannel.cs, RmtCommand.cs; names, defaults such as ClockDivider 80 and one memory block, and units as
// there), each call handed to EmulatedRmt, which follows nf-interpreter's native glue and ESP-IDF's legacy RMT driver
// (its summary lists what behaves as there). Rmt 3.0 is emulated in Rmt3.cs (board tests of RMT line 3).

using ClosedLoop.Board.Tests.Emulation;

namespace nanoFramework.Hardware.Esp32.Rmt
{
    public abstract class RmtChannelSettings(int channel, int pinNumber)
    {
        public int Channel { get; } = channel;

        public int PinNumber { get; } = pinNumber;

        public byte ClockDivider { get; set; } = 80;

        public byte NumberOfMemoryBlocks { get; set; } = 1;

        public int BufferSize { get; set; } = 100;
    }

    public sealed class TransmitChannelSettings(int channel, int pinNumber) : RmtChannelSettings(channel, pinNumber)
    {
        public bool EnableCarrierWave { get; set; } = true;

        public bool EnableLooping { get; set; }

        public bool EnableIdleLevelOutput { get; set; } = true;

        public bool IdleLevel { get; set; }
    }

    public sealed class ReceiverChannelSettings(int channel, int pinNumber) : RmtChannelSettings(channel, pinNumber)
    {
        public ushort IdleThreshold { get; set; } = 12_000;

        public bool EnableFilter { get; set; } = true;

        public TimeSpan ReceiveTimeout { get; set; } = TimeSpan.FromSeconds(1);
    }

    public abstract class RmtChannel(RmtChannelSettings settings)
    {
        public int Pin => settings.PinNumber;

        /// <summary>Nanoseconds per tick: the 80 MHz APB clock divided by the channel's divider.</summary>
        public long TickNs => settings.ClockDivider * 25L / 2;
    }

    /// <summary>A transmit driver on one channel of the emulated peripheral (<see cref="EmulatedRmt"/> says how it behaves).</summary>
    public class TransmitterChannel : RmtChannel, IDisposable, IEmulatedTransmitter
    {
        private readonly TransmitChannelSettings _settings;
        private readonly List<RmtSend> _sends = [];
        private readonly int _number;

        public TransmitterChannel(TransmitChannelSettings settings)
            : base(settings)
        {
            if (settings.EnableCarrierWave)
            {
                throw new InvalidOperationException($"pin {settings.PinNumber}: the carrier must be off for TTL and LED patterns");
            }

            _settings = settings;
            CreatedUs = EmulatedBoard.Current.NowUs;
            _number = EmulatedBoard.Current.Rmt.Install(settings.Channel, settings.PinNumber, settings.NumberOfMemoryBlocks, TickNs, settings.EnableLooping, settings.EnableIdleLevelOutput, settings.IdleLevel, transmit: true);
            EmulatedBoard.Current.Register(this);
        }

        public long CreatedUs { get; }

        /// <summary>The channel the driver was installed on.</summary>
        public int Channel => _number;

        public bool Disposed { get; private set; }

        public IReadOnlyList<RmtSend> Sends
        {
            get
            {
                lock (_sends)
                {
                    return [.. _sends];
                }
            }
        }

        /// <summary>As nanoFramework's: rmt_get_idle_level's first answer, whether idle output is enabled.</summary>
        public bool IsChannelIdle => EmulatedBoard.Current.Rmt.IdleOutputEnabled(_number);

        public void SendData(byte[] data, bool waitTxDone)
        {
            long startUs = EmulatedBoard.Current.Rmt.Write(_number, data);
            var halves = EmulatedRmt.Decode(data, data.Length / 4);
            lock (_sends)
            {
                _sends.Add(new RmtSend(startUs, halves, _settings.EnableLooping && data.Length / 4 < _settings.NumberOfMemoryBlocks * EmulatedRmt.ItemsPerBlock));
            }
        }

        public void Dispose()
        {
            EmulatedBoard.Current.Rmt.Uninstall(_number);
            Disposed = true;
            EmulatedBoard.Current.Unregister(this);
        }
    }

    /// <summary>
    /// Records what the transmitter its pin is jumpered to sends after <see cref="Start"/>, as 1 µs items from the
    /// first rising edge, the way the ESP32's receiver hands them over once the line has been idle.
    /// </summary>
    public class ReceiverChannel : RmtChannel, IDisposable
    {
        private readonly ReceiverChannelSettings _settings;
        private readonly int _number;
        private long _startedUs = -1;

        public ReceiverChannel(ReceiverChannelSettings settings)
            : base(settings)
        {
            _settings = settings;
            _number = EmulatedBoard.Current.Rmt.Install(settings.Channel, settings.PinNumber, settings.NumberOfMemoryBlocks, TickNs, looping: false, idleOutput: false, idleLevel: false, transmit: false);
        }

        public void Dispose() => EmulatedBoard.Current.Rmt.Uninstall(_number);

        public void Start(bool clearBuffer) => _startedUs = EmulatedBoard.Current.NowUs;

        public void Stop() => _startedUs = -1;

        public RmtCommand[] GetAllItems()
        {
            var board = EmulatedBoard.Current;
            long deadline = board.NowUs + (long)_settings.ReceiveTimeout.TotalMicroseconds;
            while (board.NowUs < deadline)
            {
                // Ticks of 1 µs (ClockDivider 80): the idle threshold is in µs.
                if (board.Received(Pin, _startedUs, _settings.IdleThreshold) is { } items)
                {
                    return [.. items.Select(i => new RmtCommand(i.Duration0, i.Level0, i.Duration1, i.Level1))];
                }

                Thread.Sleep(5);
            }

            return [];
        }

    }

    public class RmtCommand
    {
        public RmtCommand(ushort duration0, bool level0, ushort duration1, bool level1)
        {
            Duration0 = duration0;
            Level0 = level0;
            Duration1 = duration1;
            Level1 = level1;
        }

        public ushort Duration0 { get; }

        public bool Level0 { get; }

        public ushort Duration1 { get; }

        public bool Level1 { get; }
    }
}
