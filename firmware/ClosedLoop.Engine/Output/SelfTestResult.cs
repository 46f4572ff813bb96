namespace ClosedLoop.Engine.Output
{
    /// <summary>How a timing self-test ended (the <c>result</c> of a self_test event).</summary>
    public enum SelfTestResult
    {
        None = 0,

        /// <summary>Every pulse came back, each width and period within the tolerance.</summary>
        Passed = 1,

        /// <summary>Pulses came back, but too few or with an error beyond the tolerance.</summary>
        Failed = 2,

        /// <summary>Not run: the rig was armed, in a session, e-stopped, or the test train could not be planned.</summary>
        Refused = 3,

        /// <summary>Nothing came back on the loopback input (not wired?).</summary>
        NoSignal = 4,

        /// <summary>This rig has no output hardware to measure (a virtual rig).</summary>
        NoHardware = 5,
    }
}
