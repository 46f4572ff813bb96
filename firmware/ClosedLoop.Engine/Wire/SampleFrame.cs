using ClosedLoop.Engine.Core;
using ClosedLoop.Engine.Processing;

namespace ClosedLoop.Engine.Wire
{
    /// <summary>
    /// Processed samples batched into compact binary frames, numbered per boot so that a logger can tell a frame
    /// it never got and ask the rig for it again. Layout, little-endian (docs/protocol.md):
    /// <code>
    /// 0  "CLS" magic, 3  version (3), 4  boot id (int64), 12 first cycle (int64), 20 first cycle time µs (int64),
    /// 28 cycle period µs (int32), 32 sample count (uint16), 34 reserved (0), 36 frame number (int64, from 1),
    /// 44 + 21·i: cycle - first cycle (uint16), flags (bit0 valid, bit1 z ready), raw signal, raw control (each the
    /// phase mean minus the dark mean, before filtering), dF/F, z (float32 each), processed after the cycle's end
    /// (µs, uint16, 65535 for that or later)
    /// </code>
    /// Version 2 had 19-byte samples (no processing time), version 1 also no frame number and 36 header bytes;
    /// readers still take both. Sample time = first cycle time + (cycle - first cycle) × period. Writing allocates
    /// nothing.
    /// </summary>
    public sealed class SampleFrameWriter
    {
        public const int Version = 3;
        public const int HeaderBytes = 44;
        public const int SampleBytes = 21;

        /// <summary>Sample bytes of version 1 and 2 frames (no processing time).</summary>
        public const int SampleBytesV2 = 19;

        /// <summary>The latest processing a sample can state (µs after its cycle's end).</summary>
        public const int MaxProcessedAfterUs = 65535;

        /// <summary>The most samples one frame holds: the largest link.sample_batch the schema allows.</summary>
        public const int MaxSamples = 255;

        /// <summary>Samples enough for any frame, for a reader that decodes one frame at a time (allocated once).</summary>
        public static ProcessedSample[] NewReadBuffer()
        {
            ProcessedSample[] samples = new ProcessedSample[MaxSamples];
            for (int i = 0; i < samples.Length; i++)
            {
                samples[i] = new ProcessedSample();
            }

            return samples;
        }

        /// <summary>Header bytes of version 1 frames (no frame number).</summary>
        public const int HeaderBytesV1 = 36;

        private readonly byte[] _buffer;
        private readonly int _capacity;
        private readonly long _bootId;
        private readonly long _periodUs;
        private int _count;
        private long _firstCycle;
        private long _firstTimeUs;
        private long _framePeriodUs;
        private long _sequence;

        public SampleFrameWriter(int samplesPerFrame, long bootId, long periodUs)
        {
            _capacity = samplesPerFrame;
            _bootId = bootId;
            _periodUs = periodUs;
            _buffer = new byte[HeaderBytes + SampleBytes * samplesPerFrame];
        }

        public byte[] Buffer => _buffer;

        /// <summary>Bytes of the frame so far (header included).</summary>
        public int Length => HeaderBytes + SampleBytes * _count;

        public int Count => _count;

        public bool IsFull => _count == _capacity;

        /// <summary>The number of the frame being filled (0 before the first sample): 1, 2, 3 ... per boot.</summary>
        public long Sequence => _sequence;

        /// <summary>
        /// Adds a sample, or returns false when it does not fit: the frame is full, the sample's cycle cannot be
        /// expressed relative to the frame's first one, or its time is not the frame's first time plus whole periods
        /// (the cycle period changed with a config). The caller then sends the frame, clears it and adds again.
        /// A frame's period is the one its first two samples show, so a frame after a change carries the new one.
        /// </summary>
        public bool TryAdd(ProcessedSample sample)
        {
            if (_count == _capacity || (_count > 0 && (sample.CycleIndex - _firstCycle > 65535 || sample.CycleIndex <= _firstCycle)))
            {
                return false;
            }

            if (_count == 1)
            {
                long cycles = sample.CycleIndex - _firstCycle;
                long elapsed = sample.TimeUs - _firstTimeUs;
                if (elapsed <= 0 || elapsed % cycles != 0)
                {
                    return false;
                }

                _framePeriodUs = elapsed / cycles;
                LittleEndian.WriteInt32(_buffer, 28, (int)_framePeriodUs);
            }
            else if (_count > 1 && sample.TimeUs != _firstTimeUs + ((sample.CycleIndex - _firstCycle) * _framePeriodUs))
            {
                return false;
            }

            if (_count == 0)
            {
                _sequence++;
                _firstCycle = sample.CycleIndex;
                _firstTimeUs = sample.TimeUs;
                _framePeriodUs = _periodUs;
                int o = 0;
                _buffer[o++] = (byte)'C';
                _buffer[o++] = (byte)'L';
                _buffer[o++] = (byte)'S';
                _buffer[o++] = Version;
                o = LittleEndian.WriteInt64(_buffer, o, _bootId);
                o = LittleEndian.WriteInt64(_buffer, o, sample.CycleIndex);
                o = LittleEndian.WriteInt64(_buffer, o, sample.TimeUs);
                o = LittleEndian.WriteInt32(_buffer, o, (int)_periodUs);
                LittleEndian.WriteInt16(_buffer, o + 2, 0);
                LittleEndian.WriteInt64(_buffer, o + 4, _sequence);
            }

            int p = HeaderBytes + SampleBytes * _count;
            p = LittleEndian.WriteInt16(_buffer, p, (int)(sample.CycleIndex - _firstCycle));
            _buffer[p++] = (byte)((sample.IsValid ? 1 : 0) | (sample.IsReady ? 2 : 0));
            p = LittleEndian.WriteInt32(_buffer, p, SingleBits.FromDouble(sample.RawSignal));
            p = LittleEndian.WriteInt32(_buffer, p, SingleBits.FromDouble(sample.RawControl));
            p = LittleEndian.WriteInt32(_buffer, p, SingleBits.FromDouble(sample.Dff));
            p = LittleEndian.WriteInt32(_buffer, p, SingleBits.FromDouble(sample.Z));
            long after = sample.ProcessedAfterUs;
            LittleEndian.WriteInt16(_buffer, p, after < 0 ? 0 : after > MaxProcessedAfterUs ? MaxProcessedAfterUs : (int)after);
            _count++;
            LittleEndian.WriteInt16(_buffer, 32, _count);
            return true;
        }

