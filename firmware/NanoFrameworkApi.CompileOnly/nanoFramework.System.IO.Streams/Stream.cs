// Compile-only declaration: nanoFramework.System.IO.Streams 1.1.96 (nanoframework/System.IO.Streams: Stream.cs, SeekOrigin.cs; enum members by name only).
// Signatures as in the public nanoFramework sources, no behaviour. Never deployed: the .nfproj uses the real package.

namespace System.IO
{
    public abstract class Stream : IDisposable
    {
        protected Stream() => throw null;

        public abstract long Length { get; }

        public abstract void Flush();

        public abstract int Read(byte[] buffer, int offset, int count);

        public abstract long Seek(long offset, SeekOrigin origin);

        public abstract void Write(byte[] buffer, int offset, int count);

        public void Dispose() => throw null;
    }

    public enum SeekOrigin
    {
        Begin,
        Current,
        End,
    }
}
