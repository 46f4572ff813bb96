// Compile-only declaration: nanoFramework.System.IO.FileSystem 1.1.93 (nanoframework/System.IO.FileSystem at v1.1.93: System.IO.FileSystem/File.cs, FileStream.cs, FileMode.cs, FileAccess.cs).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.

namespace System.IO
{
    public static class File
    {
        public static bool Exists(string path) => throw null;
    }

    public class FileStream : Stream
    {
        public FileStream(string path, FileMode mode, FileAccess access) => throw null;

        public override bool CanRead => throw null;

        public override bool CanSeek => throw null;

        public override bool CanWrite => throw null;

        public override long Length => throw null;

        public override long Position { get => throw null; set => throw null; }

        public override void Flush() => throw null;

        public override long Seek(long offset, SeekOrigin origin) => throw null;

        public override void SetLength(long value) => throw null;

        /// <summary>Throws NotImplementedException in the real 1.1.93: use the array overload.</summary>
        public override int Read(SpanByte buffer) => throw null;

        public override int Read(byte[] buffer, int offset, int count) => throw null;

        public override void Write(byte[] buffer, int offset, int count) => throw null;
    }

    public enum FileMode
    {
        CreateNew = 1,
        Create = 2,
        Open = 3,
        OpenOrCreate = 4,
        Truncate = 5,
        Append = 6,
    }

    [Flags]
    public enum FileAccess
    {
        Read = 1,
        Write = 2,
        ReadWrite = 3,
    }
}
