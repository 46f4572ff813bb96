namespace ClosedLoop.Engine.Tests;

public sealed class RmtPlannerTests
{
    private static readonly Gen<(long Delay, long Width, long Period, long Count)> Trains =
        from delay in Gen.OneOf(Gen.Long[0, 100], Gen.Long[0, 200_000])
        from width in Gen.OneOf(Gen.Long[1, 50], Gen.Long[1, 100_000])
        from gap in Gen.OneOf(Gen.Long[1, 50], Gen.Long[1, 100_000])
        from count in Gen.Long[1, 40]
        select (delay, width, width + gap, count);

    /// <summary>Walks the plan's halves and returns every level change (time, new level) and the total duration.</summary>
    private static (List<(long Time, bool Level)> Edges, long Total) Trace(RmtPlan plan)
    {
        var edges = new List<(long, bool)>();
        long t = 0;
        bool level = false;
        for (int i = 0; i < plan.ItemCount; i++)
        {
            foreach (var (duration, l) in new[] { (plan.Duration0[i], plan.Level0[i]), (plan.Duration1[i], plan.Level1[i]) })
            {
                if (duration == 0)
                {
                    continue;
                }

                if (l != level)
                {
                    edges.Add((t, l));
                    level = l;
                }

                t += duration;
            }
        }

        return (edges, t);
    }

    [Fact]
    public void Every_edge_lands_on_its_microsecond_and_durations_sum_to_the_train() =>
        Trains.Sample(train =>
        {
            var (delay, width, period, count) = train;
            var plan = new RmtPlan(8192);
            if (RmtPlanner.Plan(delay, width, period, count, plan) != PlanStatus.Ok)
            {
                return false;
            }

            var (edges, total) = Trace(plan);
            var expected = new List<(long, bool)>();
            for (long k = 0; k < count; k++)
            {
                expected.Add((delay + k * period, true));
                expected.Add((delay + k * period + width, false));
            }

            return total == delay + count * period && plan.TotalUs == total && edges.SequenceEqual(expected);
        });

    [Fact]
    public void Every_half_item_fits_the_counter_and_only_the_last_may_be_an_end_marker() =>
        Trains.Sample(train =>
        {
            var plan = new RmtPlan(8192);
            RmtPlanner.Plan(train.Delay, train.Width, train.Period, train.Count, plan);
            for (int i = 0; i < plan.ItemCount; i++)
            {
                bool last = i == plan.ItemCount - 1;
                if (plan.Duration0[i] < 1 || plan.Duration0[i] > RmtPlan.MaxTicksPerHalf)
                {
                    return false;
                }

                if (plan.Duration1[i] > RmtPlan.MaxTicksPerHalf || (plan.Duration1[i] == 0 && (!last || plan.Level1[i])))
                {
                    return false;
                }
            }

            return true;
        });

    [Fact]
    public void A_looping_pattern_becomes_a_repeat_unit_with_the_same_edges_an_even_number_of_halves_and_no_end_marker() =>
        Trains.Sample(train =>
        {
            // The patterns loop as one train closed for the hardware's loop mode (ExcitationPattern, SyncPulse).
            var (delay, width, period, _) = train;
            var plan = new RmtPlan(RmtPlanner.CountItems(delay, width, period, 1) + 8); // room to spread a little
            if (RmtPlanner.Plan(delay, width, period, 1, plan) != PlanStatus.Ok || !RmtPlanner.CloseLoop(plan))
            {
                return false;
            }

            var looped = Trace(plan);
            if (!plan.MakeRepeatUnit())
            {
                return false;
            }

            var halves = Enumerable.Range(0, plan.ItemCount).SelectMany(i => new[] { plan.Duration0[i], plan.Duration1[i] }).ToList();
            var unit = Trace(plan);
            return unit.Total == looped.Total && unit.Edges.SequenceEqual(looped.Edges) && halves.All(d => d is > 0 and <= RmtPlan.MaxTicksPerHalf);
        });

