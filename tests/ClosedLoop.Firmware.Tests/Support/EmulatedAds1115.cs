using System.Buffers.Binary;
using System.Device.I2c;

namespace ClosedLoop.Firmware.Tests.Support;

/// <summary>
/// An ADS1115 as its datasheet describes it, on an emulated I2C bus with its own virtual clock: the pointer
/// register selects conversion (0), config (1), lo_thresh (2) or hi_thresh (3); config holds OS, MUX, PGA, MODE,
/// DR and the comparator bits; in single-shot (power-down) mode writing OS = 1 starts one conversion, during
/// which OS reads 0; in continuous mode conversions follow each other at the data rate and the conversion
/// register holds the last finished one. A conversion reports the mean input over its window. Every bus
/// transaction takes the time its bytes need at 400 kHz, so polling loops advance the chip's time as on hardware.
/// </summary>
public sealed class EmulatedAds1115(Func<int, double, double> volts) : I2cDevice
{
    public static readonly int[] DataRates = [8, 16, 32, 64, 128, 250, 475, 860];
    public static readonly double[] FullScale = [6.144, 4.096, 2.048, 1.024, 0.512, 0.256, 0.256, 0.256];

    private const double ByteSeconds = 9.0 / 400_000;

    private int _pointer;
    private ushort _config = 0x8583;
    private ushort _lowThreshold = 0x8000;
    private ushort _highThreshold = 0x7FFF;
    private short _conversion;
    private double _conversionStart = double.NaN;

    /// <summary>The chip's time in seconds.</summary>
    public double Now { get; private set; }

    public int Transactions { get; private set; }

    /// <summary>Conversions finished since start.</summary>
    public int Conversions { get; private set; }

    public ushort Config => _config;

    public int Mux => (_config >> 12) & 7;

    public int Pga => (_config >> 9) & 7;

    public bool SingleShot => (_config & 0x100) != 0;

    public int DataRate => DataRates[(_config >> 5) & 7];

    public override I2cConnectionSettings ConnectionSettings { get; } = new(1, 0x48);

    /// <summary>Lets time pass without bus traffic.</summary>
    public void Advance(double seconds)
    {
        Now += seconds;
        Convert();
    }

    public override byte ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        Read(one);
        return one[0];
    }

    public override void Read(Span<byte> buffer)
    {
        Transfer(buffer.Length);
        ushort value = _pointer switch
        {
            0 => (ushort)_conversion,
            1 => ReadConfig(),
            2 => _lowThreshold,
            _ => _highThreshold,
        };
        Span<byte> register = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(register, value);
        for (int i = 0; i < buffer.Length; i++)
        {
            buffer[i] = register[i % 2];
        }
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        Transfer(buffer.Length);
        if (buffer.Length == 0)
        {
            return;
        }

        _pointer = buffer[0] & 3;
        if (buffer.Length < 3)
        {
            return;
        }

        ushort value = BinaryPrimitives.ReadUInt16BigEndian(buffer[1..3]);
        switch (_pointer)
        {
            case 1:
                WriteConfig(value);
                break;
            case 2:
                _lowThreshold = value;
                break;
            case 3:
                _highThreshold = value;
                break;
        }
    }

    public override void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
    {
        Write(writeBuffer);
        Read(readBuffer);
    }

    private ushort ReadConfig()
    {
        bool converting = !double.IsNaN(_conversionStart);
        return (ushort)(converting ? _config & 0x7FFF : _config | 0x8000);
    }

    private void WriteConfig(ushort value)
    {
        bool start = (value & 0x8000) != 0;
        _config = (ushort)(value & 0x7FFF);
        if (!SingleShot)
        {
            // Continuous: a config write restarts the conversion sequence.
            _conversionStart = Now;
        }
        else if (start && double.IsNaN(_conversionStart))
        {
            _conversionStart = Now;
        }
        else if (!start)
        {
            _conversionStart = double.NaN;
        }
    }

    private void Transfer(int bytes)
    {
        Transactions++;
        Now += (bytes + 1) * ByteSeconds;
        Convert();
    }

    private void Convert()
    {
        double period = 1.0 / DataRate;
        while (!double.IsNaN(_conversionStart) && Now >= _conversionStart + period)
        {
            _conversion = Measure(_conversionStart, _conversionStart + period);
            Conversions++;
            _conversionStart = SingleShot ? double.NaN : _conversionStart + period;
        }
    }

    private short Measure(double from, double to)
    {
        const int points = 16;
        double sum = 0;
        int input = Mux >= 4 ? Mux - 4 : -1;
        for (int i = 0; i < points; i++)
        {
            sum += input < 0 ? 0 : volts(input, from + (to - from) * (i + 0.5) / points);
        }

        double code = Math.Round(sum / points / FullScale[Pga] * 32768);
        return (short)Math.Clamp(code, short.MinValue, short.MaxValue);
    }
}
