namespace ClosedLoop.Host.Logging;

/// <summary>
/// Per rig and boot, the highest sequence below which nothing is missing, and the sequences seen beyond it.
/// A sequence that jumps ahead opens a gap: the logger asks the rig to replay from the first missing one.
/// Thread-safe: the logger's writer updates it while others read it.
/// </summary>
public sealed class GapTracker
{
    /// <summary>Replay requests for one hole before the logger gives up on it (a forged sequence or status, or a rig gone).</summary>
    public const int MaxRequestsPerHole = 10;

    /// <summary>Replay requests for holes that end at one sequence, whatever their start, before that end is given up for good.</summary>
    public const int MaxRequestsPerHoleEnd = 3 * MaxRequestsPerHole;

    private readonly Dictionary<(string Rig, long Boot), Stream> _streams = [];
    private readonly List<(string Rig, long Boot, long From, long To)> _abandoned = [];

    public GapTracker(IReadOnlyDictionary<(string Rig, long Boot), long>? known = null)
    {
        foreach (var (key, high) in known ?? new Dictionary<(string, long), long>())
        {
            _streams[key] = new Stream { High = high };
        }
    }

    /// <summary>Records a stored sequence and the rig time it carried.</summary>
    public void Saw(string rig, long boot, long sequence, long timeUs)
    {
        lock (_streams)
        {
            SawLocked(rig, boot, sequence, timeUs);
        }
    }

    private Stream StreamOf(string rig, long boot)
    {
        if (!_streams.TryGetValue((rig, boot), out var stream))
        {
            stream = new Stream();
            _streams[(rig, boot)] = stream;
        }

        return stream;
    }

    private void SawLocked(string rig, long boot, long sequence, long timeUs)
    {
        var stream = StreamOf(rig, boot);
        stream.LatestUs = Math.Max(stream.LatestUs, timeUs);
        if (sequence <= stream.High)
        {
            return;
        }

        if (sequence == stream.High + 1)
        {
            MoveHighTo(stream, sequence);
        }
        else
        {
            stream.Ahead.Add(sequence);
        }
    }

    /// <summary>Every stream with something missing below what was seen or announced: (rig, boot, contiguous high, latest rig µs).</summary>
    public IReadOnlyList<(string Rig, long Boot, long High, long LatestUs)> Holes()
    {
        lock (_streams)
        {
            return [.. _streams.Where(s => s.Value.Ahead.Count > 0 || s.Value.KnownLast > s.Value.High)
                .Select(s => (s.Key.Rig, s.Key.Boot, s.Value.High, s.Value.LatestUs))];
        }
    }

    /// <summary>
    /// A rig's status says it has journaled up to <paramref name="lastSequence"/>: anything not yet stored up to
    /// there is missing, even when no later event has arrived to show the hole (e.g. lost with a broker restart).
    /// </summary>
    public void Expect(string rig, long boot, long lastSequence, long timeUs)
    {
        lock (_streams)
        {
            var stream = StreamOf(rig, boot);
            stream.KnownLast = Math.Max(stream.KnownLast, lastSequence);
            stream.LatestUs = Math.Max(stream.LatestUs, timeUs);
        }
    }

    /// <summary>
    /// The gaps worth a replay request now: each stream with events beyond a hole (seen, or announced by the rig's
    /// status) that has stood still for <see cref="Grace"/>, not asked about in the last <paramref name="retryAfter"/>.
    /// </summary>
    public IReadOnlyList<(string Rig, long Boot, long FromSequence, long LatestUs)> DueRequests(DateTime now, TimeSpan retryAfter)
    {
        lock (_streams)
        {
            return DueRequestsLocked(now, retryAfter);
        }
    }

    /// <summary>
    /// How long a hole must stand still before it is worth a replay: the broker may simply not have delivered
    /// the rest yet (a restarted logger hears the retained status before its queued events).
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(1);

