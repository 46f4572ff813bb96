// Compile-only declaration: nanoFramework.System.Device.I2c 1.1.29 (nanoframework/System.Device.I2c: I2cDevice.cs, I2cConnectionSettings.cs, I2cBusSpeed.cs; enum members by name only).
// Signatures as in the public nanoFramework sources, no behaviour. Never deployed: the .nfproj uses the real package.

namespace System.Device.I2c
{
    public class I2cDevice
    {
        internal I2cDevice() => throw null;

        public static I2cDevice Create(I2cConnectionSettings settings) => throw null;
    }

    public class I2cConnectionSettings
    {
        public I2cConnectionSettings(int busId, int deviceAddress, I2cBusSpeed busSpeed) => throw null;
    }

    public enum I2cBusSpeed
    {
        StandardMode,
        FastMode,
    }
}
