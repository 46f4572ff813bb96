// Emulated for the board tests, in the real assemblies' namespaces and signatures (the board application compiles
// against these here, against the compile-only declarations in CI's build, and against the real packages for a board):
// nanoFramework.Hardware.Esp32 1.6.40 (tag v1.6.40: HighResTimer.cs, Configuration.cs, DeviceTypePins.cs),
// nanoFramework.System.Device.Wifi 1.5.147 (NetworkHelper/WifiNetworkHelper.cs, WifiReconnectionKind), System.Device.Adc 1.1.24,
// System.Device.I2c 1.1.29 and, for SPI, dotnet/iot's System.Device.Spi declaration (the ADS131M02 model runs under
// both). Behaviour comes from EmulatedBoard (its clock, pins, converter and network), each member's comment says how.

using ClosedLoop.Board.Tests.Emulation;

namespace nanoFramework.Hardware.Esp32
{
    public class HighResTimer
    {
        public static ulong GetCurrent() => (ulong)EmulatedBoard.Current.NowUs;
    }

    public static class Configuration
    {
        /// <summary>
        /// As nf-interpreter's Esp32_SetMappedDevicePins (targets/ESP32/_common/DeviceMapping_common.cpp): the function
        /// decodes as device type (bits 16-23), bus index + 1 (bits 8-15) and the bus's pin (MOSI 0, MISO 1, CLK 2;
        /// I2C data 0, clock 1); SPI's MOSI and clock and both I2C pins must be output-capable GPIOs (not 34-39), else
        /// the native call fails with CLR_E_INVALID_PARAMETER, an ArgumentException in managed code. MISO may be input-only.
        /// </summary>
        public static void SetPinFunction(int gpioNumber, DeviceFunction function)
        {
            int deviceType = ((int)function >> 16) & 0xFF;
            int pinIndex = (int)function & 0xFF;
            bool outputCapable = gpioNumber is >= 0 and < 34;
            bool needsOutput = deviceType == 2 || (deviceType == 1 && pinIndex != 1);
            if (needsOutput && !outputCapable)
            {
                throw new ArgumentException($"GPIO{gpioNumber} cannot drive {function}");
            }

            EmulatedBoard.Current.MappedPins[function] = gpioNumber;
        }
    }

    /// <summary>The values of v1.6.40's DeviceTypePins.cs (device type × 0x10000 + index × 0x100 + pin), as the firmware passes them.</summary>
    public enum DeviceFunction
    {
        SPI1_MOSI = 0x10100,
        SPI1_MISO = 0x10101,
        SPI1_CLOCK = 0x10102,
        I2C1_DATA = 0x20100,
        I2C1_CLOCK = 0x20101,
    }
}

namespace nanoFramework.Networking
{
    public static class WifiNetworkHelper
    {
        /// <summary>As on the board: blocks until the network is joined, or false when <paramref name="token"/> ends the wait first.</summary>
        public static bool ConnectDhcp(string ssid, string password, System.Device.Wifi.WifiReconnectionKind reconnectionKind = System.Device.Wifi.WifiReconnectionKind.Automatic, bool requiresDateTime = false, int wifiAdapterId = 0, CancellationToken token = default)
        {
            var board = EmulatedBoard.Current;
            while (!board.WifiAvailable && !token.IsCancellationRequested)
            {
                Thread.Sleep(20);
            }

            return board.WifiAvailable;
        }
    }
}

namespace System.Device.Wifi
{
    public enum WifiReconnectionKind
    {
        Automatic,
        Manual,
    }
}

namespace System.Device.Adc
{
    public class AdcController
    {
        public AdcChannel OpenChannel(int channelNumber) => new();
    }

    public class AdcChannel
    {
        internal AdcChannel()
        {
        }

        public int ReadValue() => EmulatedBoard.Current.ReadAdc();
    }
}

namespace System.Device.I2c
{
    /// <summary>The emulated board has no ADS1115 (its driver is tested against an emulated chip elsewhere).</summary>
    public class I2cDevice
    {
        internal I2cDevice()
        {
        }

        public static I2cDevice Create(I2cConnectionSettings settings) => throw new NotSupportedException("no I2C devices on the emulated board");

        public void Read(Span<byte> buffer) => throw new NotSupportedException();

        public void Write(ReadOnlySpan<byte> buffer) => throw new NotSupportedException();

        public void WriteRead(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer) => throw new NotSupportedException();
    }

    public class I2cConnectionSettings(int busId, int deviceAddress, I2cBusSpeed busSpeed)
    {
        public int BusId { get; } = busId;

        public int DeviceAddress { get; } = deviceAddress;

        public I2cBusSpeed BusSpeed { get; } = busSpeed;
    }

    public enum I2cBusSpeed
    {
        StandardMode,
        FastMode,
    }
}

namespace System.Device.Spi
{
    /// <summary>
    /// The SPI device as dotnet/iot declares it (so the ADS131M02 model of the driver tests runs here too); Create
    /// gives the emulated board's converter, wired to its photodiode.
    /// </summary>
    public abstract class SpiDevice : IDisposable
    {
        public abstract SpiConnectionSettings ConnectionSettings { get; }

        public static SpiDevice Create(SpiConnectionSettings settings) => EmulatedBoard.Current.OpenSpi(settings);

        public abstract byte ReadByte();

        public abstract void Read(Span<byte> buffer);

        public abstract void WriteByte(byte value);

        public abstract void Write(ReadOnlySpan<byte> buffer);

        public abstract void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer);

        public void Dispose()
        {
            GC.SuppressFinalize(this);
        }
    }

    public class SpiConnectionSettings(int busId, int chipSelectLine)
    {
        public int BusId { get; } = busId;

        public int ChipSelectLine { get; } = chipSelectLine;

        /// <summary>nanoFramework's (System.Device.Spi v1.3.89), full duplex by default.</summary>
        public SpiBusConfiguration Configuration { get; set; } = SpiBusConfiguration.FullDuplex;

        public SpiMode Mode { get; set; }

        public int DataBitLength { get; set; }

        public int ClockFrequency { get; set; }
    }

    public enum SpiMode
    {
        Mode0,
        Mode1,
        Mode2,
        Mode3,
    }

    public enum SpiBusConfiguration
    {
        FullDuplex,
        HalfDuplex,
        Simplex,
    }
}
