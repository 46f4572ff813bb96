using ClosedLoop.Engine.Detection;
using ClosedLoop.Engine.Processing;

namespace ClosedLoop.Host.WebConsole;

/// <summary>
/// One point of a rig's live trace on the rig's own clock: the mean dF/F of the valid samples of one bin, the mean z
/// of those whose z is ready (null while the rig warms up), and the mean raw light of each channel (counts above dark,
/// as the frames carry it; the control is 0 with one colour).
/// </summary>
public readonly record struct TracePoint(long Number, long TimeUs, double Dff, double? Z, double Signal = 0, double Control = 0);

/// <summary>An encounter as the rig reported it: onset, offset once it ended, and the detector's decision once made.</summary>
public sealed record TraceEncounter(long OnsetUs, long? OffsetUs, string? Outcome, double? PreZ, double? DeltaZ);

/// <summary>A train the rig started (driven or sham), from its start to its planned end.</summary>
public sealed record TraceTrain(long StartUs, long EndUs, string Channel, bool Sham);

/// <summary>How far one page has drawn a rig: its boot, the last point it has and the version of the marks it has.</summary>
public readonly record struct TraceCursor(long Boot, long Number, long Marks);

/// <summary>What the page needs to draw one rig's trace: the points after a cursor and every mark still in view.</summary>
public sealed record TraceUpdate(
    string Rig,
    long Boot,
    bool Restarted,
    IReadOnlyList<TracePoint> Points,
    IReadOnlyList<TraceEncounter> Encounters,
    IReadOnlyList<TraceTrain> Trains,
    double? Threshold,
    long? PostUs);

/// <summary>
/// Every rig's dF/F and z for the last <see cref="KeptUs"/> of its own time, decimated into bins of
/// <see cref="BinUs"/> (means of the bin's valid samples; a 130 Hz rig gives about 6.5 a bin), with its
/// encounters, decisions and trains, for the console's live traces. The page gets only the bins it has not drawn
/// yet, so 8 rigs cost the browser 160 points a second, not 1,040 samples. Fed with the sample frames and events
/// the console's <see cref="Monitor.MonitorState"/> decoded (any thread); nothing here decides anything: outcomes
/// are the rig's own.
/// </summary>
/// <param name="blind">For a blinded study: every train is sent as a train, sham or driven alike.</param>
public sealed class TraceRecorder(bool blind = false) : Monitor.IDecodedListener
{
    /// <summary>One bin: 50 ms, twice finer than a pixel of a 300 s trace on a wide card.</summary>
    public const long BinUs = 50_000;

    /// <summary>The longest window the page offers.</summary>
    public const long KeptUs = 300_000_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, RigTrace> _rigs = new(StringComparer.Ordinal);

    /// <summary>Takes one sample frame's samples; frames of a new boot start the rig's trace afresh.</summary>
    public void OnFrame(string rig, long boot, ProcessedSample[] samples, int count)
    {
        lock (_gate)
        {
            var trace = TraceOf(rig, boot);
            for (int i = 0; i < count; i++)
            {
                if (samples[i].IsValid)
                {
                    trace.Add(samples[i].TimeUs, samples[i].Dff, samples[i].IsReady ? samples[i].Z : double.NaN, samples[i].RawSignal, samples[i].RawControl);
                }
            }
        }
    }

    /// <summary>Takes one event of a rig: encounters, decisions and trains become marks; the rest is not drawn.</summary>
    public void OnEvent(string rig, long boot, JournalEvent e)
    {
        lock (_gate)
        {
            var trace = TraceOf(rig, boot);
            switch (e.Kind)
            {
                case EventKind.EncounterOn:
                    trace.Encounter(e.Ref1);
                    break;
                case EventKind.EncounterOff:
                    trace.Encounter(e.Ref2).OffsetUs = e.Ref1;
                    break;
                case EventKind.Decision:
                    var encounter = trace.Encounter(e.Ref1);
                    encounter.Outcome = EventJson.Outcomes[e.Code];
                    encounter.PreZ = e.Value2;
                    encounter.DeltaZ = e.Value1;
                    break;
                case EventKind.OutputStarted:
                    trace.AddTrain(new TraceTrain(e.TimeUs, e.Ref1, EventJson.Channels[e.Code], !blind && (e.Flags & OutputFlags.Sham) != 0));
                    break;
            }

            trace.Prune();
        }
    }

    /// <summary>Takes the config a rig says it runs: its deficit threshold and response window draw the threshold line.</summary>
    public void TakeAppliedConfig(string rig, byte[] payload)
    {
        var loaded = ConfigLoader.Load(payload, payload.Length);
        if (!loaded.IsValid)
        {
            return;
        }

        lock (_gate)
        {
            if (!_rigs.TryGetValue(rig, out var trace))
            {
                trace = new RigTrace(-1);
                _rigs[rig] = trace;
            }

            trace.Threshold = loaded.Config.Detector.DeficitThreshold;
            trace.PostUs = loaded.Config.Detector.PostUs;
        }
    }

