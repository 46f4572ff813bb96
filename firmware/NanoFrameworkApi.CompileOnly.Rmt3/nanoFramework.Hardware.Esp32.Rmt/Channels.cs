// Compile-only declaration: nanoFramework.Hardware.Esp32.Rmt 3.0 (nanoframework/nanoFramework.Hardware.Esp32.Rmt at e45c5d9, PR 128: RmtChannel.cs, TransmiterEncodedChannel.cs, TransmitterChannel.cs, ReceiverChannel.cs, EncoderSettings.cs, CopyEncoderSettings.cs, EncoderData.cs, RmtSymbol.cs, RmtSymbols.cs).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Only what the board calls: the real
// classes also have ByteEncoderSettings, LedTransmitChannel, TransmitSyncManager, RmtUtils, Send(RmtSymbols),
// Receive() and setters that reconfigure a live channel. What the native half does with each call is written in the
// board's emulation (tests/ClosedLoop.Board.Rmt3.Tests) from nf-interpreter PR 3510's sources.

using System;
using System.Collections;

namespace nanoFramework.Hardware.Esp32.Rmt
{
    public abstract class RmtChannel
    {
        protected RmtChannel(RmtChannelSettings settings) => throw null;
    }

    public class TransmitterEncodedChannel : RmtChannel, IDisposable
    {
        public TransmitterEncodedChannel(TransmitChannelSettings settings, EncoderSettings[] encoderSettings) : base(settings) => throw null;

        /// <summary>Sets each data-needing step's items and loop count (once: a step that has items keeps them) and starts; waits for the end only if asked.</summary>
        public void SendWithEncoders(EncoderData[] encoderData, bool waitTxDone) => throw null;

        /// <summary>rmt_disable + rmt_del_channel: on the base ESP32 the transmission stops where the transmitter next passes the start of its memory.</summary>
        public void Dispose() => throw null;
    }

    public class TransmitterChannel : TransmitterEncodedChannel, IDisposable
    {
        public TransmitterChannel(TransmitChannelSettings settings) : base(settings, null) => throw null;

        /// <summary>Waits for the channel's previous transmission to end (forever, for an endless one), copies the items and starts them.</summary>
        public void SendData(byte[] data, bool waitTxDone) => throw null;
    }

    public class ReceiverChannel : RmtChannel, IDisposable
    {
        public ReceiverChannel(ReceiverChannelSettings settings) : base(settings) => throw null;

        public void Start() => throw null;

        public void Stop() => throw null;

        /// <summary>What the receiver handed over since the last call (the line idle past IdleThreshold), or null.</summary>
        public RmtSymbols TryGetReceivedSymbols() => throw null;

        public void Dispose() => throw null;
    }

    public abstract class EncoderSettings
    {
        // The real constructor takes the encoder's type (the public enum EncoderType: None, Copy, Byte).
        internal EncoderSettings() => throw null;
    }

    public class CopyEncoderSettings : EncoderSettings
    {
        public CopyEncoderSettings(RmtSymbols symbols = null) : base() => throw null;
    }

    public class EncoderData
    {
        public EncoderData(byte[] data, int loop = 1) => throw null;
    }

    public class RmtSymbol
    {
        public ushort Duration0 { get => throw null; set => throw null; }

        public ushort Duration1 { get => throw null; set => throw null; }

        public bool Level0 { get => throw null; set => throw null; }

        public bool Level1 { get => throw null; set => throw null; }
    }

    public class RmtSymbols : IEnumerable
    {
        public int Count => throw null;

        public RmtSymbol this[int index] { get => throw null; set => throw null; }

        public IEnumerator GetEnumerator() => throw null;
    }
}
