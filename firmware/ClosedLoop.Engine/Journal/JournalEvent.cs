namespace ClosedLoop.Engine.Journal
{
    /// <summary>
    /// One event as the journal holds it: a fixed set of slots so that events can live in a preallocated ring.
    /// The identity (rig, boot id, sequence) makes every event unique across reboots; see <see cref="EventKind"/>
    /// for what the slots mean.
    /// </summary>
    public sealed class JournalEvent
    {
        /// <summary>1, 2, 3, … per boot; never wraps (64 bits).</summary>
        public long Sequence;

        /// <summary>Device time in µs.</summary>
        public long TimeUs;

        public EventKind Kind;
        public int Code;
        public int Flags;
        public long Ref1;
        public long Ref2;
        public double Value1;
        public double Value2;

        public void CopyFrom(JournalEvent other)
        {
            Sequence = other.Sequence;
            TimeUs = other.TimeUs;
            Kind = other.Kind;
            Code = other.Code;
            Flags = other.Flags;
            Ref1 = other.Ref1;
            Ref2 = other.Ref2;
            Value1 = other.Value1;
            Value2 = other.Value2;
        }

        public void Clear()
        {
            Sequence = 0;
            TimeUs = 0;
            Kind = 0;
            Code = 0;
            Flags = 0;
            Ref1 = 0;
            Ref2 = 0;
            Value1 = 0;
            Value2 = 0;
        }
    }
}
