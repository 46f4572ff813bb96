namespace ClosedLoop.Engine.Tests;

public sealed class DetectorTests
{
    private const long Period = 100_000; // 10 Hz keeps the hand calculations short.

    private sealed class Recorder : IDecisionListener
    {
        public List<(DecisionOutcome Outcome, long Onset, long Now, double DeltaZ, double Pre)> Decisions { get; } = [];

        public void OnDecision(DecisionOutcome outcome, long onsetUs, long nowUs, double deltaZ, double preMeanZ, bool early) =>
            Decisions.Add((outcome, onsetUs, nowUs, deltaZ, preMeanZ));

        public void OnScored(DecisionOutcome outcome, long onsetUs, long nowUs, double deltaZ, DecisionOutcome earlyOutcome, long earlyLatencyUs, double earlyBoundary) =>
            throw new InvalidOperationException("the window rule never scores an early decision");
    }

    private static DetectorSettings Settings(double threshold = 0.5, bool drop = true) => new()
    {
        PreUs = 1_000_000,
        PostUs = 1_000_000,
        DeficitThreshold = threshold,
        DropEnabled = drop,
        DropK = 2,
        DropMinUs = 300_000,
        Trigger = TriggerRule.Either,
    };

    /// <summary>Feeds z values at 10 Hz from t = 0, confirming an onset at <paramref name="onsetUs"/> when reached.</summary>
    private static Recorder Run(DetectorSettings settings, Func<long, double> z, long onsetUs, long untilUs, long? offsetUs = null)
    {
        var recorder = new Recorder();
        var history = new ZHistory(100);
        var detector = new ResponseDetector(settings, history, Period, recorder);
        for (long t = 0; t < untilUs; t += Period)
        {
            if (t == onsetUs)
            {
                detector.OnEncounterOn(onsetUs, t);
            }

            if (t == offsetUs)
            {
                detector.OnEncounterOff(t);
            }

            history.Add(t, z(t));
            detector.OnSample(t, z(t), t + Period);
        }

        return recorder;
    }

    [Fact]
    public void Delta_z_equals_the_hand_computed_difference_of_window_means()
    {
        // Pre window [1.0, 2.0) s holds z = 0..9 × 0.1 (mean 0.45); post window [2.0, 3.0) s holds 1.0 each plus 0.1 × k (mean 1.45).
        double Z(long t) => t < 2_000_000 ? (t / Period % 10) * 0.1 : 1.0 + (t / Period % 10) * 0.1;

        var decision = Assert.Single(Run(Settings(), Z, onsetUs: 2_000_000, untilUs: 4_000_000).Decisions);

        Assert.Equal(DecisionOutcome.Response, decision.Outcome);
        Assert.Equal(1.0, decision.DeltaZ, 12);
        Assert.Equal(0.45, decision.Pre, 12);
        // Decided when the cycle starting at 2.9 s completes, at 3.0 s.
        Assert.Equal(3_000_000, decision.Now);
    }

    [Fact]
    public void A_response_below_the_threshold_is_a_deficit()
    {
        double Z(long t) => t < 2_000_000 ? 0 : 0.3;

        var decision = Assert.Single(Run(Settings(threshold: 0.5, drop: false), Z, 2_000_000, 4_000_000).Decisions);

        Assert.Equal(DecisionOutcome.Deficit, decision.Outcome);
        Assert.Equal(0.3, decision.DeltaZ, 12);
    }

    [Fact]
    public void A_sustained_fall_during_the_encounter_is_a_drop_before_the_deficit_decision()
    {
        // z falls 3 spreads below the pre-onset mean from 2.2 s.
        double Z(long t) => t < 2_200_000 ? 0 : -3;

        var decisions = Run(Settings(), Z, 2_000_000, 4_000_000).Decisions;

        Assert.Equal([DecisionOutcome.Drop, DecisionOutcome.Deficit], decisions.Select(d => d.Outcome));
        // The run starts with the cycle at 2.2 s; 300 ms of it are complete when the 2.4 s cycle ends, at 2.5 s.
        Assert.Equal(2_500_000, decisions[0].Now);
        // Δz so far: mean of the post cycles seen (0, 0, -3, -3, -3) minus the pre mean 0.
        Assert.Equal(-1.8, decisions[0].DeltaZ, 12);
    }

    [Fact]
    public void A_brief_dip_is_not_a_drop()
    {
        double Z(long t) => t is >= 2_200_000 and < 2_400_000 ? -5 : 1;

        var decisions = Run(Settings(), Z, 2_000_000, 4_000_000).Decisions;

        Assert.DoesNotContain(decisions, d => d.Outcome == DecisionOutcome.Drop);
    }

    [Fact]
    public void No_drop_is_detected_after_the_encounter_ended()
    {
        double Z(long t) => t < 2_500_000 ? 0 : -5;

        var decisions = Run(Settings(), Z, 2_000_000, 4_000_000, offsetUs: 2_400_000).Decisions;

        Assert.Equal([DecisionOutcome.Deficit], decisions.Select(d => d.Outcome));
    }

    [Fact]
    public void Too_few_valid_cycles_before_onset_give_no_decision()
    {
        double Z(long t) => t < 1_700_000 ? double.NaN : 0;

        var decision = Assert.Single(Run(Settings(), Z, 2_000_000, 4_000_000).Decisions);

        Assert.Equal(DecisionOutcome.Insufficient, decision.Outcome);
    }

    [Fact]
    public void An_onset_before_the_history_covers_the_pre_window_is_insufficient()
    {
        var decision = Assert.Single(Run(Settings(), _ => 0, 500_000, 3_000_000).Decisions);

        Assert.Equal(DecisionOutcome.Insufficient, decision.Outcome);
    }

    [Fact]
    public void An_onset_while_a_window_is_open_is_marked_overlap()
    {
        var recorder = new Recorder();
        var history = new ZHistory(100);
        var detector = new ResponseDetector(Settings(), history, Period, recorder);
        for (long t = 0; t < 2_000_000; t += Period)
        {
            history.Add(t, 0);
        }

        detector.OnEncounterOn(2_000_000, 2_000_000);
        detector.OnEncounterOn(2_500_000, 2_500_000);

        Assert.Equal(DecisionOutcome.Overlap, Assert.Single(recorder.Decisions).Outcome);
    }

    [Fact]
    public void A_window_closes_by_poll_when_samples_stop()
    {
        var recorder = new Recorder();
        var history = new ZHistory(100);
        var detector = new ResponseDetector(Settings(), history, Period, recorder);
        for (long t = 0; t < 2_600_000; t += Period)
        {
            history.Add(t, t < 2_000_000 ? 0 : 2);
        }

        detector.OnEncounterOn(2_000_000, 2_000_000);
        detector.Poll(3_100_000);
        Assert.Empty(recorder.Decisions);
        detector.Poll(3_200_000);

        var decision = Assert.Single(recorder.Decisions);
        Assert.Equal(DecisionOutcome.Response, decision.Outcome);
        Assert.False(detector.IsMeasuring);
    }
}
