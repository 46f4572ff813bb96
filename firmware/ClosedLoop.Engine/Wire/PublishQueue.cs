using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Processing;

namespace ClosedLoop.Engine.Wire
{
    /// <summary>
    /// What a rig's link publishes next and what the broker has taken, the same for the board and the virtual rig:
    /// events in sequence through the <see cref="EventOutbox"/> (RAM journal, then a spill store, then events_lost)
    /// and numbered sample frames through the <see cref="FrameOutbox"/> (RAM, then a <see cref="FrameSpill"/>, then
    /// frames_lost), each advanced only once the broker acknowledged it (QoS 1), and replays a logger asks for.
    /// <para>
    /// Threading: the engine (sampling, inputs, commands) feeds it under the engine lock (<see cref="OnProcessed"/>,
    /// <see cref="RequestEventReplay"/>, <see cref="RequestFrameReplay"/>, <see cref="NewestFrame"/>); one link thread
    /// drains it with the other methods, which take the engine lock themselves only to read the journal or RAM
    /// frames, so that writing a spill store (flash on the board) never holds up sampling.
    /// </para>
    /// </summary>
    public sealed class PublishQueue : IProcessedSampleSink
    {
        private readonly ClosedLoopEngine _engine;
        private readonly object _engineLock;
        private readonly EventOutbox _events;
        private readonly FrameOutbox _frames;
        private readonly FrameSpill _frameSpill;
        private readonly byte[] _spillBuffer;
        private long _framesSentThrough;
        private long _framesReportedLostThrough;
        private long _frameReplayFrom = -1;
        private long _eventReplayFrom = -1;

        /// <param name="engine">The engine whose journal and losses this queue serves.</param>
        /// <param name="engineLock">The lock every use of the engine holds.</param>
        /// <param name="sampleBatch">Samples per frame (link.sample_batch).</param>
        /// <param name="eventSpill">Where events wait that the RAM journal cannot hold (null: none).</param>
        /// <param name="eventSpillBytes">The most bytes <paramref name="eventSpill"/> may hold.</param>
        /// <param name="frameSpill">Where sample frames wait that RAM cannot hold (null: none).</param>
        /// <param name="frameSpillBytes">The most bytes <paramref name="frameSpill"/> may hold.</param>
        public PublishQueue(ClosedLoopEngine engine, object engineLock, int sampleBatch, IEventSpillStore eventSpill, long eventSpillBytes, IEventSpillStore frameSpill, long frameSpillBytes)
        {
            _engine = engine;
            _engineLock = engineLock;
            long periodUs;
            int frameCapacity;
            long bootId;
            lock (engineLock)
            {
                periodUs = engine.Config.Acquisition.PeriodUs;
                frameCapacity = engine.Config.Board.FrameCapacity;
                bootId = engine.Journal.BootId;
            }

            _events = new EventOutbox(eventSpill, eventSpillBytes);
            _frames = new FrameOutbox(sampleBatch, bootId, periodUs, frameCapacity);
            _spillBuffer = new byte[_frames.MaxFrameBytes];
            _frameSpill = frameSpill == null ? null : new FrameSpill(frameSpill, frameSpillBytes, _frames.MaxFrameBytes);
        }

        /// <summary>The largest frame <see cref="TakeNextFrame"/> may copy out.</summary>
        public int MaxFrameBytes => _frames.MaxFrameBytes;

        /// <summary>The newest complete frame's number (engine lock held): the status announces it.</summary>
        public long NewestFrame => _frames.Newest;

        /// <summary>Frames made but not yet taken by the broker (engine lock held).</summary>
        public long FramesPending => _frames.Newest - _framesSentThrough;

        /// <summary>The number of the frame <see cref="TakeNextFrame"/> hands out next (absent a replay request or a loss).</summary>
        public long NextFrameNumber => _framesSentThrough + 1;

        /// <summary>The sequence the broker should get next.</summary>
        public long NextEventSequence => _events.NextSequence;

        /// <summary>Events that went to the spill store since start.</summary>
        public long EventsSpilled => _events.Spilled;

        /// <summary>Frames that went to the spill store since start.</summary>
        public long FramesSpilled => _frameSpill == null ? 0 : _frameSpill.Spilled;

        /// <summary>Called by the engine for every processed sample (engine lock held).</summary>
        public void OnProcessed(ProcessedSample sample)
        {
            _frames.OnProcessed(sample);
        }

        /// <summary>A logger asked for events again (engine lock held): the next <see cref="TryPeekEvent"/> starts there.</summary>
        public void RequestEventReplay(long fromSequence)
        {
            _eventReplayFrom = fromSequence;
        }

        /// <summary>A logger asked for frames again (engine lock held): the next <see cref="TakeNextFrame"/> starts there.</summary>
        public void RequestFrameReplay(long fromFrame)
        {
            _frameReplayFrom = fromFrame < 1 ? 1 : fromFrame;
        }

