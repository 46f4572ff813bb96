namespace ClosedLoop.Host.Logging;

/// <summary>A stretch of a logged trace without a good sample (device µs, from inclusive, to exclusive) and why.</summary>
public sealed record InvalidSpan(long FromUs, long ToUs, string Reason)
{
    public double Seconds => (ToUs - FromUs) / 1e6;
}

/// <summary>
/// Where a logged boot's trace holds no sample to analyse, for every export to mark: cycles the rig marked invalid
/// (too few readings, light lost), cycles it never acquired (its own data_gap events), and frames the log does not
/// hold. Overlapping or touching spans are one span naming each reason.
/// </summary>
public static class InvalidSpans
{
    public const string InvalidCycles = "invalid cycles";
    public const string CyclesNotAcquired = "cycles not acquired";
    public const string FramesNotLogged = "frames not logged";

    public static IReadOnlyList<InvalidSpan> Of(LoggedSamples logged, LoggedEvents events)
    {
        var samples = logged.Samples;
        long period = logged.PeriodUs;
        var spans = new List<InvalidSpan>();
        for (int i = 0; i < samples.Count; i++)
        {
            if (!samples[i].Valid)
            {
                int first = i;
                while (i + 1 < samples.Count && !samples[i + 1].Valid)
                {
                    i++;
                }

                long end = i + 1 < samples.Count ? samples[i + 1].TimeUs : samples[i].TimeUs + period;
                spans.Add(new InvalidSpan(samples[first].TimeUs, end, InvalidCycles));
            }

            if (i + 1 < samples.Count && samples[i + 1].Cycle > samples[i].Cycle + 1)
            {
                bool framesMissing = samples[i + 1].Frame > samples[i].Frame + 1;
                spans.Add(new InvalidSpan(samples[i].TimeUs + period, samples[i + 1].TimeUs, framesMissing ? FramesNotLogged : CyclesNotAcquired));
            }
        }

        if (period > 0 && samples.Count > 0)
        {
            foreach (var (firstCycle, cycles) in events.DataGaps)
            {
                long from = TimeOfCycle(samples, firstCycle, period);
                spans.Add(new InvalidSpan(from, from + (cycles * period), CyclesNotAcquired));
            }
        }

        return Merge(spans);
    }

    /// <summary>The start of a cycle, from the nearest logged sample at or before it (the first sample if none is).</summary>
    private static long TimeOfCycle(IReadOnlyList<LoggedSample> samples, long cycle, long period)
    {
        int low = 0;
        int high = samples.Count - 1;
        while (low < high)
        {
            int middle = (low + high + 1) / 2;
            if (samples[middle].Cycle <= cycle)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        var reference = samples[low];
        return reference.TimeUs + ((cycle - reference.Cycle) * period);
    }

    private static List<InvalidSpan> Merge(List<InvalidSpan> spans)
    {
        var merged = new List<InvalidSpan>();
        foreach (var span in spans.OrderBy(s => s.FromUs))
        {
            if (merged.Count > 0 && span.FromUs <= merged[^1].ToUs)
            {
                var last = merged[^1];
                string reason = last.Reason.Split("; ").Contains(span.Reason) ? last.Reason : last.Reason + "; " + span.Reason;
                merged[^1] = new InvalidSpan(last.FromUs, Math.Max(last.ToUs, span.ToUs), reason);
            }
            else
            {
                merged.Add(span);
            }
        }

        return merged;
    }
}
