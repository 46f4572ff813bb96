// Compile-only declaration: nanoFramework.Hardware.Esp32.Rmt 2.0.51 (nanoframework/nanoFramework.Hardware.Esp32.Rmt at v2.0.51: nanoFramework.Hardware.Esp32.Rmt/RmtChannelSettings.cs, TransmitChannelSettings.cs, ReceiverChannelSettings.cs).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.

using System;

namespace nanoFramework.Hardware.Esp32.Rmt
{
    public abstract class RmtChannelSettings
    {
        /// <param name="channel">0-7, or -1 for the lowest channel without a driver (memory blocks not considered).</param>
        protected RmtChannelSettings(int channel, int pinNumber) => throw null;

        public byte ClockDivider { get => throw null; set => throw null; }

        public byte NumberOfMemoryBlocks { get => throw null; set => throw null; }

        public int BufferSize { get => throw null; set => throw null; }
    }

    public sealed class TransmitChannelSettings : RmtChannelSettings
    {
        public TransmitChannelSettings(int channel, int pinNumber) : base(channel, pinNumber) => throw null;

        public bool EnableCarrierWave { get => throw null; set => throw null; }

        public bool EnableLooping { get => throw null; set => throw null; }

        public bool EnableIdleLevelOutput { get => throw null; set => throw null; }

        public bool IdleLevel { get => throw null; set => throw null; }
    }

    public sealed class ReceiverChannelSettings : RmtChannelSettings
    {
        public ReceiverChannelSettings(int channel, int pinNumber) : base(channel, pinNumber) => throw null;

        public ushort IdleThreshold { get => throw null; set => throw null; }

        public bool EnableFilter { get => throw null; set => throw null; }

        public TimeSpan ReceiveTimeout { get => throw null; set => throw null; }
    }
}
