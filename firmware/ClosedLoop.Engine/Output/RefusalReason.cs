namespace ClosedLoop.Engine.Output
{
    /// <summary>Why a train was not started. Each refusal is journaled with the value and the limit it broke.</summary>
    public enum RefusalReason
    {
        None = 0,
        EStopLatched = 1,
        NotArmed = 2,
        NoSession = 3,
        Busy = 4,
        Refractory = 5,
        MinInterval = 6,
        MaxDuty = 7,
        MaxTrainLength = 8,
        MaxTrainsPerHour = 9,
        MaxTrainsPerSession = 10,
        MaxCumulativeDose = 11,
        PlanTooLarge = 12,
        InvalidTrain = 13,
        EStopInputActive = 14,

        /// <summary>Arming waits while the timing self-test drives the opto output.</summary>
        SelfTestRunning = 15,

        /// <summary>A command delivered as a retained message: it was sent at some unknown time before.</summary>
        Retained = 16,

        /// <summary>A command whose deadline (<c>until_us</c>, rig time) had passed when it arrived.</summary>
        Stale = 17,

        /// <summary>A command whose deadline lies further ahead than a command may live.</summary>
        DeadlineTooFar = 18,

        /// <summary>A command addressed to another boot of the rig (sent before it restarted).</summary>
        OtherBoot = 19,

        /// <summary>A command id already seen: a redelivery, not applied twice.</summary>
        Duplicate = 20,

        /// <summary>A command that could not be read (see the rig's journal for why).</summary>
        Malformed = 21,

        /// <summary>Refused while the rig is armed (self-test).</summary>
        Armed = 22,

        /// <summary>Refused while a session runs (self-test, a second session start).</summary>
        InSession = 23,

        /// <summary>A yoked trigger sent to a rig that is not in yoked mode.</summary>
        NotYoked = 24,

        /// <summary>A yoked trigger that found the queue full.</summary>
        QueueFull = 25,

        /// <summary>A replay asked for sooner than <see cref="Wire.CommandDispatcher.MinReplayIntervalUs"/> after the last one.</summary>
        RateLimited = 26,

        /// <summary>Arming refused: the rig's last measured second of acquisition did not meet the plan (see its acquisition_rate fault).</summary>
        AcquisitionTooSlow = 27,

        /// <summary>A command other than a replay request on the replay topic, which the logger's account may write: it may ask for replays, not act.</summary>
        WrongTopic = 28,

        /// <summary>Arming refused: the hardware arm chain, read back, disagrees with the e-stop and key inputs (see the rig's interlock fault).</summary>
        InterlockMismatch = 29,
    }
}
