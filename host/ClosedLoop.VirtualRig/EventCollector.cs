namespace ClosedLoop.VirtualRig;

/// <summary>Keeps a copy of every event an engine journals, however many its RAM journal holds.</summary>
public sealed class EventCollector : IEventSink
{
    public List<JournalEvent> Events { get; } = [];

    public void OnEvent(EventJournal journal, JournalEvent journalEvent)
    {
        var copy = new JournalEvent();
        copy.CopyFrom(journalEvent);
        Events.Add(copy);
    }
}
