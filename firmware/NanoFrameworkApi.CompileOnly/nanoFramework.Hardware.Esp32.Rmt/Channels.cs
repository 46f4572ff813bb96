// Compile-only declaration: nanoFramework.Hardware.Esp32.Rmt 2.0.51 (nanoframework/nanoFramework.Hardware.Esp32.Rmt at v2.0.51: nanoFramework.Hardware.Esp32.Rmt/RmtChannel.cs, TransmitterChannel.cs, ReceiverChannel.cs, RmtCommand.cs).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.
// Only what the board calls: the real RmtChannel also has Mode, Channel, Pin and setters that reconfigure a live channel,
// and TransmitterChannel has IsChannelIdle, which reports whether idle output is enabled (so the board never asks it).

using System;

namespace nanoFramework.Hardware.Esp32.Rmt
{
    public abstract class RmtChannel
    {
        protected RmtChannel(RmtChannelSettings settings) => throw null;
    }

    public class TransmitterChannel : RmtChannel, IDisposable
    {
        public TransmitterChannel(TransmitChannelSettings settings) : base(settings) => throw null;

        /// <summary>Waits for the driver's previous transmission to end (forever, if it loops) after overwriting the buffer it may still read.</summary>
        public void SendData(byte[] data, bool waitTxDone) => throw null;

        /// <summary>Uninstalls the driver; the hardware goes on transmitting.</summary>
        public void Dispose() => throw null;
    }

    public class ReceiverChannel : RmtChannel, IDisposable
    {
        public ReceiverChannel(ReceiverChannelSettings settings) : base(settings) => throw null;

        public void Start(bool clearBuffer) => throw null;

        public void Stop() => throw null;

        public RmtCommand[] GetAllItems() => throw null;

        public void Dispose() => throw null;
    }

    public class RmtCommand
    {
        public RmtCommand(ushort duration1, bool level1, ushort duration2, bool level2) => throw null;

        public ushort Duration0 { get => throw null; set => throw null; }

        public bool Level0 { get => throw null; set => throw null; }

        public ushort Duration1 { get => throw null; set => throw null; }

        public bool Level1 { get => throw null; set => throw null; }
    }
}
