// Compile-only declaration: nanoFramework.Hardware.Esp32 1.6.40 (nanoframework/nanoFramework.Hardware.Esp32: Configuration.cs, DeviceFunction.cs; enum members by name only).
// Signatures as in the public nanoFramework sources, no behaviour. Never deployed: the .nfproj uses the real package.

namespace nanoFramework.Hardware.Esp32
{
    public static class Configuration
    {
        public static void SetPinFunction(int gpioNumber, DeviceFunction function) => throw null;
    }

    public enum DeviceFunction
    {
        I2C1_DATA,
        I2C1_CLOCK,
    }
}
