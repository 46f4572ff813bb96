namespace ClosedLoop.Engine.Wire
{
    /// <summary>What a command message asks of a rig.</summary>
    public enum CommandKind
    {
        None = 0,
        Arm = 1,
        Disarm = 2,
        EStop = 3,
        SessionStart = 4,
        SessionStop = 5,
        EncounterStart = 6,
        EncounterStop = 7,

        /// <summary>Publish every journaled event from <c>from_seq</c> on (the logger found a gap).</summary>
        Replay = 8,

        /// <summary>Queue a partner rig's trigger, <c>offset_us</c> after its session start (yoked mode).</summary>
        Yoke = 9,

        /// <summary>Measure the opto output's real pulse timing through the loopback input (disarmed rigs only).</summary>
        SelfTest = 10,

        /// <summary>Clear a latched e-stop (refused while the e-stop input is held). It arms nothing.</summary>
        EStopReset = 11,

        /// <summary>Send the sample frames from a number on again (a logger found them missing).</summary>
        ReplayFrames = 12,
    }
}
