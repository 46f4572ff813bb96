namespace ClosedLoop.Engine.Acquisition
{
    /// <summary>
    /// One excitation cycle reduced to a mean reading per phase (ADC counts). Reused from cycle to cycle:
    /// copy what you need to keep.
    /// </summary>
    public sealed class CycleSample
    {
        public long CycleIndex;

        /// <summary>The cycle's start (µs); its values become available at <c>StartUs + period</c>.</summary>
        public long StartUs;

        public double Signal;
        public double Control;
        public double Dark;
        public int SignalCount;
        public int ControlCount;
        public int DarkCount;

        /// <summary>False when a phase had fewer valid readings than required: the values are then not to be trusted.</summary>
        public bool IsValid;
    }
}
