namespace ClosedLoop.Engine.Output
{
    /// <summary>
    /// Turns a pulse train (delay, width, period, count; µs) into RMT items so that every edge lands on its
    /// requested microsecond: rising edges at delay + k·period, falling edges at delay + k·period + width, and
    /// the items' durations summing to delay + count·period. Segments longer than one half-item are split into
    /// equal-level pieces (which make no edge). Nothing is allocated.
    /// </summary>
    internal static class RmtPlanner
    {
        /// <summary>How many items the train needs, without planning it; -1 for an invalid train.</summary>
        public static int CountItems(long delayUs, long widthUs, long periodUs, long count)
        {
            if (!IsValid(delayUs, widthUs, periodUs, count))
            {
                return -1;
            }

            long halves = Halves(delayUs) + count * (Halves(widthUs) + Halves(periodUs - widthUs));
            long items = (halves + 1) / 2;
            return items > int.MaxValue ? int.MaxValue : (int)items;
        }

        /// <summary>Fills <paramref name="plan"/>, or leaves it empty and says why not.</summary>
        public static PlanStatus Plan(long delayUs, long widthUs, long periodUs, long count, RmtPlan plan)
        {
            plan.Clear();
            int needed = CountItems(delayUs, widthUs, periodUs, count);
            if (needed < 0)
            {
                return PlanStatus.InvalidTrain;
            }

            if (needed > plan.Capacity)
            {
                return PlanStatus.TooManyItems;
            }

            int half = 0;
            half = AddSegment(plan, half, false, delayUs);
            for (long k = 0; k < count; k++)
            {
                half = AddSegment(plan, half, true, widthUs);
                half = AddSegment(plan, half, false, periodUs - widthUs);
            }

            if ((half & 1) != 0)
            {
                // Close the last item with a zero-length low half: the RMT's end-of-transmission marker.
                plan.Duration1[half >> 1] = 0;
                plan.Level1[half >> 1] = false;
                half++;
            }

            plan.ItemCount = half >> 1;
            return PlanStatus.Ok;
        }

        /// <summary>
        /// Makes <paramref name="plan"/> a pattern the RMT can loop: in loop mode the hardware starts again at an
        /// end marker, so a plan with an even number of halves gets one (a zero item). False when it has no room.
        /// </summary>
        public static bool CloseLoop(RmtPlan plan)
        {
            if (plan.ItemCount > 0 && plan.Duration1[plan.ItemCount - 1] == 0)
            {
                return true;
            }

            if (plan.ItemCount == plan.Capacity)
            {
                return false;
            }

            plan.Duration0[plan.ItemCount] = 0;
            plan.Level0[plan.ItemCount] = false;
            plan.Duration1[plan.ItemCount] = 0;
            plan.Level1[plan.ItemCount] = false;
            plan.ItemCount++;
            return true;
        }

        /// <summary>See <see cref="RmtPlan.MakeRepeatUnit"/>.</summary>
        internal static bool MakeRepeatUnit(RmtPlan plan)
        {
            // Halves before the first zero duration: the pattern proper.
            int halves = 0;
            while (halves < 2 * plan.ItemCount && HalfTicks(plan, halves) != 0)
            {
                halves++;
            }

            if ((halves & 1) != 0)
            {
                int longest = Longest(plan, halves);
                if (HalfTicks(plan, longest) < 2 || (halves + 1) / 2 > plan.Capacity)
                {
                    return false;
                }

                SplitHalf(plan, longest, halves);
                halves++;
            }

            // Spread the pass over the plan's whole capacity, two halves at a time: a 3.0 channel released while it
            // plays stops where it next passes the start of its memory (one block: 64 symbols), so the more symbols
            // a pass has, the sooner that comes (at most about one pass when the pass fills a block).
            while (halves + 2 <= 2 * plan.Capacity && HalfTicks(plan, Longest(plan, halves)) >= 4)
            {
                SplitHalf(plan, Longest(plan, halves), halves);
                halves++;
                SplitHalf(plan, Longest(plan, halves), halves);
                halves++;
            }

            plan.ItemCount = halves / 2;
            return plan.ItemCount > 0;
        }

        private static int Longest(RmtPlan plan, int halves)
        {
            int longest = 0;
            for (int h = 1; h < halves; h++)
            {
                if (HalfTicks(plan, h) > HalfTicks(plan, longest))
                {
                    longest = h;
                }
            }

            return longest;
        }

        /// <summary>Splits half <paramref name="half"/> of the first <paramref name="halves"/> into two of its level, shifting the rest on.</summary>
        private static void SplitHalf(RmtPlan plan, int half, int halves)
        {
            for (int h = halves - 1; h > half; h--)
            {
                SetHalf(plan, h + 1, HalfTicks(plan, h), HalfLevel(plan, h));
            }

            int ticks = HalfTicks(plan, half);
            bool level = HalfLevel(plan, half);
            SetHalf(plan, half, ticks / 2, level);
            SetHalf(plan, half + 1, ticks - (ticks / 2), level);
        }

        private static int HalfTicks(RmtPlan plan, int half)
        {
            return (half & 1) == 0 ? plan.Duration0[half >> 1] : plan.Duration1[half >> 1];
        }

        private static bool HalfLevel(RmtPlan plan, int half)
        {
            return (half & 1) == 0 ? plan.Level0[half >> 1] : plan.Level1[half >> 1];
        }

        private static void SetHalf(RmtPlan plan, int half, int ticks, bool level)
        {
            if ((half & 1) == 0)
            {
                plan.Duration0[half >> 1] = (ushort)ticks;
                plan.Level0[half >> 1] = level;
            }
            else
            {
                plan.Duration1[half >> 1] = (ushort)ticks;
                plan.Level1[half >> 1] = level;
            }
        }

        private static bool IsValid(long delayUs, long widthUs, long periodUs, long count)
        {
            return delayUs >= 0 && widthUs >= 1 && periodUs > widthUs && count >= 1;
        }

        private static long Halves(long durationUs)
        {
            return (durationUs + RmtPlan.MaxTicksPerHalf - 1) / RmtPlan.MaxTicksPerHalf;
        }

        private static int AddSegment(RmtPlan plan, int half, bool level, long durationUs)
        {
            long remaining = durationUs;
            while (remaining > 0)
            {
                int piece = remaining > RmtPlan.MaxTicksPerHalf ? RmtPlan.MaxTicksPerHalf : (int)remaining;
                int item = half >> 1;
                if ((half & 1) == 0)
                {
                    plan.Duration0[item] = (ushort)piece;
                    plan.Level0[item] = level;
                }
                else
                {
                    plan.Duration1[item] = (ushort)piece;
                    plan.Level1[item] = level;
                }

                plan.TotalUs += piece;
                remaining -= piece;
                half++;
            }

            return half;
        }
    }
}
