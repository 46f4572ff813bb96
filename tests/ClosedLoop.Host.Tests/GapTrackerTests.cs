namespace ClosedLoop.Host.Tests;

public sealed class GapTrackerTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void In_order_sequences_leave_no_gap()
    {
        var gaps = new GapTracker();
        for (long s = 1; s <= 5; s++)
        {
            gaps.Saw("r", 1, s, 0);
        }

        Assert.Equal(5, gaps.High("r", 1));
        Assert.Empty(gaps.DueRequests(Now, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void A_jump_that_stands_still_asks_for_a_replay_from_the_first_missing_sequence_once_until_the_retry_time()
    {
        var gaps = new GapTracker();
        gaps.Saw("r", 1, 1, 0);
        gaps.Saw("r", 1, 4, 0);

        Assert.Empty(gaps.DueRequests(Now, TimeSpan.FromSeconds(2)));
        Assert.Empty(gaps.DueRequests(Now.AddSeconds(0.5), TimeSpan.FromSeconds(2)));
        Assert.Equal([("r", 1L, 2L, 0L)], gaps.DueRequests(Now.AddSeconds(1), TimeSpan.FromSeconds(2)));
        Assert.Empty(gaps.DueRequests(Now.AddSeconds(2), TimeSpan.FromSeconds(2)));
        Assert.Single(gaps.DueRequests(Now.AddSeconds(3), TimeSpan.FromSeconds(2)));
        Assert.Equal(2, gaps.Missing("r", 1));

        gaps.Saw("r", 1, 3, 0);
        gaps.Saw("r", 1, 2, 0);
        Assert.Equal(4, gaps.High("r", 1));
        Assert.Empty(gaps.DueRequests(Now.AddSeconds(10), TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void A_status_announcing_later_events_opens_a_gap_without_any_later_event()
    {
        var gaps = new GapTracker();
        gaps.Saw("r", 1, 1, 0);

        gaps.Expect("r", 1, 9, 0);

        Assert.Empty(gaps.DueRequests(Now, TimeSpan.FromSeconds(2)));
        Assert.Equal([("r", 1L, 2L, 0L)], gaps.DueRequests(Now.AddSeconds(1), TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void A_hole_that_is_filling_is_not_asked_about()
    {
        var gaps = new GapTracker();
        gaps.Expect("r", 1, 100, 0);
        Assert.Empty(gaps.DueRequests(Now, TimeSpan.FromSeconds(2)));

        gaps.Saw("r", 1, 1, 0);
        gaps.Saw("r", 1, 2, 0);

        Assert.Empty(gaps.DueRequests(Now.AddSeconds(5), TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void Boots_are_separate_streams()
    {
        var gaps = new GapTracker(new Dictionary<(string, long), long> { [("r", 1)] = 10 });
        gaps.Saw("r", 2, 1, 0);

        Assert.Equal((10L, 1L), (gaps.High("r", 1), gaps.High("r", 2)));
    }

    [Fact]
    public void A_forged_sequence_far_ahead_is_asked_about_a_bounded_number_of_times_then_reported_once()
    {
        var gaps = new GapTracker();
        gaps.Saw("r", 1, 1, 0);
        gaps.Saw("r", 1, long.MaxValue, 0);

        int requests = 0;
        for (int second = 0; second < 600; second++)
        {
            requests += gaps.DueRequests(Now.AddSeconds(second), TimeSpan.FromSeconds(2)).Count;
        }

        Assert.Equal(GapTracker.MaxRequestsPerHole, requests);
        Assert.Equal([("r", 1L, 2L, long.MaxValue - 1)], gaps.TakeAbandoned());
        Assert.Empty(gaps.TakeAbandoned());
    }

    [Fact]
    public void A_forged_sequence_far_ahead_of_a_live_rig_is_given_up_for_good_though_live_events_move_the_holes_start()
    {
        // The outsider's case: one forged event with sequence 2^63-1, and the rig goes on journaling in order (an
        // event every 3 s), so that the hole's start moves on and each start would begin the count again.
        var gaps = new GapTracker();
        gaps.Saw("r", 1, 1, 0);
        gaps.Saw("r", 1, long.MaxValue, 0);

        int requests = 0;
        long next = 2;
        for (int second = 0; second < 1200; second++)
        {
            if (second % 3 == 0)
            {
                gaps.Saw("r", 1, next++, 0);
            }

            requests += gaps.DueRequests(Now.AddSeconds(second), TimeSpan.FromSeconds(2)).Count;
        }

        Assert.InRange(requests, 1, GapTracker.MaxRequestsPerHoleEnd);
        var abandoned = gaps.TakeAbandoned();
        Assert.Equal(long.MaxValue - 1, abandoned[^1].To);
        Assert.Empty(gaps.DueRequests(Now.AddSeconds(1300), TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void A_hole_that_fills_in_part_is_asked_about_afresh()
    {
        var gaps = new GapTracker();
        gaps.Saw("r", 1, 1, 0);
        gaps.Saw("r", 1, 100, 0);
        for (int second = 0; second < 30; second++)
        {
            gaps.DueRequests(Now.AddSeconds(second), TimeSpan.FromSeconds(2));
        }

        gaps.Saw("r", 1, 2, 0);

        Assert.Empty(gaps.DueRequests(Now.AddSeconds(31), TimeSpan.FromSeconds(2)));
        Assert.Single(gaps.DueRequests(Now.AddSeconds(32), TimeSpan.FromSeconds(2)));
    }
}