    private List<(string Rig, long Boot, long FromSequence, long LatestUs)> DueRequestsLocked(DateTime now, TimeSpan retryAfter)
    {
        var due = new List<(string, long, long, long)>();
        foreach (var ((rig, boot), stream) in _streams)
        {
            if (stream.Ahead.Count == 0 && stream.KnownLast <= stream.High)
            {
                stream.GapSince = null;
                continue;
            }

            if (stream.GapSince is null || stream.GapHigh != stream.High)
            {
                // A new hole, or the old one is filling: give the stream time before asking the rig.
                stream.GapSince = now;
                stream.GapHigh = stream.High;
                continue;
            }

            if (now - stream.GapSince < Grace)
            {
                continue;
            }

            // A hole that fills in part is asked about afresh (MaxRequestsPerHole for each start). Its end, the
            // sequence that revealed it, bounds it too: live events arriving in order move the start of a hole that
            // a forged sequence far ahead opened, and each new start would otherwise begin the count again.
            long end = stream.Ahead.Count > 0 ? stream.Ahead.Min - 1 : stream.KnownLast;
            if (stream.RequestedTo != end)
            {
                stream.RequestedTo = end;
                stream.RequestsToEnd = 0;
            }

            if (stream.RequestsToEnd >= MaxRequestsPerHoleEnd)
            {
                // Given up for good: what lies up to the end no longer counts as missing (reported once).
                _abandoned.Add((rig, boot, stream.High + 1, end));
                MoveHighTo(stream, end);
                stream.KnownLast = Math.Max(stream.KnownLast, stream.High);

                stream.GapSince = null;
                stream.RequestedFrom = 0;
                continue;
            }

            if (stream.RequestedFrom != stream.High + 1)
            {
                stream.RequestedFrom = stream.High + 1;
                stream.Requests = 0;
            }
            else if (now - stream.RequestedAt < retryAfter || stream.Requests >= MaxRequestsPerHole)
            {
                continue;
            }

            stream.RequestedAt = now;
            stream.Requests++;
            stream.RequestsToEnd++;
            if (stream.Requests == MaxRequestsPerHole)
            {
                // The last try for this start: after it the hole is reported once and no longer asked about until
                // it moves, so that a forged sequence number or status cannot keep the logger and the rig busy.
                _abandoned.Add((rig, boot, stream.High + 1, end));
            }

            due.Add((rig, boot, stream.High + 1, stream.LatestUs));
        }

        return due;
    }

    /// <summary>Holes given up on since the last call (each reported once), for the log's fault table.</summary>
    public IReadOnlyList<(string Rig, long Boot, long From, long To)> TakeAbandoned()
    {
        lock (_streams)
        {
            var taken = _abandoned.ToList();
            _abandoned.Clear();
            return taken;
        }
    }

    /// <summary>Sequences missing below the highest seen, per stream (for reports and tests).</summary>
    public long Missing(string rig, long boot)
    {
        lock (_streams)
        {
            return _streams.TryGetValue((rig, boot), out var s) && s.Ahead.Count > 0 ? s.Ahead.Max - s.High - s.Ahead.Count : 0;
        }
    }

    /// <summary>The highest sequence of the stream below which everything is stored.</summary>
    public long High(string rig, long boot)
    {
        lock (_streams)
        {
            return _streams.TryGetValue((rig, boot), out var s) ? s.High : 0;
        }
    }

    /// <summary>Everything up to <paramref name="high"/> counts as held, and so does what was seen ahead of it without a hole.</summary>
    private static void MoveHighTo(Stream stream, long high)
    {
        stream.High = Math.Max(stream.High, high);
        stream.Ahead.RemoveWhere(s => s <= stream.High);
        while (stream.Ahead.Remove(stream.High + 1))
        {
            stream.High++;
        }
    }

    private sealed class Stream
    {
        public long High;
        public SortedSet<long> Ahead { get; } = [];
        public long KnownLast;

        /// <summary>The latest rig time heard on this boot: a replay request's deadline counts from it.</summary>
        public long LatestUs;
        public DateTime? GapSince;
        public long GapHigh;
        public long RequestedFrom;
        public long RequestedTo;
        public int Requests;
        public int RequestsToEnd;
        public DateTime RequestedAt;
    }
}
