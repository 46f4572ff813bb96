using ClosedLoop.Engine.Journal;
using nanoFramework.TestFramework;

namespace ClosedLoop.Engine.NanoTests
{
    /// <summary>The journal a logger replays from: numbered from 1, a ring that says what is gone, never renumbered.</summary>
    [TestClass]
    public class JournalTests
    {
        [TestMethod]
        public static void Events_are_numbered_from_one_and_the_ring_keeps_the_newest()
        {
            EventJournal journal = new EventJournal(4, "rig-nano", 3);
            for (int i = 0; i < 6; i++)
            {
                journal.Armed(1000 * i, ControlSource.Command);
            }

            JournalEvent e = new JournalEvent();
            Assert.AreEqual(7L, journal.NextSequence);
            Assert.AreEqual(3L, journal.OldestSequence);
            Assert.AreEqual((int)ReplayStatus.Gone, (int)journal.TryGet(2, e));
            Assert.AreEqual((int)ReplayStatus.Ok, (int)journal.TryGet(6, e));
            Assert.AreEqual(6L, e.Sequence);
            Assert.AreEqual(5000L, e.TimeUs);
        }

        [TestMethod]
        public static void A_resized_journal_goes_on_with_the_same_numbers()
        {
            EventJournal journal = new EventJournal(8, "rig-nano", 3);
            for (int i = 0; i < 5; i++)
            {
                journal.Armed(i, ControlSource.Command);
            }

            EventJournal resized = journal.Resized(2);
            resized.Disarmed(10, ControlSource.Command);

            JournalEvent e = new JournalEvent();
            Assert.AreEqual(7L, resized.NextSequence);
            Assert.AreEqual((int)ReplayStatus.Ok, (int)resized.TryGet(5, e));
            Assert.AreEqual((int)ReplayStatus.Gone, (int)resized.TryGet(4, e));
            Assert.AreEqual((int)EventKind.Disarmed, (int)JournalReader.Last(resized, EventKind.Disarmed).Kind);
        }
    }
}
