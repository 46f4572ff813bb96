namespace ClosedLoop.Engine.Core
{
    /// <summary>
    /// The rig's one clock: microseconds since an arbitrary epoch (boot on the board, zero in simulation).
    /// Every engine decision reads time from here, never from the wall clock, so runs are reproducible.
    /// </summary>
    public interface IClock
    {
        long NowMicros { get; }
    }
}
