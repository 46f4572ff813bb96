namespace ClosedLoop.Engine.Journal
{
    /// <summary>
    /// A fixed-size ring of the most recent events, allocated once. Each event gets the next 64-bit sequence
    /// number; a logger that missed some asks for a replay from the first missing number, and the journal either
    /// hands them over or says they are gone.
    /// </summary>
    public sealed partial class EventJournal
    {
        private readonly JournalEvent[] _ring;
        private readonly JournalEvent _scratch = new JournalEvent();
        private long _nextSequence = 1;
        private long _firstHeld = 1;
        private IEventSink _sink;

        public EventJournal(int capacity, string rigId, long bootId)
        {
            if (capacity < 1)
            {
                throw new System.ArgumentOutOfRangeException(nameof(capacity));
            }

            _ring = new JournalEvent[capacity];
            for (int i = 0; i < capacity; i++)
            {
                _ring[i] = new JournalEvent();
            }

            RigId = rigId;
            BootId = bootId;
        }

        public string RigId { get; private set; }

        /// <summary>Chosen by the board at each boot (e.g. from its boot counter), so sequences restart without colliding.</summary>
        public long BootId { get; private set; }

        public int Capacity => _ring.Length;

        /// <summary>The sequence the next event will get.</summary>
        public long NextSequence => _nextSequence;

        /// <summary>The oldest sequence still held, or <see cref="NextSequence"/> when empty.</summary>
        public long OldestSequence
        {
            get
            {
                long oldest = _nextSequence - _ring.Length;
                return oldest < _firstHeld ? _firstHeld : oldest;
            }
        }

        /// <summary>
        /// A journal of another capacity holding the same identity, the same next sequence and as many of the
        /// newest events as fit, so that a config change never restarts or reuses sequence numbers.
        /// </summary>
        public EventJournal Resized(int capacity)
        {
            EventJournal resized = new EventJournal(capacity, RigId, BootId);
            long first = _nextSequence - capacity;
            if (first < OldestSequence)
            {
                first = OldestSequence;
            }

            for (long sequence = first; sequence < _nextSequence; sequence++)
            {
                resized._ring[(int)((sequence - 1) % capacity)].CopyFrom(_ring[(int)((sequence - 1) % _ring.Length)]);
            }

            resized._nextSequence = _nextSequence;
            resized._firstHeld = first;
            resized._sink = _sink;
            return resized;
        }

        /// <summary>Continues another journal's sequence (same boot, new identity): no number is ever reused.</summary>
        public void ContinueFrom(EventJournal previous)
        {
            if (previous._nextSequence > _nextSequence)
            {
                _nextSequence = previous._nextSequence;
                _firstHeld = _nextSequence;
            }

            _sink = previous._sink;
        }

        /// <summary>
        /// Sets who is told of each new event (null: nobody), and first hands it every event still held, so that a
        /// link attached after boot still publishes the boot event and everything since.
        /// </summary>
        public void SetSink(IEventSink sink)
        {
            _sink = sink;
            if (sink != null)
            {
                Deliver(OldestSequence, sink);
            }
        }

        /// <summary>Hands <paramref name="sink"/> every held event from <paramref name="fromSequence"/> on (a replay).</summary>
        public void Deliver(long fromSequence, IEventSink sink)
        {
            long first = fromSequence < OldestSequence ? OldestSequence : fromSequence;
            for (long sequence = first; sequence < _nextSequence; sequence++)
            {
                _scratch.CopyFrom(_ring[(int)((sequence - 1) % _ring.Length)]);
                sink.OnEvent(this, _scratch);
            }
        }

        /// <summary>Journals an event and returns its sequence number; the engine calls the named appends (EventJournal.Named.cs).</summary>
        internal long Append(EventKind kind, long timeUs, int code, int flags, long ref1, long ref2, double value1, double value2)
        {
            long sequence = _nextSequence++;
            JournalEvent e = _ring[(int)((sequence - 1) % _ring.Length)];
            e.Sequence = sequence;
            e.TimeUs = timeUs;
            e.Kind = kind;
            e.Code = code;
            e.Flags = flags;
            e.Ref1 = ref1;
            e.Ref2 = ref2;
            e.Value1 = value1;
            e.Value2 = value2;
            if (_sink != null)
            {
                // The sink gets a copy so that nothing it does can alter the journal.
                _scratch.CopyFrom(e);
                _sink.OnEvent(this, _scratch);
            }

            return sequence;
        }

        /// <summary>Copies the event with <paramref name="sequence"/> into <paramref name="into"/> when it is still held.</summary>
        public ReplayStatus TryGet(long sequence, JournalEvent into)
        {
            if (sequence >= _nextSequence)
            {
                return ReplayStatus.NotYetWritten;
            }

            if (sequence < OldestSequence)
            {
                return ReplayStatus.Gone;
            }

            into.CopyFrom(_ring[(int)((sequence - 1) % _ring.Length)]);
            return ReplayStatus.Ok;
        }
    }
}
