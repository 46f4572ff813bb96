// Compile-only declaration: nanoFramework.System.Device.Spi 1.3.89 (nanoframework/System.Device.Spi at v1.3.89: System.Device.Spi/SpiDevice.cs, SpiConnectionSettings.cs, SpiMode.cs).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.

namespace System.Device.Spi
{
    public class SpiDevice : IDisposable
    {
        public SpiDevice(SpiConnectionSettings settings) => throw null;

        public static SpiDevice Create(SpiConnectionSettings settings) => throw null;

        public void TransferFullDuplex(SpanByte writeBuffer, SpanByte readBuffer) => throw null;

        public void Write(ushort[] buffer) => throw null;

        public void Write(SpanByte buffer) => throw null;

        public void Dispose() => throw null;
    }

    public sealed class SpiConnectionSettings
    {
        public SpiConnectionSettings(int busId, int chipSelectLine = -1) => throw null;

        public SpiMode Mode { get => throw null; set => throw null; }

        public int DataBitLength { get => throw null; set => throw null; }

        public int ClockFrequency { get => throw null; set => throw null; }

        public SpiBusConfiguration Configuration { get => throw null; set => throw null; }
    }

    public enum SpiBusConfiguration
    {
        FullDuplex,
        HalfDuplex,
        Simplex,
    }

    public enum SpiMode
    {
        Mode0,
        Mode1,
        Mode2,
        Mode3,
    }
}
