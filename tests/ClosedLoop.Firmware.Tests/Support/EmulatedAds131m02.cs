using System.Device.Spi;

namespace ClosedLoop.Firmware.Tests.Support;

/// <summary>
/// An ADS131M02 as its datasheet (TI SBAS950) describes it, on an emulated SPI bus with its own virtual clock. Every
/// transfer is one frame of 24-bit words: the first carries a command (NULL, RESET, RREG, WREG), and the answer's
/// first word is the response to the previous frame's command (STATUS as the frame starts after NULL, the register
/// after RREG, an acknowledgement after WREG, FF22 after RESET), followed by the latest conversion of channel 0 and channel 1. Conversions complete
/// every OSR / 4.096 MHz (CLKIN 8.192 MHz) while a channel is enabled; each reports the input's mean over the
/// three periods before it (the support of the sinc3 filter, whose shape is not modelled), and STATUS's DRDYn bit
/// says that channel has a conversion not yet read. Reading a frame clears the flags. Each transfer takes the time
/// its bytes need at 8 MHz plus a fixed overhead, so polling loops advance the chip's time as on hardware: its own
/// virtual time, or, on the emulated board, the board's clock, which a transfer then busy-waits.
/// Only the latest conversion is computed (it is the only one a frame can report). The last word of every answer is
/// the output CRC as the datasheet gives it for MODE.CRC_TYPE = 0 (CRC-16-CCITT, 0x1021, seed 0xFFFF, over the
/// response and channel words, in the word's top 16 bits); it is computed here bit by bit, independently of the
/// driver's table. The words it covers and where it sits were checked against Linux's driver for the family
/// (drivers/iio/adc/ti-ads131m0x.c, ads131m_verify_output_crc: crc_itu_t(0xffff) over (channels + 1) x 3 bytes,
/// the received CRC in the first two bytes of the last word). <see cref="CorruptFrames"/> flips one data bit after the CRC is made, as a hit on the SPI line would.
/// </summary>
public sealed class EmulatedAds131m02 : SpiDevice
{
    public const double ReferenceVolts = 1.2;
    public const double ModulatorHz = 4_096_000;
    public static readonly int[] OversamplingByCode = [128, 256, 512, 1024, 2048, 4096, 8192, 16384];

    private const double ByteSeconds = 8.0 / 8_000_000;
    private const double TransferOverheadSeconds = 20e-6;
    /// <summary>How finely a conversion's window is sampled: 5 µs, or 25 µs on a board, where it runs in real time.</summary>
    private double IntegrationStepSeconds => _boardClock is null ? 5e-6 : 25e-6;

    private readonly Func<int, double, double> _volts;
    private readonly Func<double>? _boardClock;
    private readonly Action<double>? _busyWait;
    private readonly int[] _latest = new int[2];
    private readonly bool[] _ready = new bool[2];
    private int _response = -1;
    private ushort _mode = 0x0510;
    private ushort _clock = 0x030E;
    private ushort _gain;
    private double _nextConversion = double.NaN;

    /// <summary>A chip on its own virtual clock, which transfers and <see cref="Advance"/> move on.</summary>
    public EmulatedAds131m02(Func<int, double, double> volts)
    {
        _volts = volts;
    }

    /// <summary>A chip on a board's clock (seconds); a transfer busy-waits the board for its duration.</summary>
    public EmulatedAds131m02(Func<int, double, double> volts, Func<double> boardClock, Action<double> busyWait)
    {
        _volts = volts;
        _boardClock = boardClock;
        _busyWait = busyWait;
        Now = boardClock();
    }

    /// <summary>The chip's time in seconds.</summary>
    public double Now { get; private set; }


    /// <summary>How many of the next answers arrive with a bit flipped (the top bit of channel 0: a full-scale error).</summary>
    public int CorruptFrames { get; set; }

    /// <summary>Answers sent with a flipped bit so far.</summary>
    public int CorruptedFrames { get; private set; }

    /// <summary>CRC-16-CCITT, bit by bit: the datasheet's definition.</summary>
    public static int Crc(ReadOnlySpan<byte> data)
    {
        int crc = 0xFFFF;
        foreach (byte b in data)
        {
            for (int bit = 7; bit >= 0; bit--)
            {
                bool top = ((crc >> 15) & 1) != ((b >> bit) & 1);
                crc = (crc << 1) & 0xFFFF;
                if (top)
                {
                    crc ^= 0x1021;
                }
            }
        }

        return crc;
    }

    /// <summary>False for a chip whose CLKIN oscillator is dead: it answers commands but never converts.</summary>
    public bool Clocked { get; set; } = true;

    public ushort Mode => _mode;

    public ushort ClockRegister => _clock;

    public ushort GainRegister => _gain;

    public int Oversampling => OversamplingByCode[(_clock >> 2) & 7];

    public double PeriodSeconds => Oversampling / ModulatorHz;

    public int GainOf(int channel) => 1 << ((_gain >> (4 * channel)) & 7);

    public bool Enabled(int channel) => (_clock & (0x100 << channel)) != 0;

