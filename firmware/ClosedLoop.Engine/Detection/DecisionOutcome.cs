namespace ClosedLoop.Engine.Detection
{
    /// <summary>What the detector concluded about one encounter.</summary>
    public enum DecisionOutcome
    {
        /// <summary>Δz at the decision time reached the threshold: the aIC responded.</summary>
        Response = 0,

        /// <summary>Δz stayed below the threshold: the response is missing.</summary>
        Deficit = 1,

        /// <summary>During the encounter z fell k spreads below the pre-onset mean for at least drop_min_ms.</summary>
        Drop = 2,

        /// <summary>Too few valid cycles in the pre or post window (start-up, signal loss): no decision.</summary>
        Insufficient = 3,

        /// <summary>The encounter began while the previous one's response window was still open: not measured.</summary>
        Overlap = 4,
    }

    /// <summary>Flag bits of a decision event.</summary>
    public enum DecisionFlags
    {
        None = 0,

        /// <summary>Decided by the early rule before the post window closed.</summary>
        Early = 1,
    }
}
