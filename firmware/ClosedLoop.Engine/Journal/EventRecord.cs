using ClosedLoop.Engine.Wire;

namespace ClosedLoop.Engine.Journal
{
    /// <summary>
    /// One journal event as 64 bytes for flash: the slots little-endian, then an FNV-1a checksum of the first 60
    /// bytes so that a record torn by a power cut reads as damaged rather than as a wrong event.
    /// </summary>
    internal static class EventRecord
    {
        public const int Bytes = 64;

        private const int PayloadBytes = 60;

        public static void Write(JournalEvent e, byte[] into, int offset)
        {
            int o = offset;
            o = LittleEndian.WriteInt64(into, o, e.Sequence);
            o = LittleEndian.WriteInt64(into, o, e.TimeUs);
            o = LittleEndian.WriteInt32(into, o, (int)e.Kind);
            o = LittleEndian.WriteInt32(into, o, e.Code);
            o = LittleEndian.WriteInt32(into, o, e.Flags);
            o = LittleEndian.WriteInt64(into, o, e.Ref1);
            o = LittleEndian.WriteInt64(into, o, e.Ref2);
            o = LittleEndian.WriteInt64(into, o, System.BitConverter.DoubleToInt64Bits(e.Value1));
            o = LittleEndian.WriteInt64(into, o, System.BitConverter.DoubleToInt64Bits(e.Value2));
            LittleEndian.WriteInt32(into, o, Checksum(into, offset));
        }

        /// <summary>Reads a record; false (and <paramref name="into"/> untouched) when its checksum does not match.</summary>
        public static bool TryRead(byte[] from, int offset, JournalEvent into)
        {
            if (LittleEndian.ReadInt32(from, offset + PayloadBytes) != Checksum(from, offset))
            {
                return false;
            }

            into.Sequence = LittleEndian.ReadInt64(from, offset);
            into.TimeUs = LittleEndian.ReadInt64(from, offset + 8);
            into.Kind = (EventKind)LittleEndian.ReadInt32(from, offset + 16);
            into.Code = LittleEndian.ReadInt32(from, offset + 20);
            into.Flags = LittleEndian.ReadInt32(from, offset + 24);
            into.Ref1 = LittleEndian.ReadInt64(from, offset + 28);
            into.Ref2 = LittleEndian.ReadInt64(from, offset + 36);
            into.Value1 = System.BitConverter.Int64BitsToDouble(LittleEndian.ReadInt64(from, offset + 44));
            into.Value2 = System.BitConverter.Int64BitsToDouble(LittleEndian.ReadInt64(from, offset + 52));
            return true;
        }

        private static int Checksum(byte[] b, int offset)
        {
            uint hash = 2166136261;
            for (int i = offset; i < offset + PayloadBytes; i++)
            {
                hash = (hash ^ b[i]) * 16777619;
            }

            return (int)hash;
        }
    }
}