        /// <summary>Moves to the spill stores what RAM is about to lose; the store writes run outside the engine lock.</summary>
        public void ServiceSpills()
        {
            ServiceEventSpill();
            ServiceFrameSpill();
        }

        /// <summary>Journals (once) the events neither RAM nor the spill store could keep.</summary>
        public void ReportLosses()
        {
            long first;
            long count;
            if (_events.TakeLoss(out first, out count))
            {
                lock (_engineLock)
                {
                    _engine.ReportEventsLost(first, count);
                }
            }
        }

        /// <summary>Copies the next event to publish into <paramref name="into"/>; false when the broker has them all.</summary>
        public bool TryPeekEvent(JournalEvent into)
        {
            lock (_engineLock)
            {
                if (_eventReplayFrom >= 0)
                {
                    _events.Rewind(_eventReplayFrom, _engine.Journal);
                    _eventReplayFrom = -1;
                }

                return _events.TryPeek(_engine.Journal, into);
            }
        }

        /// <summary>The broker acknowledged the event last peeked.</summary>
        public void EventSent(JournalEvent published)
        {
            _events.Acknowledge(published);
        }

        /// <summary>
        /// Copies the next frame to publish into <paramref name="into"/> (at least <see cref="MaxFrameBytes"/>) and
        /// returns its length, 0 when none is due. Frames in number order: from RAM, or from the spill store for those
        /// RAM no longer holds; frames in neither are journaled as frames_lost and skipped.
        /// </summary>
        public int TakeNextFrame(byte[] into)
        {
            ServiceFrameSpill();
            int length = 0;
            lock (_engineLock)
            {
                if (_frameReplayFrom >= 0)
                {
                    _framesSentThrough = _frameReplayFrom - 1;
                    _frameReplayFrom = -1;
                }

                long next = _framesSentThrough + 1;
                long oldest = _frames.Oldest;
                if (oldest > 0 && next < oldest && !InSpill(next))
                {
                    // Neither RAM nor the spill store holds these: they are gone. The store may hold later ones. Each
                    // frame is reported lost once: a replay asked for before the logger saw the report finds the
                    // same gap again.
                    long resume = _frameSpill != null && _frameSpill.First > next && _frameSpill.First < oldest ? _frameSpill.First : oldest;
                    long firstUnreported = next > _framesReportedLostThrough ? next : _framesReportedLostThrough + 1;
                    if (firstUnreported < resume)
                    {
                        _engine.ReportFramesLost(firstUnreported, resume - firstUnreported);
                        _framesReportedLostThrough = resume - 1;
                    }

                    _framesSentThrough = resume - 1;
                    next = resume;
                }

                if (next >= oldest && next <= _frames.Newest)
                {
                    length = _frames.CopyTo(next, into);
                }
            }

            if (length == 0 && InSpill(_framesSentThrough + 1))
            {
                // From the spill store, outside the engine lock: the link thread owns it.
                length = _frameSpill.CopyTo(_framesSentThrough + 1, into);
            }

            return length;
        }

        /// <summary>The broker acknowledged the frame last taken.</summary>
        public void FrameSent()
        {
            _framesSentThrough++;
            if (_frameSpill != null && _frameSpill.Last > 0 && _framesSentThrough >= _frameSpill.Last)
            {
                // Everything in the spill store has reached the broker.
                _frameSpill.Clear();
            }
        }

        private bool InSpill(long number)
        {
            return _frameSpill != null && _frameSpill.First > 0 && number >= _frameSpill.First && number <= _frameSpill.Last;
        }

        private void ServiceEventSpill()
        {
            while (true)
            {
                int prepared;
                lock (_engineLock)
                {
                    prepared = _events.PrepareSpill(_engine.Journal);
                }

                if (prepared == 0 || !_events.WriteSpill())
                {
                    return;
                }
            }
        }

        /// <summary>
        /// Copies to the spill store the unpublished frames RAM is about to lose (once fewer than half of its slots are
        /// left ahead of them). It runs before every frame taken, so that a slow catch-up from the store never lets RAM
        /// overwrite a frame that is in neither.
        /// </summary>
        private void ServiceFrameSpill()
        {
            if (_frameSpill == null)
            {
                return;
            }

            while (true)
            {
                long next;
                int length = 0;
                lock (_engineLock)
                {
                    next = (_frameSpill.Last > _framesSentThrough ? _frameSpill.Last : _framesSentThrough) + 1;
                    long capacity = _frames.Capacity;
                    bool atRisk = next <= _frames.Newest && next >= _frames.Oldest && _frames.Newest - next >= (capacity / 2) - 1;
                    if (atRisk)
                    {
                        length = _frames.CopyTo(next, _spillBuffer);
                    }
                }

                if (length == 0 || !_frameSpill.Add(next, _spillBuffer, length))
                {
                    return;
                }
            }
        }
    }
}
