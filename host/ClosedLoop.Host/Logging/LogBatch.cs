namespace ClosedLoop.Host.Logging;

/// <summary>
/// Everything one batch of broker messages adds to the log, sorted by what it is: a store writes it all in one
/// transaction (<see cref="EventStore.Store(LogBatch)"/>), so a batch is in the log whole or not at all.
/// </summary>
public sealed class LogBatch
{
    public List<StoredEvent> Events { get; } = [];

    /// <summary>What could not be stored, with its topic, the reason and the payload.</summary>
    public List<(string Topic, string Reason, byte[] Payload)> Faults { get; } = [];

    public List<StoredFrame> Frames { get; } = [];

    /// <summary>Each rig status as received (the latest is kept) and as read, for the gap trackers.</summary>
    public List<(string Rig, string Json, RigStatus Parsed)> Statuses { get; } = [];

    public List<SessionRecord> Sessions { get; } = [];

    public List<YokeOrigin> YokeOrigins { get; } = [];

    public List<CommandAudit> Audits { get; } = [];

    /// <summary>Configs a rig applied: rig, hash, the whole text.</summary>
    public List<(string Rig, string Hash, string Text)> Configs { get; } = [];

    /// <summary>Frames a rig said are gone for good (frames_lost): not stored, told to the frame gap tracker.</summary>
    public List<(string Rig, long Boot, long First, long Count, long TimeUs)> LostFrames { get; } = [];
}
