namespace ClosedLoop.Engine.Tests;

/// <summary>
/// What makes a logged session replay exactly: the chain works from the levels a sample frame carries (float32), each
/// processed sample says when the engine processed it, a recorded cycle can be invalid as it was live, and whether a
/// train still freezes the baselines is judged at the moment a cycle is processed, not at the board's last poll.
/// </summary>
public sealed class RecordedCycleTests
{
    private const long Second = 1_000_000;

    private sealed class LastSample : IProcessedSampleSink
    {
        public double RawSignal { get; private set; }

        public double RawControl { get; private set; }

        public long ProcessedAfterUs { get; private set; }

        public bool Valid { get; private set; }

        public double Dff { get; private set; }

        public void OnProcessed(ProcessedSample sample) =>
            (RawSignal, RawControl, ProcessedAfterUs, Valid, Dff) = (sample.RawSignal, sample.RawControl, sample.ProcessedAfterUs, sample.IsValid, sample.Dff);
    }

    private static (RigHarness Rig, LastSample Last) Recorded()
    {
        var rig = new RigHarness(TestConfig.With("processing.warmup_s=5", "processing.baseline_tau_s=20", "processing.fit_tau_s=30"));
        var last = new LastSample();
        rig.Engine.SetSampleSink(last);
        return (rig, last);
    }

    /// <summary>Feeds recorded cycles of a flat, slightly noisy light from the clock's now until <paramref name="untilUs"/>, each processed at its end.</summary>
    private static void Cycles(RigHarness rig, long untilUs)
    {
        var noise = new Random(3);
        long t = (rig.Clock.NowMicros / rig.PeriodUs) * rig.PeriodUs;
        for (; t < untilUs; t += rig.PeriodUs)
        {
            rig.Clock.AdvanceTo(t + rig.PeriodUs);
            rig.Engine.OnRecordedCycle(t, 2000 + (5 * noise.NextDouble()), 1000 + (3 * noise.NextDouble()), true);
        }
    }

    [Fact]
    public void A_cycle_works_from_its_levels_as_a_frame_carries_them_and_says_how_late_it_was_processed()
    {
        var (rig, last) = Recorded();
        long start = rig.Clock.NowMicros + Second;
        rig.Clock.AdvanceTo(start + rig.PeriodUs + 250);

        rig.Engine.OnRecordedCycle(start, 2000.123456789, 1000.987654321, true);

        Assert.Equal((double)2000.123456789f, last.RawSignal);
        Assert.Equal((double)1000.987654321f, last.RawControl);
        Assert.Equal(250, last.ProcessedAfterUs);
    }

    [Fact]
    public void A_recorded_invalid_cycle_enters_the_chain_as_invalid_and_its_levels_teach_nothing()
    {
        var (rig, last) = Recorded();
        Cycles(rig, 20 * Second);
        var fitBefore = rig.Engine.Chain.ZScore.Location;

        rig.Clock.AdvanceTo(rig.Clock.NowMicros + rig.PeriodUs);
        rig.Engine.OnRecordedCycle(rig.Clock.NowMicros - rig.PeriodUs, -79.875, 0.0, false);

        Assert.False(last.Valid);
        Assert.True(double.IsNaN(last.Dff));
        Assert.Equal(fitBefore, rig.Engine.Chain.ZScore.Location);
        Assert.DoesNotContain(rig.Events(EventKind.Fault), e => e.Code == (int)FaultCode.SignalLost);
    }

    [Fact]
    public void A_train_that_has_ended_no_longer_freezes_the_next_cycle_even_with_no_poll_since()
    {
        var (rig, _) = Recorded();
        rig.Engine.Arm();
        rig.Engine.StartSession();
        Cycles(rig, 20 * Second);
        rig.Engine.OnEncounterMessage(true);
        Cycles(rig, 22 * Second);
        rig.Engine.OnEncounterMessage(false);

        // The encounter's window closes about 3 s after its onset: a deficit, and a train.
        Cycles(rig, 26 * Second);
        var train = Assert.Single(rig.Events(EventKind.OutputStarted));
        long endUs = train.Ref1;
        Assert.True(rig.Engine.Chain.Frozen, "a running train freezes the baselines");

        // Cycles processed before the train's planned end, then the first one processed after it, with Poll never
        // called: that cycle is judged by the moment it is processed.
        long t = rig.Clock.NowMicros - rig.PeriodUs;
        while (t + (2 * rig.PeriodUs) < endUs)
        {
            t += rig.PeriodUs;
            rig.Clock.AdvanceTo(t + rig.PeriodUs);
            rig.Engine.OnRecordedCycle(t, 2000, 1000, true);
        }

        Assert.True(rig.Engine.Chain.Frozen);
        t += rig.PeriodUs;
        rig.Clock.AdvanceTo(t + rig.PeriodUs);
        Assert.True(rig.Clock.NowMicros >= endUs);
        rig.Engine.OnRecordedCycle(t, 2000, 1000, true);

        Assert.False(rig.Engine.Chain.Frozen, "the cycle processed after the train's end was kept from the baselines as if the train still ran");
    }
}
