// Compile-only declaration: nanoFramework.Hardware.Esp32 1.6.40 (nanoframework/nanoFramework.Hardware.Esp32 at v1.6.40: nanoFramework.Hardware.Esp32/HighResTimer.cs, Configuration.cs, DeviceTypePins.cs).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.

namespace nanoFramework.Hardware.Esp32
{
    public class HighResTimer : System.IDisposable
    {
        public HighResTimer() => throw null;

        public static ulong GetCurrent() => throw null;

        public void Dispose() => throw null;
    }

    public class Configuration
    {
        public static void SetPinFunction(int pin, DeviceFunction value) => throw null;
    }

    /// <summary>Device type (bits 16 up) + device index (bits 8 up) + pin role, as DeviceTypePins.cs composes them.</summary>
    public enum DeviceFunction
    {
        SPI1_MOSI = 0x10100,
        SPI1_MISO = 0x10101,
        SPI1_CLOCK = 0x10102,
        I2C1_DATA = 0x20100,
        I2C1_CLOCK = 0x20101,
    }
}
