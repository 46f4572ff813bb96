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
    }
}
