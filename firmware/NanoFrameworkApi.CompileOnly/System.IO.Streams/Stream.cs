// Compile-only declaration: nanoFramework.System.IO.Streams 1.1.96 (nanoframework/System.IO.Streams at v1.1.96: System.IO.Streams/Stream.cs, SeekOrigin.cs).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.

namespace System.IO
{
    public abstract class Stream : MarshalByRefObject, IDisposable
    {
        protected Stream() => throw null;

        public abstract bool CanRead { get; }

        public abstract bool CanSeek { get; }

        public abstract bool CanWrite { get; }

        public abstract long Length { get; }

        public abstract long Position { get; set; }

        public void Dispose() => throw null;

        public abstract void Flush();

        public abstract long Seek(long offset, SeekOrigin origin);

        public abstract void SetLength(long value);

        public abstract int Read(SpanByte buffer);

        public abstract int Read(byte[] buffer, int offset, int count);

        public abstract void Write(byte[] buffer, int offset, int count);
    }

    public enum SeekOrigin
    {
        Begin = 0,
        Current = 1,
        End = 2,
    }
}
