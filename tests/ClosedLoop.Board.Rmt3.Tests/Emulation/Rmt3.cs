// Emulated for the board tests of RMT line 3: nanoFramework.Hardware.Esp32.Rmt 3.0's managed API
// (nanoframework/nanoFramework.Hardware.Esp32.Rmt at e45c5d9, PR 128: RmtChannelSettings.cs, TransmitChannelSettings.cs,
// ReceiverChannelSettings.cs, RmtChannel.cs, TransmiterEncodedChannel.cs, TransmitterChannel.cs, ReceiverChannel.cs,
// EncoderSettings.cs, CopyEncoderSettings.cs, EncoderData.cs, RmtSymbol.cs, RmtSymbols.cs: names, defaults, range checks
// and units as there), each call handed to EmulatedRmt's 3.0 half, which follows nf-interpreter #3510's natives over
// ESP-IDF 5 on the base ESP32: channels allocated by the driver, EnableLooping and LoopCount ignored (no
// SOC_RMT_SUPPORT_TX_LOOP_COUNT), a send waits for the previous transmission, a release stops the hardware at its
// next pass through the channel's memory and turns the pin's output off, RX demodulation refused (CLR_E_NOT_SUPPORTED).

using System.Collections;
using ClosedLoop.Board.Tests.Emulation;

namespace nanoFramework.Hardware.Esp32.Rmt
{
    public abstract class RmtChannelSettings
    {
        private int _resolutionHz = 1_000_000;
        private byte _blocks = 1;

        protected RmtChannelSettings(int pinNumber) => PinNumber = pinNumber;

        public int PinNumber { get; set; }

