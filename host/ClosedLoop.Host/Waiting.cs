namespace ClosedLoop.Host;

/// <summary>
/// The host's one way to wait for what another party brings about (a broker's acknowledgement, a rig's answer, a
/// logger catching up): it looks, does <c>eachRound</c> (pump a link, say), and looks again after a pause, until
/// the condition holds or the patience has passed on <c>time</c>'s clock.
/// </summary>
public static class Waiting
{
    /// <summary>True as soon as <paramref name="condition"/> holds; false once <paramref name="patience"/> has passed without it.</summary>
    public static Task<bool> UntilAsync(
        Func<bool> condition,
        TimeSpan patience,
        TimeSpan pause,
        Action? eachRound = null,
        TimeProvider? time = null,
        CancellationToken cancellationToken = default) =>
        UntilAsync(() => Task.FromResult(condition()), patience, pause, eachRound, time, cancellationToken);

    /// <summary>As above, for a condition that asks someone (and so must be awaited).</summary>
    public static async Task<bool> UntilAsync(
        Func<Task<bool>> condition,
        TimeSpan patience,
        TimeSpan pause,
        Action? eachRound = null,
        TimeProvider? time = null,
        CancellationToken cancellationToken = default)
    {
        time ??= TimeProvider.System;
        long started = time.GetTimestamp();
        while (true)
        {
            eachRound?.Invoke();
            if (await condition().ConfigureAwait(false))
            {
                return true;
            }

            if (time.GetElapsedTime(started) >= patience)
            {
                return false;
            }

            await Task.Delay(pause, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
