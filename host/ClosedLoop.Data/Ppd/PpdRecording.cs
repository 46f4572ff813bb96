namespace ClosedLoop.Data.Ppd;

/// <summary>
/// A pyPhotometry recording: per channel, the analog values (ADC counts, LED-off reading already subtracted on
/// the device in time-division modes) and the digital input sampled with them. Sample i is at i / rate seconds.
/// </summary>
public sealed class PpdRecording
{
    public required string Path { get; init; }

    public required string SubjectId { get; init; }

    public required string Mode { get; init; }

    public required double SamplingRate { get; init; }

    public required double[] VoltsPerDivision { get; init; }

    /// <summary>The LED currents the header states (mA, one per LED; empty when it states none).</summary>
    public double[] LedCurrentsMa { get; init; } = [];

    /// <summary>Analog values per channel: Analog[channel][sample].</summary>
    public required int[][] Analog { get; init; }

    /// <summary>Digital inputs per channel: Digital[channel][sample] (digital 1 rides on analog channel 1's words).</summary>
    public required bool[][] Digital { get; init; }

    public int SampleCount => Analog[0].Length;

    public long SampleTimeUs(int sample) => (long)Math.Round(sample * 1e6 / SamplingRate);

    /// <summary>The samples at which a digital input goes from low to high.</summary>
    public IReadOnlyList<int> RisingEdges(int channel)
    {
        var edges = new List<int>();
        bool[] d = Digital[channel];
        for (int i = 1; i < d.Length; i++)
        {
            if (d[i] && !d[i - 1])
            {
                edges.Add(i);
            }
        }

        return edges;
    }
}
