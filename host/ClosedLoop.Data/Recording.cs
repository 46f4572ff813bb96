namespace ClosedLoop.Data;

/// <summary>
/// A two-channel photometry recording ready for replay, whatever file it came from: per sample its time (µs),
/// the signal and control values (dark already subtracted), and encounter marks as TTL level changes.
/// </summary>
public sealed class Recording
{
    public required string Name { get; init; }

    public required double SamplingRate { get; init; }

    public required long[] TimeUs { get; init; }

    public required double[] Signal { get; init; }

    public required double[] Control { get; init; }

    /// <summary>Encounter TTL changes (time µs, level), in time order.</summary>
    public required IReadOnlyList<(long TimeUs, bool Level)> EncounterEdges { get; init; }

    public int SampleCount => TimeUs.Length;

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
