namespace ClosedLoop.Engine.Tests;

public sealed class FrameSpillTests
{
    private static (FrameOutbox Outbox, byte[] Buffer) Frames(int count)
    {
        var outbox = new FrameOutbox(4, 1, 7692, 64);
        for (int c = 0; c < (count * 4) + 1; c++)
        {
            outbox.OnProcessed(new ProcessedSample { CycleIndex = c, TimeUs = c * 7692L, IsValid = true });
        }

        return (outbox, new byte[outbox.MaxFrameBytes]);
    }

    [Fact]
    public void A_run_of_frames_reads_back_whole_frame_by_frame_and_clears()
    {
        var (outbox, buffer) = Frames(10);
        var store = new MemorySpill();
        var spill = new FrameSpill(store, 1 << 20, outbox.MaxFrameBytes);
        for (long n = 3; n <= 7; n++)
        {
            int length = outbox.CopyTo(n, buffer);
            Assert.True(spill.Add(n, buffer, length));
        }

        Assert.Equal((3L, 7L), (spill.First, spill.Last));
        var back = new byte[outbox.MaxFrameBytes];
        int read = spill.CopyTo(5, back);
        Assert.Equal(5, SampleFrameReader.SequenceOf(back, read));
        Assert.Equal(0, spill.CopyTo(8, back));
        Assert.False(spill.Add(9, buffer, outbox.CopyTo(9, buffer)));

        spill.Clear();
        Assert.Equal((0L, 0L, 0L), (spill.First, spill.Last, store.Length));
    }

    [Fact]
    public void A_full_or_failing_store_takes_nothing_more()
    {
        var (outbox, buffer) = Frames(5);
        var store = new MemorySpill();
        var spill = new FrameSpill(store, 2 * (2 + outbox.MaxFrameBytes), outbox.MaxFrameBytes);

        Assert.True(spill.Add(1, buffer, outbox.CopyTo(1, buffer)));
        Assert.True(spill.Add(2, buffer, outbox.CopyTo(2, buffer)));
        Assert.False(spill.Add(3, buffer, outbox.CopyTo(3, buffer)));

        var failing = new FrameSpill(new MemorySpill { Fail = true }, 1 << 20, outbox.MaxFrameBytes);
        Assert.False(failing.Add(1, buffer, outbox.CopyTo(1, buffer)));
        Assert.Equal(0, failing.Last);
    }
}