    /// <summary>
    /// For each rig, the points numbered above its cursor in <paramref name="cursors"/> (all of them for a rig not
    /// in it, or after the rig restarted) and its marks; the cursors move to the last point returned.
    /// </summary>
    public IReadOnlyList<TraceUpdate> Since(Dictionary<string, TraceCursor> cursors)
    {
        lock (_gate)
        {
            var updates = new List<TraceUpdate>();
            foreach (var (rig, trace) in _rigs)
            {
                if (trace.Boot < 0)
                {
                    continue;
                }

                bool restarted = !cursors.TryGetValue(rig, out var cursor) || cursor.Boot != trace.Boot;
                long after = restarted ? -1 : cursor.Number;
                var points = trace.Points.Where(p => p.Number > after).ToList();
                if (!restarted && points.Count == 0 && cursor.Marks == trace.MarksVersion)
                {
                    continue;
                }

                cursors[rig] = new TraceCursor(trace.Boot, points.Count > 0 ? points[^1].Number : after, trace.MarksVersion);
                updates.Add(new TraceUpdate(rig, trace.Boot, restarted, points,
                    [.. trace.Encounters.Values.Select(e => new TraceEncounter(e.OnsetUs, e.OffsetUs, e.Outcome, e.PreZ, e.DeltaZ))],
                    [.. trace.Trains], trace.Threshold, trace.PostUs));
            }

            return updates;
        }
    }

    private RigTrace TraceOf(string rig, long boot)
    {
        if (!_rigs.TryGetValue(rig, out var trace) || trace.Boot != boot)
        {
            var fresh = new RigTrace(boot) { Threshold = trace?.Threshold, PostUs = trace?.PostUs };
            _rigs[rig] = fresh;
            return fresh;
        }

        return trace;
    }

    /// <summary>An encounter being filled in by its events.</summary>
    private sealed class OpenEncounter(long onsetUs)
    {
        public long OnsetUs { get; } = onsetUs;

        public long? OffsetUs { get; set; }

        public string? Outcome { get; set; }

        public double? PreZ { get; set; }

        public double? DeltaZ { get; set; }
    }

    /// <summary>One boot of one rig.</summary>
    private sealed class RigTrace(long boot)
    {
        private long _binStart = long.MinValue;
        private int _binCount;
        private int _binReady;
        private double _binDff;
        private double _binZ;
        private double _binSignal;
        private double _binControl;
        private long _nextNumber;
        private long _latestUs = long.MinValue;

        public long Boot { get; } = boot;

        public Queue<TracePoint> Points { get; } = new();

        public SortedDictionary<long, OpenEncounter> Encounters { get; } = [];

        public List<TraceTrain> Trains { get; } = [];

        public double? Threshold { get; set; }

        public long? PostUs { get; set; }

        /// <summary>Counts every change of the encounters and trains, so a page knows when its marks are stale.</summary>
        public long MarksVersion { get; private set; }

        public void AddTrain(TraceTrain train)
        {
            Trains.Add(train);
            MarksVersion++;
        }

        public void Add(long timeUs, double dff, double z, double signal, double control)
        {
            long bin = timeUs - (timeUs % BinUs);
            if (bin != _binStart)
            {
                Close();
                _binStart = bin;
            }

            _latestUs = Math.Max(_latestUs, timeUs);
            _binCount++;
            _binDff += dff;
            _binSignal += signal;
            _binControl += control;
            if (!double.IsNaN(z))
            {
                _binReady++;
                _binZ += z;
            }
        }

        public OpenEncounter Encounter(long onsetUs)
        {
            MarksVersion++;
            if (!Encounters.TryGetValue(onsetUs, out var encounter))
            {
                encounter = new OpenEncounter(onsetUs);
                Encounters[onsetUs] = encounter;
            }

            return encounter;
        }

        /// <summary>Forgets what left the longest window.</summary>
        public void Prune()
        {
            if (_latestUs == long.MinValue)
            {
                return;
            }

            long oldest = _latestUs - KeptUs;
            while (Points.Count > 0 && Points.Peek().TimeUs < oldest)
            {
                Points.Dequeue();
            }

            foreach (long onset in Encounters.Keys.Where(k => (Encounters[k].OffsetUs ?? long.MaxValue) < oldest).ToList())
            {
                Encounters.Remove(onset);
                MarksVersion++;
            }

            if (Trains.RemoveAll(t => t.EndUs < oldest) > 0)
            {
                MarksVersion++;
            }
        }

        /// <summary>The bin just finished becomes a point, stamped with its middle.</summary>
        private void Close()
        {
            if (_binCount > 0)
            {
                Points.Enqueue(new TracePoint(_nextNumber++, _binStart + (BinUs / 2), _binDff / _binCount, _binReady > 0 ? _binZ / _binReady : null, _binSignal / _binCount, _binControl / _binCount));
                _binCount = 0;
                _binSignal = 0;
                _binControl = 0;
                _binReady = 0;
                _binDff = 0;
                _binZ = 0;
                Prune();
            }
        }
    }
}
