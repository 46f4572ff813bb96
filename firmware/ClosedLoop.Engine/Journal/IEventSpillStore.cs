namespace ClosedLoop.Engine.Journal
{
    /// <summary>
    /// Where events wait when the RAM journal cannot hold them until the broker takes them: on the board a file
    /// on its flash; in tests memory. Records are appended and read back in order.
    /// </summary>
    public interface IEventSpillStore
    {
        /// <summary>Bytes held.</summary>
        long Length { get; }

        /// <summary>Appends bytes; false when they could not be written (nothing is then held of them).</summary>
        bool Append(byte[] buffer, int offset, int count);

        /// <summary>Reads up to <paramref name="count"/> bytes from <paramref name="position"/>; returns how many were read.</summary>
        int Read(long position, byte[] buffer, int offset, int count);

        /// <summary>Forgets everything held.</summary>
        void Clear();
    }
}
