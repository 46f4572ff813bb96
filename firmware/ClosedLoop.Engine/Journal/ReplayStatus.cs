namespace ClosedLoop.Engine.Journal
{
    public enum ReplayStatus
    {
        /// <summary>The event is held and was copied out.</summary>
        Ok,

        /// <summary>The event was overwritten: the journal no longer holds sequences this old.</summary>
        Gone,

        /// <summary>No event with this sequence has been written yet.</summary>
        NotYetWritten,
    }
}
