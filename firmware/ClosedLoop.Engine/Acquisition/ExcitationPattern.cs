using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Output;

namespace ClosedLoop.Engine.Acquisition
{
    /// <summary>
    /// The two LEDs' time-division patterns as looping RMT plans of one cycle each (1 µs ticks): the signal LED
    /// on for [0, signal_on_us), the control LED on for [signal_on_us, signal_on_us + control_on_us), then dark.
    /// The board starts the channels one after the other, so the control channel starts <c>leadUs</c> late; its
    /// pattern is shifted earlier by that much, which keeps both windows where the schedule expects them.
    /// <para>
    /// When exactly a channel starts inside its start call is unknown, so the board takes the epoch just before the
    /// signal channel's call and plans the control pattern for a lag no longer than that call took. Every LED edge
    /// then comes at or after the schedule's, never before, and a late edge is harmless while it stays inside the
    /// settle guard that follows each scheduled edge (<see cref="ControlAligned"/>).
    /// </para>
    /// </summary>
    public static class ExcitationPattern
    {
        /// <summary>A cycle's pattern fits this many items (one RMT block with the driver's stop item, which looping needs).</summary>
        public const int MaxItems = RmtPlan.LoopItemsPerBlock;

        /// <summary>How often the board may restart the LEDs to bring the control pattern into line.</summary>
        public const int MaxAttempts = 4;

        /// <summary>
        /// True when both LEDs' edges are sure to fall inside the settle guards: the signal channel's start call took
        /// <paramref name="signalCallUs"/> (from the epoch), both calls together <paramref name="bothCallsUs"/>, and
        /// the control pattern was planned for a lag of <paramref name="plannedLeadUs"/>. Each LED is then at most
        /// half a settle guard late, and the control LED never early.
        /// </summary>
        public static bool ControlAligned(AcquisitionSettings settings, long plannedLeadUs, long signalCallUs, long bothCallsUs)
        {
            return signalCallUs * 2 < settings.SettleUs
                && plannedLeadUs <= signalCallUs
                && (bothCallsUs - plannedLeadUs) * 2 < settings.SettleUs;
        }

        /// <summary>
        /// The lag to plan for next: what the control channel can be sure to start after the epoch (the signal call's
        /// length), less a sixteenth of the settle guard, so that the next call, a little quicker, still finds it aligned.
        /// </summary>
        public static long NextLead(AcquisitionSettings settings, long signalCallUs)
        {
            long lead = signalCallUs - (settings.SettleUs / 16);
            if (lead < 0)
            {
                return 0;
            }

            return lead > settings.SignalOnUs ? settings.SignalOnUs : lead;
        }

        /// <summary>How late an LED edge can be when the calls took this long and the control pattern was planned for this lag.</summary>
        public static long WorstLateUs(long plannedLeadUs, long signalCallUs, long bothCallsUs)
        {
            long control = bothCallsUs - plannedLeadUs;
            long early = plannedLeadUs - signalCallUs;
            long worst = control > signalCallUs ? control : signalCallUs;
            return early > worst ? early : worst;
        }

        /// <summary>
        /// Plans an LED held on or off for as long as the pattern loops (one colour continuously, or dark). A looping
        /// RMT channel cannot be told to stop or to hold a level; it can only be given another pattern, so "on" and
        /// "off" are patterns too.
        /// </summary>
        public static void PlanSteady(bool lit, RmtPlan plan)
        {
            plan.Clear();
            plan.Duration0[0] = RmtPlan.MaxTicksPerHalf;
            plan.Level0[0] = lit;
            plan.Duration1[0] = RmtPlan.MaxTicksPerHalf;
            plan.Level1[0] = lit;
            plan.ItemCount = 1;
            plan.TotalUs = 2L * RmtPlan.MaxTicksPerHalf;
            RmtPlanner.CloseLoop(plan);
        }

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
