namespace ClosedLoop.VirtualRig;

/// <summary>
/// Boot ids for virtual rigs, new at every start as a board's boot counter is: milliseconds since the Unix epoch,
/// strictly increasing within the process. A restarted `rig simulate` therefore never repeats the (rig, boot, seq)
/// keys of the run before it, which the logger would drop as duplicates.
/// </summary>
public static class BootIds
{
    private static long s_last;

    public static long Next()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        while (true)
        {
            long last = Interlocked.Read(ref s_last);
            long next = Math.Max(now, last + 1);
            if (Interlocked.CompareExchange(ref s_last, next, last) == last)
            {
                return next;
            }
        }
    }
}
