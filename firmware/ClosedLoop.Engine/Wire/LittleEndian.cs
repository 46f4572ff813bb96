namespace ClosedLoop.Engine.Wire
{
    /// <summary>Little-endian integers into and out of byte arrays, without allocating.</summary>
    internal static class LittleEndian
    {
        public static int WriteInt16(byte[] b, int o, int v)
        {
            b[o] = (byte)v;
            b[o + 1] = (byte)(v >> 8);
            return o + 2;
        }

        public static int WriteInt32(byte[] b, int o, int v)
        {
            b[o] = (byte)v;
            b[o + 1] = (byte)(v >> 8);
            b[o + 2] = (byte)(v >> 16);
            b[o + 3] = (byte)(v >> 24);
            return o + 4;
        }

        public static int WriteInt64(byte[] b, int o, long v)
        {
            o = WriteInt32(b, o, (int)v);
            return WriteInt32(b, o, (int)(v >> 32));
        }

        public static int ReadUInt16(byte[] b, int o)
        {
            return b[o] | (b[o + 1] << 8);
        }

        public static int ReadInt32(byte[] b, int o)
        {
            return b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24);
        }

        public static long ReadInt64(byte[] b, int o)
        {
            return (uint)ReadInt32(b, o) | ((long)ReadInt32(b, o + 4) << 32);
        }
    }
}
