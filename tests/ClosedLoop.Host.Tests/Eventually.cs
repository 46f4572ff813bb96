namespace ClosedLoop.Host.Tests;

/// <summary>
/// The tests' one way to wait for something another thread or process brings about (a broker, a logger, a rig, a
/// browser). It polls, ends as soon as the condition holds, and gives up only after a patience long enough for a
/// two-core machine busy with something else: a slow machine makes a test slower, never red. The polling is the
/// host's own (<see cref="ClosedLoop.Host.Waiting"/>); this adds the tests' patience and the failure message.
/// </summary>
public static class Eventually
{
    /// <summary>How long a test waits unless it says otherwise.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(25);

    /// <summary>Waits until <paramref name="condition"/> holds; false if it still does not after the patience.
    /// <paramref name="eachRound"/> runs before every look (to pump a rig, say).</summary>
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan? patience = null, Action? eachRound = null) =>
        await UntilAsync(() => Task.FromResult(condition()), patience, eachRound);

    /// <summary>As <see cref="UntilAsync(Func{bool}, TimeSpan?, Action?)"/>, for a condition that must be awaited.</summary>
    public static Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan? patience = null, Action? eachRound = null) =>
        ClosedLoop.Host.Waiting.UntilAsync(condition, patience ?? Patience, Interval, eachRound);

    /// <summary>Waits until <paramref name="condition"/> holds and fails the test with <paramref name="explain"/> if it never does.</summary>
    public static async Task HoldsAsync(Func<bool> condition, Func<string> explain, TimeSpan? patience = null, Action? eachRound = null) =>
        Assert.True(await UntilAsync(condition, patience, eachRound), "timed out: " + explain());

    /// <summary>As <see cref="HoldsAsync(Func{bool}, Func{string}, TimeSpan?, Action?)"/>, for a condition that must be awaited.</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, Func<string> explain, TimeSpan? patience = null, Action? eachRound = null) =>
        Assert.True(await UntilAsync(condition, patience, eachRound), "timed out: " + explain());
}