    public override SpiConnectionSettings ConnectionSettings { get; } = new(1, 23) { Mode = System.Device.Spi.SpiMode.Mode1 };

    /// <summary>Lets time pass without bus traffic.</summary>
    public void Advance(double seconds)
    {
        Now += seconds;
        Convert();
    }

    /// <summary>The code of a voltage on a channel: two's complement, 1.2 V / gain full scale, clipped.</summary>
    public int CodeOf(int channel, double v)
    {
        double code = Math.Round(v * GainOf(channel) / ReferenceVolts * (1 << 23));
        return (int)Math.Clamp(code, -(1 << 23), (1 << 23) - 1);
    }

    public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        double duration = (writeBuffer.Length * ByteSeconds) + TransferOverheadSeconds;
        if (_boardClock is null)
        {
            Now += duration;
        }
        else
        {
            _busyWait!(duration);
            Now = _boardClock();
        }

        Convert();

        Span<int> answer = stackalloc int[4];
        answer[0] = (_response < 0 ? Status() : _response) << 8;
        answer[1] = _latest[0] & 0xFFFFFF;
        answer[2] = _latest[1] & 0xFFFFFF;
        _ready[0] = _ready[1] = false;
        Span<byte> words = stackalloc byte[12];
        for (int i = 0; i < 9; i++)
        {
            words[i] = (byte)(answer[i / 3] >> (8 * (2 - (i % 3))));
        }

        int crc = Crc(words[..9]);
        words[9] = (byte)(crc >> 8);
        words[10] = (byte)crc;
        if (CorruptFrames > 0)
        {
            CorruptFrames--;
            CorruptedFrames++;
            words[3] ^= 0x80;
        }

        for (int i = 0; i < readBuffer.Length; i++)
        {
            readBuffer[i] = i < words.Length ? words[i] : (byte)0;
        }

        Execute(writeBuffer);
    }

    public override byte ReadByte() => throw new NotSupportedException("the driver transfers whole frames");

    public override void Read(Span<byte> buffer) => throw new NotSupportedException("the driver transfers whole frames");

    public override void WriteByte(byte value) => throw new NotSupportedException("the driver transfers whole frames");

    public override void Write(ReadOnlySpan<byte> buffer) => throw new NotSupportedException("the driver transfers whole frames");

    private void Execute(ReadOnlySpan<byte> frame)
    {
        int command = (frame[0] << 8) | frame[1];
        if (command == 0x0011)
        {
            _mode = 0x0510;
            _clock = 0x030E;
            _gain = 0;
            _response = 0xFF22;
            Restart();
        }
        else if ((command & 0xE000) == 0xA000)
        {
            _response = ReadRegister((command >> 7) & 0x3F);
        }
        else if ((command & 0xE000) == 0x6000)
        {
            int address = (command >> 7) & 0x3F;
            WriteRegister(address, (ushort)((frame[3] << 8) | frame[4]));
            _response = 0x4000 | (address << 7);
        }
        else
        {
            // NULL: the next frame opens with STATUS as it is when that frame starts.
            _response = -1;
        }
    }

    private int ReadRegister(int address) => address switch
    {
        0x00 => 0x2200,
        0x01 => Status(),
        0x02 => _mode,
        0x03 => _clock,
        0x04 => _gain,
        _ => 0,
    };

    private void WriteRegister(int address, ushort value)
    {
        switch (address)
        {
            case 0x02:
                _mode = value;
                break;
            case 0x03:
                _clock = value;
                Restart();
                break;
            case 0x04:
                _gain = value;
                break;
        }
    }

    /// <summary>STATUS: WLENGTH from MODE, RESET flag from MODE, DRDY1 and DRDY0.</summary>
    private int Status() => (_mode & 0x0300) | ((_mode & 0x0400) != 0 ? 0x0400 : 0) | (_ready[1] ? 2 : 0) | (_ready[0] ? 1 : 0);

    /// <summary>New settings restart the filter: the first conversion after them needs three periods.</summary>
    private void Restart()
    {
        _ready[0] = _ready[1] = false;
        _nextConversion = Now + (3 * PeriodSeconds);
    }

    private void Convert()
    {
        if (!Clocked || double.IsNaN(_nextConversion))
        {
            return;
        }

        double last = double.NaN;
        while (_nextConversion <= Now)
        {
            last = _nextConversion;
            _nextConversion += PeriodSeconds;
        }

        if (double.IsNaN(last))
        {
            return;
        }

        for (int channel = 0; channel < 2; channel++)
        {
            if (Enabled(channel))
            {
                _latest[channel] = CodeOf(channel, MeanInput(channel, last - (3 * PeriodSeconds), last));
                _ready[channel] = true;
            }
        }
    }

    private double MeanInput(int channel, double from, double to)
    {
        int steps = Math.Max(1, (int)Math.Round((to - from) / IntegrationStepSeconds));
        double sum = 0;
        for (int i = 0; i < steps; i++)
        {
            sum += _volts(channel, from + ((i + 0.5) * (to - from) / steps));
        }

        return sum / steps;
    }
}
