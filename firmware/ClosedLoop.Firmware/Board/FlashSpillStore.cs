using System.IO;
using ClosedLoop.Engine.Journal;

namespace ClosedLoop.Firmware.Board
{
    /// <summary>
    /// Events the broker has not taken, in a file on the board's flash (the engine's <see cref="EventOutbox"/>
    /// decides what goes here and when). One file, kept open; cleared by recreating it once drained.
    /// </summary>
    public sealed class FlashSpillStore : IEventSpillStore
    {
        private readonly string _path;
        private FileStream _stream;

        public FlashSpillStore(string path)
        {
            _path = path;

            // A spill left by the previous boot belongs to that boot's identity, which this boot no longer
            // publishes under; start empty rather than mix the two streams.
            _stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite);
        }

        public long Length
        {
            get { return _stream.Length; }
        }

        public bool Append(byte[] buffer, int offset, int count)
        {
            try
            {
                _stream.Seek(0, SeekOrigin.End);
                _stream.Write(buffer, offset, count);
                _stream.Flush();
                return true;
            }
            catch (IOException)
            {
                return false;
            }
        }

        public int Read(long position, byte[] buffer, int offset, int count)
        {
            try
            {
                _stream.Seek(position, SeekOrigin.Begin);
                return _stream.Read(buffer, offset, count);
            }
            catch (IOException)
            {
                return 0;
            }
        }

        public void Clear()
        {
            _stream.Dispose();
            _stream = new FileStream(_path, FileMode.Create, FileAccess.ReadWrite);
        }
    }
}