        public int ResolutionHz
        {
            get => _resolutionHz;
            set => _resolutionHz = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public byte NumberOfMemoryBlocks
        {
            get => _blocks;
            set => _blocks = value is >= 1 and <= 8 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public bool SignalInverterEnabled { get; set; }
    }

    public sealed class TransmitChannelSettings(int pinNumber) : RmtChannelSettings(pinNumber)
    {
        private int _loopCount = 1;

        public bool EnableCarrierWave { get; set; }

        public bool EnableLooping { get; set; }

        /// <summary>1 to 1,023; the base ESP32 ignores it (and EnableLooping) altogether.</summary>
        public int LoopCount
        {
            get => _loopCount;
            set => _loopCount = value is >= 1 and <= 1023 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        public bool EnableIdleLevelOutput { get; set; } = true;

        public bool IdleLevel { get; set; }
    }

    public sealed class ReceiverChannelSettings(int pinNumber) : RmtChannelSettings(pinNumber)
    {
        private uint _idleThreshold = 12_000_000;

        /// <summary>Nanoseconds (12 ms by default); 2.x counted ticks.</summary>
        public uint IdleThreshold
        {
            get => _idleThreshold;
            set => _idleThreshold = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
        }

        /// <summary>Nanoseconds (1.2 µs by default): pulses shorter than this are dropped.</summary>
        public uint FilterThreshold { get; set; } = 1200;

        public TimeSpan ReceiveTimeout { get; set; } = TimeSpan.FromSeconds(1);

        public bool EnableDemodulation { get; set; } = true;

        public int BufferSize { get; set; } = 100;
    }

    public abstract class RmtChannel(RmtChannelSettings settings)
    {
        public int Pin => settings.PinNumber;

        /// <summary>Nanoseconds per tick at the channel's resolution.</summary>
        public long TickNs => 1_000_000_000L / settings.ResolutionHz;
    }

    public abstract class EncoderSettings
    {
        internal EncoderSettings()
        {
        }

        internal abstract bool NeedsItems { get; }
    }

    public class CopyEncoderSettings(RmtSymbols? symbols = null) : EncoderSettings
    {
        internal override bool NeedsItems => symbols is null;
    }

    public class EncoderData(byte[] data, int loop = 1)
    {
        public byte[] Data { get; set; } = data;

        public int Loop { get; set; } = loop;
    }

    /// <summary>A transmit channel (<see cref="EmulatedRmt"/>'s 3.0 half says how it behaves).</summary>
    public class TransmitterEncodedChannel : RmtChannel, IDisposable, IEmulatedTransmitter
    {
        private readonly TransmitChannelSettings _settings;
        private readonly EncoderSettings[] _encoders;
        private readonly List<RmtSend> _sends = [];

        public TransmitterEncodedChannel(TransmitChannelSettings settings, EncoderSettings[]? encoderSettings)
            : base(settings)
        {
            if (settings.EnableCarrierWave)
            {
                throw new InvalidOperationException($"pin {settings.PinNumber}: the carrier must be off for TTL and LED patterns");
            }

            _settings = settings;
            _encoders = encoderSettings ?? [new CopyEncoderSettings()];
            if (_encoders.Length == 0)
            {
                throw new ArgumentException("CLR_E_INVALID_PARAMETER: no encoder");
            }

            CreatedUs = EmulatedBoard.Current.NowUs;
            Channel = EmulatedBoard.Current.Rmt.Allocate(settings.PinNumber, settings.NumberOfMemoryBlocks, settings.ResolutionHz, settings.EnableIdleLevelOutput, settings.IdleLevel, transmit: true);
            EmulatedBoard.Current.Register(this);
        }

        public long CreatedUs { get; }

        public int Channel { get; }

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

        public void SendWithEncoders(EncoderData[] encoderData, bool waitTxDone = true)
        {
            if (_encoders.Length != 1 || !_encoders[0].NeedsItems || encoderData.Length != 1)
            {
                throw new NotSupportedException("the emulation has the one copy step that needs items the board uses");
            }

            long start = EmulatedBoard.Current.Rmt.SendLoop(Channel, encoderData[0].Data, encoderData[0].Loop);
            Record(start, encoderData[0].Data, encoderData[0].Loop > 1);
            if (waitTxDone)
            {
                throw new NotSupportedException("the board never waits for a loop");
            }
        }

        protected void Record(long startUs, byte[] data, bool looping)
        {
            lock (_sends)
            {
                _sends.Add(new RmtSend(startUs, EmulatedRmt.Decode(data, data.Length / 4), looping));
            }
        }

        public void Dispose()
        {
            if (Disposed)
            {
                return;
            }

            EmulatedBoard.Current.Rmt.Release(Channel);
            Disposed = true;
            EmulatedBoard.Current.Unregister(this);
        }
    }

    public class TransmitterChannel(TransmitChannelSettings settings) : TransmitterEncodedChannel(settings, null)
    {
        public void SendData(byte[] data, bool waitTxDone = true)
        {
            long start = EmulatedBoard.Current.Rmt.SendOnce(Channel, data);
            Record(start, data, looping: false);
            if (waitTxDone)
            {
                throw new NotSupportedException("the board never waits for a train");
            }
        }
    }

    /// <summary>
    /// Starts channels together where the chip can (NativeCreateSyncManager → rmt_new_sync_manager). The base ESP32 has
    /// no SOC_RMT_SUPPORT_TX_SYNCHRO: ESP_ERR_NOT_SUPPORTED, CLR_E_NOT_SUPPORTED. (One manager at a time elsewhere.)
    /// </summary>
    public class TransmitSyncManager : IDisposable
    {
        public TransmitSyncManager(TransmitterChannel[] txChannelArray)
        {
            ArgumentNullException.ThrowIfNull(txChannelArray);
            throw new NotSupportedException("CLR_E_NOT_SUPPORTED: rmt_new_sync_manager on the base ESP32 (no TX synchro)");
        }

        public void Reset() => throw new ObjectDisposedException(nameof(TransmitSyncManager));

        public void Dispose()
        {
        }
    }

    public class RmtSymbol(ushort duration0, bool level0, ushort duration1, bool level1)
    {
        public ushort Duration0 { get; set; } = duration0 <= 32767 ? duration0 : throw new ArgumentOutOfRangeException(nameof(duration0));

        public bool Level0 { get; set; } = level0;

        public ushort Duration1 { get; set; } = duration1 <= 32767 ? duration1 : throw new ArgumentOutOfRangeException(nameof(duration1));

        public bool Level1 { get; set; } = level1;
    }

    public class RmtSymbols : IEnumerable
    {
        private readonly ArrayList _symbols = [];

        public RmtSymbols()
        {
        }

        public RmtSymbols(RmtSymbol[]? symbols)
        {
            foreach (var symbol in symbols ?? [])
            {
                _symbols.Add(symbol);
            }
        }

        public int Count => _symbols.Count;

        public RmtSymbol this[int index]
        {
            get => index >= 0 && index < _symbols.Count ? (RmtSymbol)_symbols[index]! : throw new IndexOutOfRangeException();
            set => _symbols[index] = value;
        }

        public IEnumerator GetEnumerator() => _symbols.GetEnumerator();
    }

    /// <summary>
    /// Continuous reception from <see cref="Start"/>: what the transmitter its pin is jumpered to sends is handed over
    /// once the line has been idle for the idle threshold, as 1 µs symbols from the first rising edge.
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
            _number = EmulatedBoard.Current.Rmt.Allocate(settings.PinNumber, settings.NumberOfMemoryBlocks, settings.ResolutionHz, false, false, transmit: false);
            if (settings.EnableDemodulation)
            {
                // RXSetDemodulation: the base ESP32 has no SOC_RMT_SUPPORT_RX_DEMODULATION.
                throw new NotSupportedException("CLR_E_NOT_SUPPORTED: RX demodulation on the base ESP32");
            }
        }

        public void Dispose() => EmulatedBoard.Current.Rmt.Release(_number);

        /// <summary>rmt_receive's range checks: the idle threshold in channel ticks (16 bits), the filter on the 80 MHz clock (8 bits).</summary>
        public void Start()
        {
            long idleTicks = (long)_settings.ResolutionHz * _settings.IdleThreshold / 1_000_000_000;
            long filterCounts = 80_000_000L * _settings.FilterThreshold / 1_000_000_000;
            if (idleTicks > 65_535 || filterCounts > 255)
            {
                throw new ArgumentException($"CLR_E_INVALID_PARAMETER: rmt_receive refuses an idle threshold of {idleTicks} ticks or a filter of {filterCounts} counts");
            }

            _startedUs = EmulatedBoard.Current.NowUs;
        }

        public void Stop() => _startedUs = -1;

        public RmtSymbols? TryGetReceivedSymbols()
        {
            var board = EmulatedBoard.Current;
            long idleUs = _settings.IdleThreshold / 1000;
            if (_startedUs < 0 || board.Received(Pin, _startedUs, idleUs) is not { } items)
            {
                return null;
            }

            // Handed over once; the receiver starts again for the next burst. A low longer than the idle threshold
            // ends a reception: what follows it would come in the next one.
            _startedUs = board.NowUs;
            var symbols = new List<RmtSymbol>();
            foreach (var (d0, l0, d1, l1) in items)
            {
                bool idle0 = !l0 && d0 > idleUs;
                symbols.Add(idle0 ? new RmtSymbol(0, false, 0, false) : new RmtSymbol(d0, l0, (ushort)(!l1 && d1 > idleUs ? 0 : d1), l1));
                if (idle0 || (!l1 && d1 > idleUs) || d1 == 0)
                {
                    break;
                }
            }

            return new RmtSymbols([.. symbols]);
        }
    }
}
