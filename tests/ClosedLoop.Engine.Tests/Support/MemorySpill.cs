namespace ClosedLoop.Engine.Tests.Support;

/// <summary>A spill store in memory, which can be told to fail or be corrupted.</summary>
public sealed class MemorySpill : IEventSpillStore
{
    private readonly List<byte> _bytes = [];

    public bool Fail { get; set; }

    public int Clears { get; private set; }

    public long Length => _bytes.Count;

    public bool Append(byte[] buffer, int offset, int count)
    {
        if (Fail)
        {
            return false;
        }

        _bytes.AddRange(buffer.Skip(offset).Take(count));
        return true;
    }

    public int Read(long position, byte[] buffer, int offset, int count)
    {
        int n = (int)Math.Min(count, _bytes.Count - position);
        _bytes.CopyTo((int)position, buffer, offset, n);
        return n;
    }

    public void Clear()
    {
        Clears++;
        _bytes.Clear();
    }

    public void Corrupt(long position) => _bytes[(int)position] ^= 0xFF;
}
