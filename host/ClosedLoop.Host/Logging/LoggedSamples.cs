using ClosedLoop.Engine.Processing;

namespace ClosedLoop.Host.Logging;

/// <summary>One logged sample, as its frame carried it.</summary>
public readonly record struct LoggedSample(long Frame, long Cycle, long TimeUs, double RawSignal, double RawControl, double Dff, double Z, bool Valid, bool Ready, long ProcessedAfterUs = 0);

/// <summary>A run of sample frames the log does not hold, and the device time it spans (from the last sample before it).</summary>
public sealed record SampleGap(long FirstFrame, long LastFrame, long FromUs, long ToUs)
{
    public long Frames => LastFrame - FirstFrame + 1;
}

/// <summary>
/// The one reader of a logged boot's sample frames, for export, report and replay: every sample in order, the
/// cycle period, and where the trace has holes (numbered frames the log never got, because the rig no longer held
/// them or the logger gave up asking). Nothing is filled in.
/// </summary>
public sealed class LoggedSamples
{
    private LoggedSamples(IReadOnlyList<LoggedSample> samples, long periodUs, IReadOnlyList<SampleGap> gaps)
    {
        Samples = samples;
        PeriodUs = periodUs;
        Gaps = gaps;
    }

    public IReadOnlyList<LoggedSample> Samples { get; }

    /// <summary>The cycle period of the first frame (µs; 0 when there is none).</summary>
    public long PeriodUs { get; }

    public IReadOnlyList<SampleGap> Gaps { get; }

    public static LoggedSamples Read(EventStore store, string rig, long boot)
    {
        var samples = new List<LoggedSample>();
        var gaps = new List<SampleGap>();
        var buffer = SampleFrameWriter.NewReadBuffer();
        long period = 0;
        long previous = 0;
        long lastUs = 0;
        foreach (byte[] frame in store.Frames(rig, boot))
        {
            if (SampleFrameReader.TryRead(frame, frame.Length, out _, buffer, out int count) is not null || count == 0)
            {
                continue;
            }

            long number = SampleFrameReader.SequenceOf(frame, frame.Length);
            if (period == 0)
            {
                period = SampleFrameReader.PeriodOf(frame, frame.Length);
            }

            if (number > previous + 1)
            {
                gaps.Add(new SampleGap(previous + 1, number - 1, lastUs, buffer[0].TimeUs));
            }

            previous = Math.Max(previous, number);
            lastUs = buffer[count - 1].TimeUs;
            for (int i = 0; i < count; i++)
            {
                var s = buffer[i];
                samples.Add(new LoggedSample(number, s.CycleIndex, s.TimeUs, s.RawSignal, s.RawControl, s.Dff, s.Z, s.IsValid, s.IsReady, s.ProcessedAfterUs));
            }
        }

        return new LoggedSamples(samples, period, gaps);
    }
}
