namespace ClosedLoop.Engine.Tests;

public sealed class FrameOutboxTests
{
    private static void Feed(FrameOutbox outbox, int fromCycle, int cycles)
    {
        for (int c = fromCycle; c < fromCycle + cycles; c++)
        {
            outbox.OnProcessed(new ProcessedSample { CycleIndex = c, TimeUs = c * 7692L, IsValid = true });
        }
    }

    [Fact]
    public void Complete_frames_are_numbered_and_held_until_newer_ones_take_their_slots()
    {
        var outbox = new FrameOutbox(samplesPerFrame: 4, bootId: 3, periodUs: 7692, capacity: 3);
        var buffer = new byte[outbox.MaxFrameBytes];
        Assert.Equal((0L, 0L), (outbox.Oldest, outbox.Newest));

        Feed(outbox, 0, 21);

        // Five frames are complete (the sixth is still filling); the last three are held.
        Assert.Equal((3L, 5L), (outbox.Oldest, outbox.Newest));
        Assert.Equal(0, outbox.CopyTo(2, buffer));
        int length = outbox.CopyTo(4, buffer);
        Assert.Equal(SampleFrameWriter.HeaderBytes + (4 * SampleFrameWriter.SampleBytes), length);
        Assert.Equal(4, SampleFrameReader.SequenceOf(buffer, length));
        var read = Enumerable.Range(0, 4).Select(_ => new ProcessedSample()).ToArray();
        Assert.Null(SampleFrameReader.TryRead(buffer, length, out long boot, read, out int count));
        Assert.Equal((3L, 4, 12L), (boot, count, read[0].CycleIndex));
        Assert.Equal(0, outbox.CopyTo(6, buffer));

        outbox.Flush();
        Assert.Equal(6, outbox.Newest);
        Assert.Equal(SampleFrameWriter.HeaderBytes + SampleFrameWriter.SampleBytes, outbox.CopyTo(6, buffer));
    }

    [Fact]
    public void Framing_and_keeping_allocate_nothing()
    {
        var outbox = new FrameOutbox(13, 1, 7692, 64);
        var sample = new ProcessedSample { IsValid = true };
        int cycle = 0;
        void Feed(int count)
        {
            for (int i = 0; i < count; i++, cycle++)
            {
                sample.CycleIndex = cycle;
                sample.TimeUs = cycle * 7692L;
                outbox.OnProcessed(sample);
            }
        }

        // Long enough for the JIT to settle on its final code (tiering allocates while it works).
        Feed(200_000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Feed(20_000);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
