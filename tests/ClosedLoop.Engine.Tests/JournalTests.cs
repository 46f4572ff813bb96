namespace ClosedLoop.Engine.Tests;

public sealed class JournalTests
{
    private static EventJournal Filled(int capacity, int events)
    {
        var journal = new EventJournal(capacity, "rig", 3);
        for (int i = 0; i < events; i++)
        {
            journal.Append(EventKind.Decision, 1000 + i, i, 0, i, 0, i * 0.5, 0);
        }

        return journal;
    }

    [Fact]
    public void Sequences_start_at_one_and_increase_by_one()
    {
        var journal = Filled(8, 3);
        var e = new JournalEvent();

        Assert.Equal(ReplayStatus.Ok, journal.TryGet(1, e));
        Assert.Equal((1L, 1000L), (e.Sequence, e.TimeUs));
        Assert.Equal(4, journal.NextSequence);
    }

    [Fact]
    public void Replay_from_any_held_sequence_returns_every_event_in_order()
    {
        var journal = Filled(8, 20);
        var e = new JournalEvent();
        var replayed = new List<long>();
        for (long s = 15; journal.TryGet(s, e) == ReplayStatus.Ok; s++)
        {
            replayed.Add(e.Ref1);
        }

        Assert.Equal([14L, 15, 16, 17, 18, 19], replayed);
    }

    [Fact]
    public void An_overwritten_sequence_is_reported_gone_and_a_future_one_not_yet_written()
    {
        var journal = Filled(8, 20);

        Assert.Equal(13, journal.OldestSequence);
        Assert.Equal(ReplayStatus.Gone, journal.TryGet(12, new JournalEvent()));
        Assert.Equal(ReplayStatus.Ok, journal.TryGet(13, new JournalEvent()));
        Assert.Equal(ReplayStatus.NotYetWritten, journal.TryGet(21, new JournalEvent()));
    }

    [Fact]
    public void Sequences_are_64_bit_and_do_not_wrap_at_32_bits()
    {
        var journal = new EventJournal(4, "rig", 1);
        for (long i = 0; i < 5; i++)
        {
            journal.Append(EventKind.DataGap, i, 0, 0, 0, 0, 0, 0);
        }

        Assert.IsType<long>(journal.NextSequence);
        Assert.Equal(6, journal.NextSequence);
    }

    [Fact]
    public void Resizing_keeps_the_sequence_and_the_newest_events()
    {
        var journal = Filled(8, 20);

        var larger = journal.Resized(32);
        var smaller = journal.Resized(4);

        Assert.Equal(21, larger.NextSequence);
        Assert.Equal(13, larger.OldestSequence);
        Assert.Equal(17, smaller.OldestSequence);
        var e = new JournalEvent();
        Assert.Equal(ReplayStatus.Ok, larger.TryGet(13, e));
        Assert.Equal(12, e.Ref1);
        Assert.Equal(ReplayStatus.Gone, larger.TryGet(12, e));
        Assert.Equal(22, larger.Append(EventKind.Boot, 0, 0, 0, 0, 0, 0, 0) + 1);
    }

    [Fact]
    public void A_continued_journal_holds_nothing_old_but_reuses_no_number()
    {
        var previous = Filled(8, 20);
        var next = new EventJournal(8, "renamed", 3);

        next.ContinueFrom(previous);

        Assert.Equal(21, next.NextSequence);
        Assert.Equal(ReplayStatus.Gone, next.TryGet(20, new JournalEvent()));
    }

    private sealed class Sink : IEventSink
    {
        public List<long> Seen { get; } = [];

        public void OnEvent(EventJournal journal, JournalEvent journalEvent)
        {
            Seen.Add(journalEvent.Sequence);
            journalEvent.Sequence = -1; // must not reach the journal
        }
    }

    [Fact]
    public void A_sink_attached_late_first_receives_every_held_event()
    {
        var journal = Filled(4, 6);
        var sink = new Sink();

        journal.SetSink(sink);
        journal.Append(EventKind.Armed, 0, 0, 0, 0, 0, 0, 0);

        Assert.Equal([3L, 4, 5, 6, 7], sink.Seen);
    }

    [Fact]
    public void Deliver_replays_from_a_sequence_and_skips_what_is_gone()
    {
        var journal = Filled(4, 6);
        var sink = new Sink();

        journal.Deliver(1, sink);
        journal.Deliver(6, sink);

        Assert.Equal([3L, 4, 5, 6, 6], sink.Seen);
    }

    [Fact]
    public void The_sink_sees_each_event_and_cannot_alter_the_journal()
    {
        var journal = new EventJournal(8, "rig", 1);
        var sink = new Sink();
        journal.SetSink(sink);

        journal.Append(EventKind.Boot, 0, 0, 0, 0, 0, 0, 0);
        journal.Append(EventKind.Armed, 0, 0, 0, 0, 0, 0, 0);

        Assert.Equal([1L, 2], sink.Seen);
        var e = new JournalEvent();
        journal.TryGet(1, e);
        Assert.Equal(1, e.Sequence);
    }
}
