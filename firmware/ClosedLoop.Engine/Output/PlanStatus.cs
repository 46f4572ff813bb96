namespace ClosedLoop.Engine.Output
{
    public enum PlanStatus
    {
        /// <summary>The plan holds every edge of the train.</summary>
        Ok,

        /// <summary>Width, period, count or delay out of range (width must be ≥ 1 µs and below the period).</summary>
        InvalidTrain,

        /// <summary>The train needs more RMT items than the plan may hold.</summary>
        TooManyItems,
    }
}
