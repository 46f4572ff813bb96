namespace ClosedLoop.Engine.Journal
{
    /// <summary>
    /// The board link's memory of what the broker has taken. Events are published in sequence order, each one
    /// only after the previous was acknowledged (QoS 1). While the broker is away the experiment goes on and the
    /// RAM journal fills; before it would overwrite events nobody has taken, they are copied to flash
    /// (<see cref="IEventSpillStore"/>), and on reconnect the outbox hands out the flash copies first, then the
    /// journal. Events lost anyway (flash full too) are counted and reported once, as an events_lost event.
    /// <para>
    /// Threading: one link thread owns this object. Calls that read the journal (<see cref="PrepareSpill"/>,
    /// <see cref="TryPeek"/>, <see cref="Rewind"/>) must hold the lock that guards the engine; the slow flash
    /// write (<see cref="WriteSpill"/>) runs outside it, so sampling never waits for flash.
    /// </para>
    /// </summary>
    public sealed class EventOutbox
    {
        /// <summary>Events copied to flash in one write.</summary>
        public const int SpillBatch = 64;

        private readonly IEventSpillStore _store;
        private readonly long _storeCapacityBytes;
        private readonly byte[] _spillBuffer = new byte[SpillBatch * EventRecord.Bytes];
        private readonly byte[] _record = new byte[EventRecord.Bytes];
        private readonly JournalEvent _scratch = new JournalEvent();
        private long _next = 1;
        private long _spilledThrough;
        private int _pendingBytes;
        private long _pendingThrough;
        private long _readPosition;
        private bool _peekedFromStore;
        private long _lostFirst;
        private long _lostCount;

        /// <param name="store">Flash for events the RAM journal cannot keep; null for none.</param>
        /// <param name="storeCapacityBytes">The most flash the store may use.</param>
        public EventOutbox(IEventSpillStore store, long storeCapacityBytes)
        {
            _store = store;
            _storeCapacityBytes = store == null ? 0 : storeCapacityBytes;
        }

        /// <summary>The sequence the broker should get next.</summary>
        public long NextSequence => _next;

        /// <summary>Events written to flash since start.</summary>
        public long Spilled { get; private set; }

        /// <summary>Events overwritten before anybody published them.</summary>
        public long Lost { get; private set; }

        /// <summary>Events waiting in flash.</summary>
        public long InStore => _store == null ? 0 : (_store.Length - _readPosition) / EventRecord.Bytes;

        /// <summary>
        /// When the unpublished tail of the journal has filled three quarters of it, copies its oldest events (up to
        /// <see cref="SpillBatch"/>) into the spill buffer and returns how many; 0 when nothing is due. Hold the
        /// engine lock.
        /// </summary>
        public int PrepareSpill(EventJournal journal)
        {
            _pendingBytes = 0;
            if (_store == null)
            {
                return 0;
            }

            long start = _next > _spilledThrough ? _next : _spilledThrough;
            if (start < journal.OldestSequence)
            {
                start = journal.OldestSequence;
            }

            long unpublished = journal.NextSequence - start;
            if (unpublished * 4 < journal.Capacity * 3L)
            {
                return 0;
            }

            long end = start + SpillBatch;
            if (end > journal.NextSequence)
            {
                end = journal.NextSequence;
            }

            int count = 0;
            for (long sequence = start; sequence < end; sequence++)
            {
                if (journal.TryGet(sequence, _scratch) != ReplayStatus.Ok)
                {
                    break;
                }

                EventRecord.Write(_scratch, _spillBuffer, count * EventRecord.Bytes);
                count++;
            }

            _pendingBytes = count * EventRecord.Bytes;
            _pendingThrough = start + count;
            return count;
        }

        /// <summary>Writes what <see cref="PrepareSpill"/> gathered. No lock needed. False when flash is full or failed.</summary>
        public bool WriteSpill()
        {
            if (_pendingBytes == 0)
            {
                return true;
            }

            int bytes = _pendingBytes;
            _pendingBytes = 0;
            if (_store.Length + bytes > _storeCapacityBytes || !_store.Append(_spillBuffer, 0, bytes))
            {
                return false;
            }

            Spilled += bytes / EventRecord.Bytes;
            _spilledThrough = _pendingThrough;
            return true;
        }

        /// <summary>
        /// Copies the next event to publish into <paramref name="into"/>: from flash while it holds any, then from
        /// the journal. False when everything has been published. Hold the engine lock.
        /// </summary>
        public bool TryPeek(EventJournal journal, JournalEvent into)
        {
            _peekedFromStore = false;
            while (_store != null && _readPosition < _store.Length)
            {
                bool whole = _store.Read(_readPosition, _record, 0, EventRecord.Bytes) == EventRecord.Bytes;
                if (!whole || !EventRecord.TryRead(_record, 0, into) || into.Sequence < _next)
                {
                    // Damaged, or already published before a rewind: skip it.
                    Consume();
                    continue;
                }

                NoteLoss(_next, into.Sequence - _next);
                _next = into.Sequence;
                _peekedFromStore = true;
                return true;
            }

            long oldest = journal.OldestSequence;
            if (_next < oldest)
            {
                NoteLoss(_next, oldest - _next);
                _next = oldest;
            }

            return journal.TryGet(_next, into) == ReplayStatus.Ok;
        }

        /// <summary>The broker acknowledged the event last peeked.</summary>
        public void Acknowledge(JournalEvent published)
        {
            if (_peekedFromStore)
            {
                Consume();
                _peekedFromStore = false;
            }

            if (published.Sequence >= _next)
            {
                _next = published.Sequence + 1;
            }
        }

        /// <summary>
        /// A logger asked for events again from <paramref name="fromSequence"/>: publish them again where the journal
        /// still holds them. While flash is being drained the request is already being served in order. Hold the engine lock.
        /// </summary>
        public void Rewind(long fromSequence, EventJournal journal)
        {
            if (InStore > 0 || fromSequence >= _next)
            {
                return;
            }

            long oldest = journal.OldestSequence;
            _next = fromSequence < oldest ? oldest : fromSequence;
            if (_spilledThrough > _next)
            {
                // Those flash copies were published and cleared; the journal is the source again.
                _spilledThrough = _next;
            }
        }

        /// <summary>Hands over an unreported loss (first sequence, count) once; false when there is none.</summary>
        public bool TakeLoss(out long firstSequence, out long count)
        {
            firstSequence = _lostFirst;
            count = _lostCount;
            _lostCount = 0;
            return count > 0;
        }

        private void Consume()
        {
            _readPosition += EventRecord.Bytes;
            if (_readPosition >= _store.Length)
            {
                _store.Clear();
                _readPosition = 0;
            }
        }

        private void NoteLoss(long first, long count)
        {
            if (count <= 0)
            {
                return;
            }

            if (_lostCount == 0)
            {
                _lostFirst = first;
            }

            _lostCount += count;
            Lost += count;
        }
    }
}