        public void Clear()
        {
            _count = 0;
        }
    }

    /// <summary>Reads frames written by <see cref="SampleFrameWriter"/> (host side).</summary>
    public static class SampleFrameReader
    {
        /// <summary>
        /// Checks a frame and returns null, or what is wrong with it. <paramref name="samples"/> must hold at least
        /// the frame's count; <paramref name="count"/> says how many were filled.
        /// </summary>
        public static string TryRead(byte[] bytes, int length, out long bootId, ProcessedSample[] samples, out int count)
        {
            bootId = 0;
            count = 0;
            if (length < SampleFrameWriter.HeaderBytesV1)
            {
                return "frame of " + length.ToString() + " bytes is shorter than its " + SampleFrameWriter.HeaderBytesV1.ToString() + "-byte header";
            }

            if (bytes[0] != 'C' || bytes[1] != 'L' || bytes[2] != 'S')
            {
                return "not a sample frame (magic is not CLS)";
            }

            int version = bytes[3];
            if (version < 1 || version > SampleFrameWriter.Version)
            {
                return "unknown sample frame version " + bytes[3].ToString();
            }

            int header = HeaderOf(bytes);
            if (length < header)
            {
                return "frame of " + length.ToString() + " bytes is shorter than its " + header.ToString() + "-byte header";
            }

            bootId = LittleEndian.ReadInt64(bytes, 4);
            long firstCycle = LittleEndian.ReadInt64(bytes, 12);
            long firstTime = LittleEndian.ReadInt64(bytes, 20);
            int period = LittleEndian.ReadInt32(bytes, 28);
            int n = LittleEndian.ReadUInt16(bytes, 32);
            int sampleBytes = version < 3 ? SampleFrameWriter.SampleBytesV2 : SampleFrameWriter.SampleBytes;
            if (length != header + n * sampleBytes)
            {
                return "frame says " + n.ToString() + " samples but has " + length.ToString() + " bytes";
            }

            if (n > samples.Length)
            {
                return "frame holds " + n.ToString() + " samples, more than the " + samples.Length.ToString() + " asked for";
            }

            for (int i = 0; i < n; i++)
            {
                int p = header + i * sampleBytes;
                ProcessedSample s = samples[i];
                int delta = LittleEndian.ReadUInt16(bytes, p);
                int flags = bytes[p + 2];
                s.CycleIndex = firstCycle + delta;
                s.TimeUs = firstTime + (long)delta * period;
                s.IsValid = (flags & 1) != 0;
                s.IsReady = (flags & 2) != 0;
                s.RawSignal = SingleBits.ToDouble(LittleEndian.ReadInt32(bytes, p + 3));
                s.RawControl = SingleBits.ToDouble(LittleEndian.ReadInt32(bytes, p + 7));
                s.Signal = double.NaN;
                s.Control = double.NaN;
                s.Dff = SingleBits.ToDouble(LittleEndian.ReadInt32(bytes, p + 11));
                s.Z = SingleBits.ToDouble(LittleEndian.ReadInt32(bytes, p + 15));
                s.Fitted = double.NaN;
                s.ProcessedAfterUs = version < 3 ? 0 : LittleEndian.ReadUInt16(bytes, p + 19);
            }

            count = n;
            return null;
        }

        /// <summary>The frame's cycle period (µs), or 0 for bytes too short to say.</summary>
        public static long PeriodOf(byte[] bytes, int length)
        {
            return length < SampleFrameWriter.HeaderBytesV1 ? 0 : LittleEndian.ReadInt32(bytes, 28);
        }

        /// <summary>The frame's number (1, 2, 3 ... per boot), or 0 for a version 1 frame or bytes too short to say.</summary>
        public static long SequenceOf(byte[] bytes, int length)
        {
            if (length < SampleFrameWriter.HeaderBytes || bytes[3] == 1)
            {
                return 0;
            }

            return LittleEndian.ReadInt64(bytes, SampleFrameWriter.HeaderBytesV1);
        }

        private static int HeaderOf(byte[] bytes)
        {
            return bytes[3] == 1 ? SampleFrameWriter.HeaderBytesV1 : SampleFrameWriter.HeaderBytes;
        }
    }
}
