namespace ClosedLoop.Engine.Output
{
    /// <summary>
    /// One hardware output (on the board an RMT channel, carrier off, idle low). The engine calls it only after
    /// every limit has passed, and the driver shapes the pulses in hardware: managed code never times an edge.
    /// </summary>
    public interface IOutputChannel
    {
        /// <summary>Transmits the plan from now. The plan's buffers are reused: copy the items before returning.</summary>
        void Start(RmtPlan plan);

        /// <summary>Stops any transmission and drives the pin low at once.</summary>
        void ForceLow();

        /// <summary>
        /// Until when (rig µs) the hardware may still be clocking a train cut short and cannot take a new one, behind
        /// an output held low; <see cref="long.MinValue"/> for a driver that can always start at once. The engine
        /// refuses a train (<see cref="RefusalReason.Busy"/>) until then.
        /// </summary>
        long BusyUntilUs { get; }
    }
}
