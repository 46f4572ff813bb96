namespace ClosedLoop.Engine.Output
{
    /// <summary>
    /// The 1 Hz sync output as one looping RMT pattern. A second is not a whole number of 1 µs half-items that
    /// fit one memory block, so this channel counts 3.125 µs ticks (ClockDivider 250 on the 80 MHz APB clock):
    /// exactly 320,000 ticks a second. The pattern is one high pulse and the rest of the second low, closed by an
    /// end marker, from which the hardware loops back to the start: the edges never depend on managed code.
    /// </summary>
    public static class SyncPulse
    {
        public const int ClockDivider = 250;

        /// <summary>Nanoseconds per tick at <see cref="ClockDivider"/>.</summary>
        public const long TickNs = 3125;

        public const long PeriodUs = 1000000;

        public const long TicksPerPeriod = PeriodUs * 1000 / TickNs;

        /// <summary>A looping pattern must fit one RMT memory block with the driver's stop item.</summary>
        public const int MaxItems = RmtPlan.LoopItemsPerBlock;

        /// <summary>Plans one period with a <paramref name="pulseMs"/> high pulse; the plan's durations are in ticks.</summary>
        public static PlanStatus Plan(long pulseMs, RmtPlan plan)
        {
            long widthTicks = pulseMs * 1000000 / TickNs;
            PlanStatus status = RmtPlanner.Plan(0, widthTicks, TicksPerPeriod, 1, plan);
            if (status != PlanStatus.Ok)
            {
                return status;
            }

            if (!RmtPlanner.CloseLoop(plan))
            {
                plan.Clear();
                return PlanStatus.TooManyItems;
            }

            return plan.ItemCount > MaxItems ? PlanStatus.TooManyItems : PlanStatus.Ok;
        }
    }
}
