namespace ClosedLoop.Host.Logging;

/// <summary>
/// Notices two boards that share a rig id: online statuses of two boots of one rig, both fresh, with no offline
/// between. Each rig faults itself (duplicate_rig_id); this is the log's own warning, once per pair of boots, so
/// that the lab sees it even if neither rig's events get through.
/// </summary>
public sealed class OnlineBoots
{
    /// <summary>How recent another boot's online status must be to count as live (rigs repeat theirs every second).</summary>
    public static readonly TimeSpan Live = TimeSpan.FromSeconds(5);

    private readonly Dictionary<string, Dictionary<long, DateTime>> _seen = [];
    private readonly HashSet<(string Rig, long A, long B)> _warned = [];

    /// <summary>Records a status; returns the warning to log when it shows a second live boot of the rig.</summary>
    public string? Warning(RigStatus status, DateTime now)
    {
        string rig = status.Rig;
        long boot = status.Boot;
        bool online = status.Online;
        if (!_seen.TryGetValue(rig, out var boots))
        {
            boots = [];
            _seen[rig] = boots;
        }

        if (!online)
        {
            boots.Remove(boot);
            return null;
        }

        boots[boot] = now;
        foreach (var (other, seen) in boots)
        {
            if (other != boot && now - seen < Live && _warned.Add((rig, Math.Min(boot, other), Math.Max(boot, other))))
            {
                return $"warning: two boards claim rig id {rig}: boots {Math.Min(boot, other)} and {Math.Max(boot, other)} are both online; give each board its own rig.id";
            }
        }

        return null;
    }
}
