using System.Device.Spi;

namespace ClosedLoop.Firmware.Tests.Support;

/// <summary>
/// An MCP4822 dual 12-bit DAC as Microchip's datasheet (DS20002249) gives its write command: one 16-bit word per
/// chip-select frame, MSB first; bit 15 picks the channel (0 = A), bit 14 is ignored, bit 13 (/GA) sets gain 1 when set
/// and 2 when clear, bit 12 (/SHDN) runs the output when set and shuts it down (0 V through 500 kΩ) when clear, bits
/// 11-0 are the code; with /LDAC tied low the output takes the word as chip select rises. Vout = 2.048 V × gain ×
/// code / 4096, no higher than Vdd (3.3 V on the rig board). It only listens (it has no data out), so a read is refused.
/// Stricter than the part where that helps a test: a frame that is not exactly two bytes is refused (the part would
/// act on a short or long frame in ways the driver must never rely on). Both outputs start shut down: the firmware sets
/// both channels before any LED window, so no test depends on the part's power-on state, which this does not claim.
/// The command bits were checked against a second reading of the datasheet, an mbed driver's (A 0x00, B 0x80, gain 1x
/// 0x20, output on 0x10 in the high byte).
/// </summary>
public sealed class EmulatedMcp4822 : SpiDevice
{
    public const double ReferenceVolts = 2.048;
    public const double SupplyVolts = 3.3;

    private readonly int[] _codes = new int[2];
    private readonly bool[] _active = new bool[2];
    private readonly int[] _gains = [1, 1];

    public EmulatedMcp4822(SpiConnectionSettings settings)
    {
        ConnectionSettings = settings;
    }

    public override SpiConnectionSettings ConnectionSettings { get; }

    /// <summary>Every word written, in order.</summary>
    public List<ushort> Words { get; } = [];

    public int CodeOf(int channel) => _codes[channel];

    public bool IsActive(int channel) => _active[channel];

    public int GainOf(int channel) => _gains[channel];

    /// <summary>The output of a channel (0 = A), in volts.</summary>
    public double OutputVolts(int channel) =>
        _active[channel] ? Math.Min(SupplyVolts, ReferenceVolts * _gains[channel] * _codes[channel] / 4096.0) : 0;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (buffer.Length != 2)
        {
            throw new InvalidOperationException($"an MCP4822 frame is one 16-bit word; {buffer.Length} bytes were sent");
        }

        var word = (ushort)((buffer[0] << 8) | buffer[1]);
        lock (Words)
        {
            Words.Add(word);
            int channel = (word >> 15) & 1;
            _gains[channel] = (word & 0x2000) != 0 ? 1 : 2;
            _active[channel] = (word & 0x1000) != 0;
            _codes[channel] = word & 0x0FFF;
        }
    }

    public override byte ReadByte() => throw new NotSupportedException("the MCP4822 has no data out");

    public override void Read(Span<byte> buffer) => throw new NotSupportedException("the MCP4822 has no data out");

    public override void WriteByte(byte value) => throw new InvalidOperationException("an MCP4822 frame is one 16-bit word; 1 byte was sent");

    public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) => throw new NotSupportedException("the MCP4822 has no data out");
}
