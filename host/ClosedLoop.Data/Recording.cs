namespace ClosedLoop.Data;

/// <summary>
/// A two-channel photometry recording ready for replay, whatever file it came from: per sample its time (µs),
/// the signal and control values (dark already subtracted), and encounter marks as TTL level changes.
/// </summary>
public sealed record Recording
{
    public required string Name { get; init; }

    public required double SamplingRate { get; init; }

    public required long[] TimeUs { get; init; }

    public required double[] Signal { get; init; }

    public required double[] Control { get; init; }

    /// <summary>
    /// Per sample, whether the cycle it came from was valid (the rig's own logs say; files from elsewhere hold only
    /// valid samples, so null means all). An invalid cycle replays as invalid, as it ran, not as a level.
    /// </summary>
    public bool[]? Valid { get; init; }

    /// <summary>
    /// Per sample, how long after its cycle's end the rig processed it (µs; a rig's own log says, from frame version
    /// 3). Null: at the cycle's end, with encounter edges and actions during the cycle applied after it.
    /// </summary>
    public long[]? ProcessedAfterUs { get; init; }

    /// <summary>
    /// What was done to the rig while it recorded (arm, disarm, e-stop and its reset, session start and stop), at the
    /// times the rig journaled them, so that a replay drives what the rig could drive then. Null for a file from
    /// elsewhere: replayed armed and in a session from its start.
    /// </summary>
    public IReadOnlyList<(long TimeUs, RigAction Action)>? Actions { get; init; }

    /// <summary>
    /// How long after its signal sample each control sample was taken (median, µs; negative: before), where the file
    /// gives each channel its own times. Null where it cannot say: one time column for both, or simultaneous sampling.
    /// The engine takes a pair as one cycle, as a rig does; a lag is told to the operator, not corrected.
    /// </summary>
    public long? ControlLagUs { get; init; }

    /// <summary>
    /// The partner each encounter's mark named, by its onset (µs): the novelty's word (familiar, novel, unmarked) and
    /// the partner's id (null: none). Only a logged session has them; a replay's encounters start at the same onsets.
    /// </summary>
    public IReadOnlyDictionary<long, (string Novelty, string? Partner)>? PartnersByOnset { get; init; }

    /// <summary>Encounter TTL changes (time µs, level), in time order.</summary>
    public required IReadOnlyList<(long TimeUs, bool Level)> EncounterEdges { get; init; }

    public int SampleCount => TimeUs.Length;

    /// <summary>True where the encounters came from onset times (an event file or column, markers taken as onsets), not contact levels.</summary>
    public bool FromOnsets { get; init; }

    /// <summary>Onsets that came while an earlier one's encounter still ran, and lengthened it instead of starting one.</summary>
    public int MergedOnsets { get; init; }

    /// <summary>Rising TTL edges (contact onsets, or event markers).</summary>
    public IEnumerable<long> RisingEdgesUs => EncounterEdges.Where(e => e.Level).Select(e => e.TimeUs);

    /// <summary>How long each TTL pulse stayed high (µs), rising edge to falling edge.</summary>
    public IReadOnlyList<long> PulseLengthsUs()
    {
        var lengths = new List<long>();
        long? rise = null;
        foreach (var (time, level) in EncounterEdges)
        {
            if (level)
            {
                rise = time;
            }
            else if (rise is long start)
            {
                lengths.Add(time - start);
                rise = null;
            }
        }

        return lengths;
    }

    /// <summary>TTL edges for encounters that start at <paramref name="onsetsUs"/> and each last <paramref name="durationUs"/> (see <see cref="MergeOnsets"/>).</summary>
    public static IReadOnlyList<(long TimeUs, bool Level)> OnsetEdges(IEnumerable<long> onsetsUs, long durationUs) => MergeOnsets(onsetsUs, durationUs).Edges;

    /// <summary>
    /// TTL edges for encounters that start at <paramref name="onsetsUs"/> and each last <paramref name="durationUs"/>,
    /// as a TTL line would carry them: high while any of them runs. An onset that comes while an earlier encounter
    /// runs lengthens it to its own end; how many did is <c>Merged</c> (overlapping pulses cannot be told apart on one
    /// line, and counting their edges as pulses would report lengths no marker had).
    /// </summary>
    public static (IReadOnlyList<(long TimeUs, bool Level)> Edges, int Merged) MergeOnsets(IEnumerable<long> onsetsUs, long durationUs)
    {
        var edges = new List<(long TimeUs, bool Level)>();
        int merged = 0;
        long start = 0, end = long.MinValue;
        foreach (long onset in onsetsUs.Order())
        {
            if (onset < end)
            {
                // In order and all of one length, a later onset always ends later.
                end = onset + durationUs;
                merged++;
                continue;
            }

            if (end != long.MinValue)
            {
                edges.Add((start, true));
                edges.Add((end, false));
            }

            (start, end) = (onset, onset + durationUs);
        }

        if (end != long.MinValue)
        {
            edges.Add((start, true));
            edges.Add((end, false));
        }

        return (edges, merged);
    }

    /// <summary>The same samples with these encounter TTL changes (time µs, level) instead of its own.</summary>
    public Recording WithEdges(IReadOnlyList<(long TimeUs, bool Level)> edges) => this with { EncounterEdges = edges, FromOnsets = false, MergedOnsets = 0 };

    /// <summary>The same recording with each rising TTL edge taken as an encounter onset lasting <paramref name="durationUs"/> (markers, not contact levels).</summary>
    public Recording WithEdgesAsOnsets(long durationUs) => WithOnsets(RisingEdgesUs.ToList(), durationUs);

    /// <summary>The same recording with its encounters replaced by onsets at <paramref name="onsetsUs"/>, each lasting <paramref name="durationUs"/>.</summary>
    public Recording WithOnsets(IEnumerable<long> onsetsUs, long durationUs)
    {
        var (edges, merged) = MergeOnsets(onsetsUs, durationUs);
        return this with { EncounterEdges = edges, FromOnsets = true, MergedOnsets = merged };
    }

    /// <summary>A pyPhotometry recording, with analog 1 as signal, analog 2 as control and a digital input as the TTL.</summary>
    public static Recording FromPpd(Ppd.PpdRecording ppd, int encounterInput)
    {
        var edges = new List<(long, bool)>();
        bool level = false;
        bool[] digital = ppd.Digital[encounterInput];
        for (int i = 0; i < ppd.SampleCount; i++)
        {
            if (digital[i] != level)
            {
                level = digital[i];
                edges.Add((ppd.SampleTimeUs(i), level));
            }
        }

        return new Recording
        {
            Name = Path.GetFileName(ppd.Path),
            SamplingRate = ppd.SamplingRate,
            TimeUs = [.. Enumerable.Range(0, ppd.SampleCount).Select(ppd.SampleTimeUs)],
            Signal = [.. ppd.Analog[0].Select(v => (double)v)],
            Control = [.. ppd.Analog[1].Select(v => (double)v)],
            EncounterEdges = edges,
        };
    }
}
