using ClosedLoop.Engine.Journal;

namespace ClosedLoop.Engine.NanoTests
{
    /// <summary>Finds events in a journal, with mscorlib alone (no generics, no LINQ), as the on-device tests need.</summary>
    internal static class JournalReader
    {
        public static int Count(EventJournal journal, EventKind kind)
        {
            int count = 0;
            JournalEvent e = new JournalEvent();
            for (long s = journal.OldestSequence; s < journal.NextSequence; s++)
            {
                if (journal.TryGet(s, e) == ReplayStatus.Ok && e.Kind == kind)
                {
                    count++;
                }
            }

            return count;
        }

        /// <summary>The last event of a kind, or null.</summary>
        public static JournalEvent Last(EventJournal journal, EventKind kind)
        {
            JournalEvent e = new JournalEvent();
            for (long s = journal.NextSequence - 1; s >= journal.OldestSequence; s--)
            {
                if (journal.TryGet(s, e) == ReplayStatus.Ok && e.Kind == kind)
                {
                    return e;
                }
            }

            return null;
        }
    }
}
