namespace ClosedLoop.Engine.Tests;

/// <summary>The board link's bookkeeping: everything published once, in order, across an outage that overflows RAM.</summary>
public class EventOutboxTests
{
    /// <summary>A broker connection that takes events while up.</summary>
    private sealed class Link(EventJournal journal, EventOutbox outbox)
    {
        public List<long> Published { get; } = [];

        public void Drain()
        {
            var e = new JournalEvent();
            while (outbox.TryPeek(journal, e))
            {
                Published.Add(e.Sequence);
                outbox.Acknowledge(e);
            }
        }

        /// <summary>What the board's link thread does between publishes while the broker is away.</summary>
        public void ServiceSpill()
        {
            while (outbox.PrepareSpill(journal) > 0)
            {
                if (!outbox.WriteSpill())
                {
                    break;
                }
            }
        }
    }

    private static void Append(EventJournal journal, int count)
    {
        for (int i = 0; i < count; i++)
        {
            journal.Append(EventKind.Decision, journal.NextSequence * 1000, 1, 0, i, 0, i * 0.5, -i);
        }
    }

    [Fact]
    public void While_connected_every_event_is_published_once_in_order()
    {
        var journal = new EventJournal(64, "rig-01", 1);
        var outbox = new EventOutbox(new MemorySpill(), 1 << 20);
        var link = new Link(journal, outbox);

        for (int round = 0; round < 10; round++)
        {
            Append(journal, 37);
            link.Drain();
        }

        Assert.Equal(Enumerable.Range(1, 370).Select(i => (long)i), link.Published);
        Assert.Equal(0, outbox.Spilled);
    }

    [Fact]
    public void An_outage_ten_times_longer_than_the_ram_journal_loses_nothing_and_clears_the_flash_after()
    {
        var journal = new EventJournal(128, "rig-01", 1);
        var spill = new MemorySpill();
        var outbox = new EventOutbox(spill, 1 << 20);
        var link = new Link(journal, outbox);

        for (int i = 0; i < 1280; i++)
        {
            Append(journal, 1);
            link.ServiceSpill();
        }

        Assert.True(outbox.Spilled > 1000);
        link.Drain();

        Assert.Equal(Enumerable.Range(1, 1280).Select(i => (long)i), link.Published);
        Assert.Equal(0, outbox.Lost);
        Assert.Equal(0, spill.Length);
        Assert.False(outbox.TakeLoss(out _, out _));
    }

    [Fact]
    public void Flash_copies_keep_every_slot_of_the_event()
    {
        var journal = new EventJournal(16, "rig-01", 1);
        var outbox = new EventOutbox(new MemorySpill(), 1 << 20);
        var link = new Link(journal, outbox);
        journal.Append(EventKind.OutputStarted, 123_456_789, 1, 3, long.MaxValue, -5, double.NaN, -1.25e-7);
        for (int i = 0; i < 40; i++)
        {
            Append(journal, 1);
            link.ServiceSpill();
        }

        Assert.True(journal.OldestSequence > 1);
        var e = new JournalEvent();

        Assert.True(outbox.TryPeek(journal, e));

        Assert.Equal((1L, 123_456_789L, EventKind.OutputStarted, 1, 3, long.MaxValue, -5L), (e.Sequence, e.TimeUs, e.Kind, e.Code, e.Flags, e.Ref1, e.Ref2));
        Assert.True(double.IsNaN(e.Value1));
        Assert.Equal(-1.25e-7, e.Value2);
    }

    [Fact]
    public void When_flash_is_full_too_the_loss_is_counted_and_reported_once()
    {
        var journal = new EventJournal(64, "rig-01", 1);
        var outbox = new EventOutbox(new MemorySpill(), 2 * EventOutbox.SpillBatch * EventRecord.Bytes);
        var link = new Link(journal, outbox);

        for (int i = 0; i < 1000; i++)
        {
            Append(journal, 1);
            link.ServiceSpill();
        }

        link.Drain();

        Assert.True(outbox.TakeLoss(out long first, out long count));
        Assert.Equal(1000 - link.Published.Count, count);
        Assert.Equal(outbox.Lost, count);
        Assert.Equal(outbox.Spilled + 1, first);
        Assert.True(outbox.Spilled <= 2 * EventOutbox.SpillBatch);
        Assert.Equal(link.Published.Distinct().Count(), link.Published.Count);
        Assert.Equal(link.Published.Order(), link.Published);
        Assert.Equal(1000, link.Published.Last());
        Assert.False(outbox.TakeLoss(out _, out _));
    }

    [Fact]
    public void Without_flash_an_overflowing_outage_loses_the_oldest_and_says_how_many()
    {
        var journal = new EventJournal(32, "rig-01", 1);
        var outbox = new EventOutbox(null, 0);
        var link = new Link(journal, outbox);
        Append(journal, 100);
        link.ServiceSpill();

        link.Drain();

        Assert.Equal(Enumerable.Range(69, 32).Select(i => (long)i), link.Published);
        Assert.True(outbox.TakeLoss(out long first, out long count));
        Assert.Equal((1L, 68L), (first, count));
    }

    [Fact]
    public void A_damaged_flash_record_is_skipped_and_counted_lost()
    {
        var journal = new EventJournal(64, "rig-01", 1);
        var spill = new MemorySpill();
        var outbox = new EventOutbox(spill, 1 << 20);
        var link = new Link(journal, outbox);
        for (int i = 0; i < 200; i++)
        {
            Append(journal, 1);
            link.ServiceSpill();
        }

        spill.Corrupt(2 * EventRecord.Bytes + 9);
        link.Drain();

        Assert.DoesNotContain(3L, link.Published);
        Assert.Equal(199, link.Published.Count);
        Assert.True(outbox.TakeLoss(out long first, out long count));
        Assert.Equal((3L, 1L), (first, count));
    }

    [Fact]
    public void A_replay_request_republishes_what_the_journal_still_holds()
    {
        var journal = new EventJournal(64, "rig-01", 1);
        var outbox = new EventOutbox(new MemorySpill(), 1 << 20);
        var link = new Link(journal, outbox);
        Append(journal, 100);
        link.Drain();
        link.Published.Clear();

        outbox.Rewind(90, journal);
        link.Drain();
        Assert.Equal(Enumerable.Range(90, 11).Select(i => (long)i), link.Published);

        link.Published.Clear();
        outbox.Rewind(1, journal);
        link.Drain();
        Assert.Equal(journal.OldestSequence, link.Published.First());
        Assert.Equal(100, link.Published.Last());
    }

    [Fact]
    public void A_failed_flash_write_keeps_the_events_in_ram_until_they_are_overwritten()
    {
        var journal = new EventJournal(64, "rig-01", 1);
        var spill = new MemorySpill { Fail = true };
        var outbox = new EventOutbox(spill, 1 << 20);
        var link = new Link(journal, outbox);
        Append(journal, 60);
        link.ServiceSpill();

        Assert.Equal(0, outbox.Spilled);
        link.Drain();
        Assert.Equal(Enumerable.Range(1, 60).Select(i => (long)i), link.Published);
        Assert.Equal(0, outbox.Lost);
    }
}
