namespace ClosedLoop.Engine.Tests.Support;

/// <summary>
/// Raw readings computed ahead of time into plain arrays, so that feeding them to the engine allocates
/// nothing of its own: for measuring the engine's allocations and speed. Encounters every
/// <paramref name="encounterEveryUs"/> last 5 s; the signal carries no response, so each is a deficit.
/// </summary>
public sealed class ReadingScript
{
    public ReadingScript(AcquisitionSettings acquisition, long epochUs, long durationUs, long encounterEveryUs, int readingsPerPhase = 4, int seed = 1)
    {
        var random = new Random(seed);
        var times = new List<long>();
        var values = new List<int>();
        long period = acquisition.PeriodUs;
        long[] phaseStart = [0, acquisition.SignalOnUs, acquisition.SignalOnUs + acquisition.ControlOnUs];
        long[] phaseLength = [acquisition.SignalOnUs, acquisition.ControlOnUs, period - acquisition.SignalOnUs - acquisition.ControlOnUs];
        double[] level = [2000, 1000, 100];
        for (long start = epochUs; start < epochUs + durationUs; start += period)
        {
            for (int p = 0; p < 3; p++)
            {
                long usable = phaseLength[p] - acquisition.SettleUs;
                for (int i = 0; i < readingsPerPhase; i++)
                {
                    times.Add(start + phaseStart[p] + acquisition.SettleUs + (long)((i + random.NextDouble()) * usable / readingsPerPhase));
                    values.Add((int)(level[p] + 8 * random.NextDouble()));
                }
            }
        }

        Times = [.. times];
        Values = [.. values];
        var edges = new List<long>();
        for (long t = epochUs + encounterEveryUs; t < epochUs + durationUs; t += encounterEveryUs)
        {
            edges.Add(t);
            edges.Add(t + 5_000_000);
        }

        Edges = [.. edges];
    }

    public long[] Times { get; }

    public int[] Values { get; }

    /// <summary>Encounter input edges: rising at even indices, falling at odd.</summary>
    public long[] Edges { get; }
}
