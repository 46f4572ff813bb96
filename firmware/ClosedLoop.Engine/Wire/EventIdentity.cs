namespace ClosedLoop.Engine.Wire
{
    /// <summary>Which rig and boot an event came from; with its sequence, the event's unique key.</summary>
    public sealed class EventIdentity
    {
        public string RigId;
        public long BootId;
    }
}
