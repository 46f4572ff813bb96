using ClosedLoop.Engine.Processing;

namespace ClosedLoop.Engine.Wire
{
    /// <summary>
    /// A link's sample frames: processed samples batched into numbered frames, and the last <c>capacity</c>
    /// complete frames kept (slots allocated once), so that a frame the broker or the logger missed can be sent
    /// again while it is held. The link publishes frames in number order from here; a logger that finds a hole
    /// asks for a replay from its first missing frame, and frames no longer held are reported as lost.
    /// <para>
    /// Threading: the engine calls <see cref="OnProcessed"/> with its lock held; the link reads with the same lock.
    /// </para>
    /// </summary>
    public sealed class FrameOutbox : IProcessedSampleSink
    {
        private readonly SampleFrameWriter _writer;
        private readonly byte[][] _slots;
        private readonly int[] _lengths;
        private long _newest;

        /// <param name="samplesPerFrame">Samples per frame (link.sample_batch).</param>
        /// <param name="bootId">The rig's boot, written into every frame.</param>
        /// <param name="periodUs">The acquisition cycle period, from which readers compute each sample's time.</param>
        /// <param name="capacity">Complete frames kept for replay (journal.frame_capacity); at least one.</param>
        public FrameOutbox(int samplesPerFrame, long bootId, long periodUs, int capacity)
        {
            _writer = new SampleFrameWriter(samplesPerFrame, bootId, periodUs);
            int slots = capacity < 1 ? 1 : capacity;
            _slots = new byte[slots][];
            _lengths = new int[slots];
            for (int i = 0; i < slots; i++)
            {
                _slots[i] = new byte[_writer.Buffer.Length];
            }
        }

        /// <summary>Complete frames held at most.</summary>
        public int Capacity => _slots.Length;

        /// <summary>The longest a frame can be (bytes).</summary>
        public int MaxFrameBytes => _writer.Buffer.Length;

        /// <summary>The number of the newest complete frame (0 before the first).</summary>
        public long Newest => _newest;

        /// <summary>The number of the oldest frame still held (0 before the first).</summary>
        public long Oldest => _newest == 0 ? 0 : (_newest > _slots.Length ? _newest - _slots.Length + 1 : 1);

        public void OnProcessed(ProcessedSample sample)
        {
            if (_writer.TryAdd(sample))
            {
                return;
            }

            Complete();
            _writer.TryAdd(sample);
        }

        /// <summary>Closes the frame being filled (e.g. when sampling stops), so that its samples are not held back.</summary>
        public void Flush()
        {
            if (_writer.Count > 0)
            {
                Complete();
            }
        }

        /// <summary>Copies frame <paramref name="number"/> into <paramref name="into"/>; its length, or 0 when it is not held.</summary>
        public int CopyTo(long number, byte[] into)
        {
            if (number < Oldest || number > _newest || number < 1)
            {
                return 0;
            }

            int slot = (int)((number - 1) % _slots.Length);
            int length = _lengths[slot];
            System.Array.Copy(_slots[slot], into, length);
            return length;
        }

        private void Complete()
        {
            int slot = (int)((_writer.Sequence - 1) % _slots.Length);
            System.Array.Copy(_writer.Buffer, _slots[slot], _writer.Length);
            _lengths[slot] = _writer.Length;
            _newest = _writer.Sequence;
            _writer.Clear();
        }
    }
}
