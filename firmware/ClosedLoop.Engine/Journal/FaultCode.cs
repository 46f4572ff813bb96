namespace ClosedLoop.Engine.Journal
{
    public enum FaultCode
    {
        /// <summary>A reading's timestamp went backwards by more than a cycle (clock or sampler fault).</summary>
        TimeWentBackwards = 1,

        /// <summary>No valid cycle arrived for longer than the stall limit.</summary>
        AcquisitionStalled = 2,

        /// <summary>An output driver reported an error.</summary>
        OutputDriver = 3,

        /// <summary>Reported by the board (e.g. flash or network), with a board-specific detail.</summary>
        Board = 4,

        /// <summary>The LED channels could not be started with every edge inside the settle guards; detail = worst lateness (µs).</summary>
        ExcitationTiming = 5,

        /// <summary>The light cannot be physiology (a channel at floor or rail, or the fit ran away); detail = <see cref="Processing.SignalLoss"/>. Those cycles are invalid.</summary>
        SignalLost = 6,

        /// <summary>Another rig publishes under this rig's id; detail = its boot id. Configs are not taken while it lasts.</summary>
        DuplicateRigId = 7,

        /// <summary>
        /// The disarmed rig's acquisition did not meet its plan for two measured seconds in a row: more than a tenth
        /// of the cycles lacked min_readings in a phase; detail = readings per lit phase per cycle x 10. Arming is
        /// refused until a second meets it.
        /// </summary>
        AcquisitionRate = 8,

        /// <summary>
        /// The hardware arm chain, read back, disagreed with the e-stop and key inputs for longer than a contact bounces;
        /// detail = <see cref="Output.InterlockMonitor.ChainClosedWhileOff"/> or <see cref="Output.InterlockMonitor.ChainOpenWhileOn"/>.
        /// Disarmed; arming is refused until they agree again.
        /// </summary>
        Interlock = 9,
    }
}