    [Fact]
    public void Patterns_of_the_board_are_repeat_units_once_made_so_and_one_of_single_ticks_cannot_be()
    {
        var sync = new RmtPlan(SyncPulse.MaxItems);
        Assert.Equal(PlanStatus.Ok, SyncPulse.Plan(10, sync));
        Assert.True(sync.MakeRepeatUnit());
        var (edges, total) = Trace(sync);
        Assert.Equal(SyncPulse.TicksPerPeriod, total);
        Assert.Equal(SyncPulse.MaxItems, sync.ItemCount); // spread over the whole plan
        Assert.Equal([(0L, true), (10 * 1_000_000 / SyncPulse.TickNs, false)], edges);
        Assert.DoesNotContain(Enumerable.Range(0, sync.ItemCount), i => sync.Duration0[i] == 0 || sync.Duration1[i] == 0);

        // One high tick then one low tick and an end marker: even already, the marker goes, nothing to spread.
        var tiny = new RmtPlan(2);
        Assert.Equal(PlanStatus.Ok, RmtPlanner.Plan(0, 1, 2, 1, tiny));
        Assert.True(RmtPlanner.CloseLoop(tiny));
        Assert.True(tiny.MakeRepeatUnit());
        Assert.Equal(1, tiny.ItemCount);

        // Three single ticks (odd, nothing to split): refused, plan unchanged.
        var odd = new RmtPlan(2);
        Assert.Equal(PlanStatus.Ok, RmtPlanner.Plan(1, 1, 2, 1, odd));
        int items = odd.ItemCount;
        Assert.False(odd.MakeRepeatUnit());
        Assert.Equal(items, odd.ItemCount);
    }

    [Fact]
    public void Counted_items_match_the_planned_items() =>
        Trains.Sample(train =>
        {
            var plan = new RmtPlan(8192);
            RmtPlanner.Plan(train.Delay, train.Width, train.Period, train.Count, plan);
            return RmtPlanner.CountItems(train.Delay, train.Width, train.Period, train.Count) == plan.ItemCount;
        });

    [Fact]
    public void A_long_segment_is_split_exactly()
    {
        var plan = new RmtPlan(16);

        Assert.Equal(PlanStatus.Ok, RmtPlanner.Plan(delayUs: 70_000, widthUs: 40_000, periodUs: 100_000, count: 1, plan));

        // 70000 low = 32767 + 32767 + 4466; 40000 high = 32767 + 7233; 60000 low = 32767 + 27233.
        ushort[] halves = [.. Enumerable.Range(0, plan.ItemCount).SelectMany(i => new[] { plan.Duration0[i], plan.Duration1[i] })];
        Assert.Equal(new ushort[] { 32767, 32767, 4466, 32767, 7233, 32767, 27233, 0 }, halves);
        Assert.Equal(170_000, plan.TotalUs);
    }

    [Fact]
    public void A_plan_too_big_for_its_buffer_is_refused_and_left_empty()
    {
        var plan = new RmtPlan(10);

        Assert.Equal(PlanStatus.TooManyItems, RmtPlanner.Plan(0, 10, 20, 11, plan));
        Assert.Equal(0, plan.ItemCount);
        Assert.Equal(0, plan.TotalUs);
    }

    [Theory]
    [InlineData(0, 0, 10, 1)]
    [InlineData(0, 10, 10, 1)]
    [InlineData(0, 5, 10, 0)]
    [InlineData(-1, 5, 10, 1)]
    public void Invalid_trains_are_refused(long delay, long width, long period, long count)
    {
        Assert.Equal(PlanStatus.InvalidTrain, RmtPlanner.Plan(delay, width, period, count, new RmtPlan(64)));
        Assert.Equal(-1, RmtPlanner.CountItems(delay, width, period, count));
    }

    [Fact]
    public void Chunks_for_refill_cover_every_item_once() =>
        Gen.Select(Gen.Int[1, 8], Gen.Long[1, 400]).Sample((blocks, count) =>
        {
            var plan = new RmtPlan(1024);
            RmtPlanner.Plan(0, 5_000, 50_000, count, plan);
            int chunk = blocks * RmtPlan.ItemsPerBlock;
            int covered = 0;
            for (int c = 0; c < plan.ChunkCount(chunk); c++)
            {
                if (plan.ChunkStart(c, chunk) != covered || plan.ChunkLength(c, chunk) < 1 || plan.ChunkLength(c, chunk) > chunk)
                {
                    return false;
                }

                covered += plan.ChunkLength(c, chunk);
            }

            return covered == plan.ItemCount;
        });
}
