using ClosedLoop.Engine.Journal;

namespace ClosedLoop.Engine.Wire
{
    /// <summary>
    /// Sample frames that RAM (<see cref="FrameOutbox"/>) would lose before the broker took them, in flash: a run of
    /// consecutive frame numbers, each in a fixed slot (2 length bytes, then the frame), so that any frame of the run
    /// is read back without an index. The link spills from RAM while the broker is away, publishes from here until it
    /// has caught up, then clears the file.
    /// </summary>
    public sealed class FrameSpill
    {
        private readonly IEventSpillStore _store;
        private readonly long _capacityBytes;
        private readonly int _slotBytes;
        private readonly byte[] _length = new byte[2];
        private long _first;
        private long _last;

        /// <param name="store">The file (on the board, flash).</param>
        /// <param name="capacityBytes">The most flash the run may use.</param>
        /// <param name="maxFrameBytes">The longest frame (<see cref="FrameOutbox.MaxFrameBytes"/>).</param>
        public FrameSpill(IEventSpillStore store, long capacityBytes, int maxFrameBytes)
        {
            _store = store;
            _capacityBytes = capacityBytes;
            _slotBytes = 2 + maxFrameBytes;
            _store.Clear();
        }

        /// <summary>The first frame number held (0 when empty).</summary>
        public long First => _first;

        /// <summary>The last frame number held (0 when empty).</summary>
        public long Last => _last;

        /// <summary>Frames in flash since start.</summary>
        public long Spilled { get; private set; }

        /// <summary>Appends frame <paramref name="number"/>, which must follow the last held; false when full or unwritable.</summary>
        public bool Add(long number, byte[] frame, int length)
        {
            if (_last != 0 && number != _last + 1)
            {
                return false;
            }

            if (_store.Length + _slotBytes > _capacityBytes)
            {
                return false;
            }

            _length[0] = (byte)length;
            _length[1] = (byte)(length >> 8);
            if (!_store.Append(_length, 0, 2) || !_store.Append(frame, 0, length))
            {
                return false;
            }

            // Pad the slot so that frame k always starts at (k - first) x slot.
            int padding = _slotBytes - 2 - length;
            while (padding > 0)
            {
                int chunk = padding < frame.Length ? padding : frame.Length;
                if (!_store.Append(frame, 0, chunk))
                {
                    return false;
                }

                padding -= chunk;
            }

            if (_first == 0)
            {
                _first = number;
            }

            _last = number;
            Spilled++;
            return true;
        }

        /// <summary>Copies frame <paramref name="number"/> into <paramref name="into"/>; its length, or 0 when not held.</summary>
        public int CopyTo(long number, byte[] into)
        {
            if (_first == 0 || number < _first || number > _last)
            {
                return 0;
            }

            long position = (number - _first) * _slotBytes;
            if (_store.Read(position, _length, 0, 2) != 2)
            {
                return 0;
            }

            int length = _length[0] | (_length[1] << 8);
            return _store.Read(position + 2, into, 0, length) == length ? length : 0;
        }

        /// <summary>Forgets the run (the broker has everything in it).</summary>
        public void Clear()
        {
            _store.Clear();
            _first = 0;
            _last = 0;
        }
    }
}
