namespace ClosedLoop.Engine.Output
{
    /// <summary>
    /// A pulse train as ESP32 RMT items, held in arrays allocated once. Item i is
    /// (Duration0[i] ticks at Level0[i], then Duration1[i] ticks at Level1[i]); one tick is 1 µs
    /// (ClockDivider 80 on the 80 MHz APB clock). A final half of duration 0 is the hardware's end marker.
    /// </summary>
    public sealed class RmtPlan
    {
        /// <summary>The longest half-item the RMT counter holds (15 bits).</summary>
        public const int MaxTicksPerHalf = 32767;

        /// <summary>Items in one RMT memory block.</summary>
        public const int ItemsPerBlock = 64;

        /// <summary>
        /// The most items a looping pattern may have per memory block: the ESP32 driver (rmt_write_items) appends
        /// its own stop item after the pattern and turns looping off, playing the pattern once, when the pattern
        /// fills the block.
        /// </summary>
        public const int LoopItemsPerBlock = ItemsPerBlock - 1;

        public RmtPlan(int capacity)
        {
            Duration0 = new ushort[capacity];
            Duration1 = new ushort[capacity];
            Level0 = new bool[capacity];
            Level1 = new bool[capacity];
        }

        public ushort[] Duration0 { get; private set; }

        public ushort[] Duration1 { get; private set; }

        public bool[] Level0 { get; private set; }

        public bool[] Level1 { get; private set; }

        public int Capacity => Duration0.Length;

        public int ItemCount { get; internal set; }

        /// <summary>The sum of all item durations: the train's length in µs.</summary>
        public long TotalUs { get; internal set; }

        /// <summary>How many refills of <paramref name="itemsPerChunk"/> items the board sends this plan in.</summary>
        public int ChunkCount(int itemsPerChunk)
        {
            return (ItemCount + itemsPerChunk - 1) / itemsPerChunk;
        }

        /// <summary>The first item of chunk <paramref name="chunk"/>.</summary>
        public int ChunkStart(int chunk, int itemsPerChunk)
        {
            return chunk * itemsPerChunk;
        }

        /// <summary>How many items chunk <paramref name="chunk"/> holds.</summary>
        public int ChunkLength(int chunk, int itemsPerChunk)
        {
            int start = chunk * itemsPerChunk;
            int remaining = ItemCount - start;
            return remaining < itemsPerChunk ? remaining : itemsPerChunk;
        }

        /// <summary>
        /// Makes a looping pattern (closed by an end marker, for the RMT's loop mode) a unit that a driver repeats
        /// back to back with no end marker in it, as RMT 3.0's encoder does on the base ESP32, which has no loop mode
        /// there: the marker goes, and an odd number of halves is made even by splitting the longest half into two of
        /// its level, so that no edge moves; then long halves are split further until the pass fills the plan's
        /// capacity (a released 3.0 channel stops sooner, see RmtPlanner). False, leaving the plan as it was, when
        /// there is nothing to split.
        /// </summary>
        public bool MakeRepeatUnit()
        {
            return RmtPlanner.MakeRepeatUnit(this);
        }

        internal void Clear()
        {
            ItemCount = 0;
            TotalUs = 0;
        }
    }
}
