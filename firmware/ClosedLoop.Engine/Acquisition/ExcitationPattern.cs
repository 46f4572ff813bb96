using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Output;

namespace ClosedLoop.Engine.Acquisition
{
    /// <summary>
    /// The two LEDs' time-division patterns as looping RMT plans of one cycle each (1 µs ticks): the signal LED
    /// on for [0, signal_on_us), the control LED on for [signal_on_us, signal_on_us + control_on_us), then dark.
    /// The board starts the channels one after the other, so the control channel starts <c>leadUs</c> late; its
    /// pattern is shifted earlier by that much, which keeps both windows where the schedule expects them.
    /// </summary>
    public static class ExcitationPattern
    {
        /// <summary>A cycle's pattern fits this many items (one RMT block, which looping needs).</summary>
        public const int MaxItems = RmtPlan.ItemsPerBlock;

        /// <summary>Plans one LED's cycle; <paramref name="leadUs"/> is how late its channel starts after the signal channel.</summary>
        public static PlanStatus Plan(AcquisitionSettings settings, bool control, long leadUs, RmtPlan plan)
        {
            long period = settings.PeriodUs;
            PlanStatus status;
            if (!control)
            {
                status = RmtPlanner.Plan(0, settings.SignalOnUs, period, 1, plan);
            }
            else
            {
                long delay = settings.SignalOnUs - leadUs;
                if (leadUs < 0 || delay < 0)
                {
                    plan.Clear();
                    return PlanStatus.InvalidTrain;
                }

                status = RmtPlanner.Plan(delay, settings.ControlOnUs, period - delay, 1, plan);
            }

            if (status != PlanStatus.Ok)
            {
                return status;
            }

            if (!RmtPlanner.CloseLoop(plan) || plan.ItemCount > MaxItems)
            {
                plan.Clear();
                return PlanStatus.TooManyItems;
            }

            return PlanStatus.Ok;
        }
    }
}
