namespace ClosedLoop.Engine.Detection
{
    /// <summary>
    /// The last N cycles' (time, z), in a ring allocated once, so that at an onset the detector can look back
    /// over the pre-onset window. NaN marks a cycle without a valid z.
    /// </summary>
    public sealed class ZHistory
    {
        private readonly long[] _timeUs;
        private readonly double[] _z;
        private int _next;
        private int _count;

        // Mean's one window, allocated once.
        private readonly double[] _meanSum = new double[1];
        private readonly int[] _meanValid = new int[1];

        public ZHistory(int capacity)
        {
            _timeUs = new long[capacity];
            _z = new double[capacity];
        }

        public int Capacity => _z.Length;

        public int Count => _count;

        public void Add(long timeUs, double z)
        {
            _timeUs[_next] = timeUs;
            _z[_next] = z;
            _next = (_next + 1) % _z.Length;
            if (_count < _z.Length)
            {
                _count++;
            }
        }

        /// <summary>Marks every held cycle from <paramref name="fromUs"/> on as without a valid z (light found untrustworthy after it was used).</summary>
        public void InvalidateFrom(long fromUs)
        {
            for (int i = 0; i < _count; i++)
            {
                int slot = (_next - 1 - i + _z.Length) % _z.Length;
                if (_timeUs[slot] < fromUs)
                {
                    return;
                }

                _z[slot] = double.NaN;
            }
        }

        /// <summary>
        /// The mean of valid z over cycles whose time lies in [fromUs, toUs); <paramref name="valid"/> says how
        /// many counted and <paramref name="seen"/> how many cycles lay in the window at all. NaN when none counted.
        /// </summary>
        public double Mean(long fromUs, long toUs, out int valid, out int seen)
        {
            seen = GrowingSums(fromUs, toUs, 1, 1, _meanSum, _meanValid);
            valid = _meanValid[0];
            return valid > 0 ? _meanSum[0] / valid : double.NaN;
        }

        /// <summary>
        /// Sums of valid z over the growing windows [<paramref name="fromUs"/>, <paramref name="firstEndUs"/> + k ×
        /// <paramref name="stepUs"/>) for k = 0 .. count - 1, in one pass back through the ring (the early rule asks
        /// for all its looks at once). <paramref name="sums"/> and <paramref name="valid"/> hold at least count.
        /// Returns how many cycles lay in the longest window at all, valid or not.
        /// </summary>
        public int GrowingSums(long fromUs, long firstEndUs, long stepUs, int count, double[] sums, int[] valid)
        {
            for (int k = 0; k < count; k++)
            {
                sums[k] = 0;
                valid[k] = 0;
            }

            int seen = 0;
            long endUs = firstEndUs + (count - 1) * stepUs;
            int index = _next;
            for (int i = 0; i < _count; i++)
            {
                index = index == 0 ? _z.Length - 1 : index - 1;
                long t = _timeUs[index];
                if (t < fromUs)
                {
                    // Times only decrease going back.
                    break;
                }

                if (t >= endUs)
                {
                    continue;
                }

                seen++;
                double z = _z[index];
                if (double.IsNaN(z))
                {
                    continue;
                }

                // The first window this cycle belongs to; every later (longer) one holds it too.
                int first = t < firstEndUs ? 0 : (int)((t - firstEndUs) / stepUs) + 1;
                sums[first] += z;
                valid[first]++;
            }

            for (int k = 1; k < count; k++)
            {
                sums[k] += sums[k - 1];
                valid[k] += valid[k - 1];
            }

            return seen;
        }

        /// <summary>Whether the oldest held cycle is at or before <paramref name="timeUs"/> (the window is fully covered).</summary>
        public bool Covers(long timeUs)
        {
            if (_count == 0)
            {
                return false;
            }

            int oldest = _count < _z.Length ? 0 : _next;
            return _timeUs[oldest] <= timeUs;
        }
    }
}
