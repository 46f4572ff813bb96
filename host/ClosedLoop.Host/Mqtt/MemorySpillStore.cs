namespace ClosedLoop.Host.Mqtt;

/// <summary>
/// A virtual rig's stand-in for the board's flash: the spill store its <see cref="ClosedLoop.Engine.Wire.PublishQueue"/>
/// moves events and frames to when RAM cannot hold them until the broker takes them. The queue bounds what it holds.
/// </summary>
public sealed class MemorySpillStore : IEventSpillStore
{
    private readonly List<byte> _bytes = [];

    public long Length => _bytes.Count;

    public bool Append(byte[] buffer, int offset, int count)
    {
        _bytes.AddRange(buffer.AsSpan(offset, count));
        return true;
    }

    public int Read(long position, byte[] buffer, int offset, int count)
    {
        int n = (int)Math.Clamp(_bytes.Count - position, 0, count);
        _bytes.CopyTo((int)position, buffer, offset, n);
        return n;
    }

    public void Clear() => _bytes.Clear();
}
