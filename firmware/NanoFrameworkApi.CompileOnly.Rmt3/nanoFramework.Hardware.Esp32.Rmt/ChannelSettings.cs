// Compile-only declaration: nanoFramework.Hardware.Esp32.Rmt 3.0 (nanoframework/nanoFramework.Hardware.Esp32.Rmt at e45c5d9, PR 128: RmtChannelSettings.cs, TransmitChannelSettings.cs, ReceiverChannelSettings.cs).
// Signatures as there; no behaviour. Units and defaults there: ResolutionHz 1,000,000; one memory block; the carrier
// off (2.x had it on); IdleThreshold 12,000,000 ns and FilterThreshold 1,200 ns (2.x: ticks); EnableDemodulation on,
// which the base ESP32 refuses (CLR_E_NOT_SUPPORTED).

using System;

namespace nanoFramework.Hardware.Esp32.Rmt
{
    public abstract class RmtChannelSettings
    {
        protected RmtChannelSettings(int pinNumber) => throw null;

        public int ResolutionHz { get => throw null; set => throw null; }

        public byte NumberOfMemoryBlocks { get => throw null; set => throw null; }
    }

    public sealed class TransmitChannelSettings : RmtChannelSettings
    {
        public TransmitChannelSettings(int pinNumber) : base(pinNumber) => throw null;

        public bool EnableCarrierWave { get => throw null; set => throw null; }

        public bool EnableIdleLevelOutput { get => throw null; set => throw null; }

        public bool IdleLevel { get => throw null; set => throw null; }
    }

    public sealed class ReceiverChannelSettings : RmtChannelSettings
    {
        public ReceiverChannelSettings(int pinNumber) : base(pinNumber) => throw null;

        public uint IdleThreshold { get => throw null; set => throw null; }

        public uint FilterThreshold { get => throw null; set => throw null; }

        public TimeSpan ReceiveTimeout { get => throw null; set => throw null; }

        public bool EnableDemodulation { get => throw null; set => throw null; }

        public int BufferSize { get => throw null; set => throw null; }
    }
}
