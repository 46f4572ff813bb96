namespace ClosedLoop.Engine.Journal
{
    /// <summary>Told of every event as it is journaled (the board's link publishes from here). Must not keep the instance: it is reused.</summary>
    public interface IEventSink
    {
        void OnEvent(EventJournal journal, JournalEvent journalEvent);
    }
}
