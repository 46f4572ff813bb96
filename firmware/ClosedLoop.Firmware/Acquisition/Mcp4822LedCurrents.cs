using System.Device.Spi;

namespace ClosedLoop.Firmware.Acquisition
{
    /// <summary>
    /// The MCP4822 that sets the two LEDs' currents (channel A the signal LED, B the control LED), on the converter's
    /// SPI bus with a chip select of its own. Each write is one 16-bit word, MSB first (Microchip DS20002249, "Write
    /// Command Register"): bit 15 the channel (0 = A), bit 13 /GA (1 = gain 1), bit 12 /SHDN (0 = output off, pulled to
    /// ground through 500 kΩ), bits 11-0 the code; the output changes when chip select rises, as /LDAC is tied low.
    /// The same source compiles against nanoFramework's SpiDevice (SpanByte) and dotnet/iot's (spans of byte).
    /// </summary>
    public sealed class Mcp4822LedCurrents
    {
        public const int ChannelB = 0x8000;
        public const int GainOne = 0x2000;
        public const int Active = 0x1000;

        private readonly SpiDevice _device;
        private readonly byte[] _word = new byte[2];

        public Mcp4822LedCurrents(SpiDevice device)
        {
            _device = device;
        }

        /// <summary>Sets each LED's current for while it is lit (the excitation switch still decides when).</summary>
        public void Set(double signalMilliamps, double controlMilliamps)
        {
            Write(0, GainOne | Active | LedCurrentLoop.CodeFor(signalMilliamps));
            Write(ChannelB, GainOne | Active | LedCurrentLoop.CodeFor(controlMilliamps));
        }

        /// <summary>Both outputs shut down: no setpoint, whatever the excitation switches do.</summary>
        public void Off()
        {
            Write(0, GainOne);
            Write(ChannelB, GainOne);
        }

        private void Write(int channel, int word)
        {
            word |= channel;
            _word[0] = (byte)(word >> 8);
            _word[1] = (byte)word;
            _device.Write(_word);
        }
    }
}
