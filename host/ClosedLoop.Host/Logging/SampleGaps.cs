using ClosedLoop.Engine.Processing;
using ClosedLoop.Engine.Wire;

namespace ClosedLoop.Host.Logging;

/// <summary>A run of sample frames the log does not hold, and the device time it spans (from the last sample before it).</summary>
public sealed record SampleGap(long FirstFrame, long LastFrame, long FromUs, long ToUs)
{
    public long Frames => LastFrame - FirstFrame + 1;
}

/// <summary>
/// Where a logged boot's trace has holes: numbered frames the log never got (the rig no longer held them, or the
/// logger gave up asking). Exports and reports mark these spans; nothing is filled in.
/// </summary>
public static class SampleGaps
{
    public static IReadOnlyList<SampleGap> Of(EventStore store, string rig, long boot)
    {
        var gaps = new List<SampleGap>();
        var samples = Enumerable.Range(0, 256).Select(_ => new ProcessedSample()).ToArray();
        long previous = 0;
        long lastUs = 0;
        foreach (byte[] frame in store.Frames(rig, boot))
        {
            long number = SampleFrameReader.SequenceOf(frame, frame.Length);
            if (number == 0 || SampleFrameReader.TryRead(frame, frame.Length, out _, samples, out int count) is not null || count == 0)
            {
                continue;
            }

            if (number > previous + 1)
            {
                gaps.Add(new SampleGap(previous + 1, number - 1, lastUs, samples[0].TimeUs));
            }

            previous = Math.Max(previous, number);
            lastUs = samples[count - 1].TimeUs;
        }

        return gaps;
    }
}
