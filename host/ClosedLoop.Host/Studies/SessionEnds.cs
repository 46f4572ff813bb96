namespace ClosedLoop.Host.Studies;

/// <summary>What may happen to a running session of a slot now.</summary>
public enum SessionEnd
{
    /// <summary>It goes on.</summary>
    Run,

    /// <summary>Its minutes are up and, if live-yoked, its partners' sessions are over and relayed: stop it.</summary>
    Stop,

    /// <summary>Live-yoked, its minutes up long ago, but a partner's session end never came: stop it, warning that trains may be missing.</summary>
    StopUnfed,
}

/// <summary>
/// When each session of a slot ends. Every session runs its minutes on its rig's own clock. A live-yoked rig's runs
/// longer when it must: until its partners' sessions have ended, the relay has sent every train of them, and its own
/// session is as long as theirs were. Rig clocks drift apart (a busy host, a slow link), so a yoked session stopped
/// at its own minutes could end before its partner's last trains; one that waited for ever would never end if the
/// partner's end were lost, hence <paramref name="patience"/> after its minutes.
/// </summary>
/// <param name="followers">Each partner rig and the rigs yoked to it live.</param>
public sealed class SessionEnds(long durationUs, IReadOnlyDictionary<string, IReadOnlyList<string>> followers, TimeSpan patience)
{
    private readonly Dictionary<string, DateTime> _minutesUpSince = [];
    private readonly HashSet<string> _stopped = [];

    public int StoppedCount => _stopped.Count;

    public bool IsStopped(string rig) => _stopped.Contains(rig);

    public void MarkStopped(string rig) => _stopped.Add(rig);

    /// <summary>The partner rigs whose trains <paramref name="rig"/> receives live.</summary>
    public IReadOnlyList<string> PartnersOf(string rig) => [.. followers.Where(f => f.Value.Contains(rig)).Select(f => f.Key)];

    /// <param name="elapsedUs">How long the rig's session has run on its own clock.</param>
    /// <param name="relayedLengthUs">How long a partner's session lasted, once the relay has sent all of it; null before.</param>
    public SessionEnd Judge(string rig, long elapsedUs, Func<string, long?> relayedLengthUs, DateTime now)
    {
        if (!_minutesUpSince.TryGetValue(rig, out var since))
        {
            if (elapsedUs < durationUs)
            {
                return SessionEnd.Run;
            }

            _minutesUpSince[rig] = since = now;
        }

        bool fed = PartnersOf(rig).All(partner => _stopped.Contains(partner) && relayedLengthUs(partner) <= elapsedUs);
        return fed ? SessionEnd.Stop : now - since < patience ? SessionEnd.Run : SessionEnd.StopUnfed;
    }
}
