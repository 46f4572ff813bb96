// Compile-only declaration: nanoFramework.Hardware.Esp32.Rmt 2.0.51 (nanoframework/nanoFramework.Hardware.Esp32.Rmt: RmtChannel.cs, TransmitterChannel.cs, ReceiverChannel.cs, RmtCommand.cs).
// Signatures as in the public nanoFramework sources, no behaviour. Never deployed: the .nfproj uses the real package.

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

        public bool IsChannelIdle => throw null;

        public void SendData(byte[] data, bool waitTxDone) => throw null;

        public void Dispose() => throw null;
    }

    public class ReceiverChannel : RmtChannel
    {
        public ReceiverChannel(ReceiverChannelSettings settings) : base(settings) => throw null;

        public void Start(bool clearBuffer) => throw null;

        public void Stop() => throw null;

        public RmtCommand[] GetAllItems() => throw null;
    }

    public class RmtCommand
    {
        internal RmtCommand() => throw null;

        public ushort Duration0 => throw null;

        public bool Level0 => throw null;

        public ushort Duration1 => throw null;

        public bool Level1 => throw null;
    }
}
