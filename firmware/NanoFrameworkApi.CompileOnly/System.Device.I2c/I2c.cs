// Compile-only declaration: nanoFramework.System.Device.I2c 1.1.29 (nanoframework/System.Device.I2c at v1.1.29: System.Device.I2c/I2cDevice.cs, I2cConnectionSettings.cs, I2cBusSpeed.cs, I2cTransferResult.cs, I2cTransferStatus.cs).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.

namespace System.Device.I2c
{
    public class I2cDevice : IDisposable
    {
        public I2cDevice(I2cConnectionSettings settings) => throw null;

        public static I2cDevice Create(I2cConnectionSettings settings) => throw null;

        public I2cTransferResult Read(SpanByte buffer) => throw null;

        public I2cTransferResult Write(SpanByte buffer) => throw null;

        public I2cTransferResult WriteRead(SpanByte writeBuffer, SpanByte readBuffer) => throw null;

        public void Dispose() => throw null;
    }

    public sealed class I2cConnectionSettings
    {
        public I2cConnectionSettings(int busId, int deviceAddress, I2cBusSpeed busSpeed) => throw null;
    }

    public enum I2cBusSpeed
    {
        StandardMode = 0,
        FastMode = 1,
        FastModePlus = 2,
    }

    public struct I2cTransferResult
    {
    }
}
