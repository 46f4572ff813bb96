namespace ClosedLoop.Engine.Tests;

/// <summary>
/// The early rule ([detector] rule = early): it decides once the growing window is clear against the animal's own
/// quiet-time spread, never calls a deficit above the threshold, follows the experimenter's error rates, waits until
/// it has measured enough quiet time, and leaves the full window's verdict in the journal to score it against.
/// </summary>
public sealed class EarlyRuleTests
{
    private const long Period = 100_000; // 10 Hz keeps the arithmetic visible.
    private const long Second = 1_000_000;
    private const long Onset = 60 * Second;

    private sealed class Recorder : IDecisionListener
    {
        public List<(DecisionOutcome Outcome, long LatencyUs, double DeltaZ, bool Early)> Decisions { get; } = [];

        public List<(DecisionOutcome Full, double FullDeltaZ, DecisionOutcome Early, long EarlyLatencyUs, double Boundary)> Scores { get; } = [];

        public void OnDecision(DecisionOutcome outcome, long onsetUs, long nowUs, double deltaZ, double preMeanZ, bool early) =>
            Decisions.Add((outcome, nowUs - onsetUs, deltaZ, early));

        public void OnScored(DecisionOutcome outcome, long onsetUs, long nowUs, double deltaZ, DecisionOutcome earlyOutcome, long earlyLatencyUs, double earlyBoundary) =>
            Scores.Add((outcome, deltaZ, earlyOutcome, earlyLatencyUs, earlyBoundary));
    }

    /// <summary>Pre 1 s, post 2 s, looks at 0.5, 0.75 ... 1.75 s (six), threshold 1, a typical response of 3.</summary>
    private static DetectorSettings Settings(double falseDeficit = 0.05, double responseDz = 3) => new()
    {
        PreUs = 1 * Second,
        PostUs = 2 * Second,
        DeficitThreshold = 1,
        Trigger = TriggerRule.Deficit,
        Rule = DecisionRule.Early,
        EarlyMinUs = 500_000,
        EarlyStepUs = 250_000,
        EarlyFalseDeficit = falseDeficit,
        EarlyFalseResponse = 0.05,
        ResponseDz = responseDz,
    };

    /// <summary>
    /// z is uniform noise of spread <paramref name="spread"/>, drawn every cycle or held for whole seconds
    /// (<paramref name="slow"/>: slow fluctuations, which a longer window does not average away), until
    /// <paramref name="quietUntilUs"/>, then exactly 0, and <paramref name="encounterZ"/> from the onset (60 s) for 3 s.
    /// </summary>
    private static (Recorder Recorder, ResponseDetector Detector) Run(DetectorSettings settings, double encounterZ, double spread = 0.3, long quietUntilUs = 50 * Second, long onsetUs = Onset, bool slow = false)
    {
        double held = 0;
        var recorder = new Recorder();
        var history = new ZHistory(ResponseDetector.HistoryCapacity(settings, new EncounterSettings(), Period));
        var detector = new ResponseDetector(settings, history, Period, recorder);
        var random = new SeededRandom(11);
        for (long t = 0; t < onsetUs + 10 * Second; t += Period)
        {
            if (t == onsetUs)
            {
                detector.OnEncounterOn(onsetUs, t);
            }

            if (t == onsetUs + 3 * Second)
            {
                detector.OnEncounterOff(t);
            }

            if (!slow || t % Second == 0)
            {
                held = spread * Math.Sqrt(3) * (2 * random.NextDouble() - 1);
            }

            double z = t >= onsetUs && t < onsetUs + 3 * Second ? encounterZ
                : t < quietUntilUs ? held
                : 0;
            history.Add(t, z);
            detector.OnSample(t, z, t + Period);
        }

        return (recorder, detector);
    }

    [Fact]
    public void A_flat_encounter_is_a_deficit_at_the_first_look_and_the_window_scores_it()
    {
        var (recorder, detector) = Run(Settings(), encounterZ: 0);

        Assert.True(detector.Early!.IsReady);
        var decision = Assert.Single(recorder.Decisions);
        Assert.Equal((DecisionOutcome.Deficit, 500_000L, 0.0, true), decision);
        var score = Assert.Single(recorder.Scores);
        Assert.Equal((DecisionOutcome.Deficit, 0.0, DecisionOutcome.Deficit, 500_000L), (score.Full, score.FullDeltaZ, score.Early, score.EarlyLatencyUs));
        Assert.Equal(1.0, score.Boundary);
    }

    [Fact]
    public void A_clear_response_is_a_response_at_the_first_look_and_teaches_the_rule()
    {
        var (recorder, detector) = Run(Settings(), encounterZ: 3);

        Assert.Equal((DecisionOutcome.Response, 500_000L, 3.0, true), Assert.Single(recorder.Decisions));
        var score = Assert.Single(recorder.Scores);
        Assert.Equal((DecisionOutcome.Response, 3.0, DecisionOutcome.Response), (score.Full, score.FullDeltaZ, score.Early));
        Assert.Equal(1, detector.Early!.ResponsesLearned);
        Assert.Equal(3.0, detector.Early.LearnedResponseMean(0), 9);
    }

    [Fact]
    public void Until_enough_quiet_time_is_measured_the_window_decides()
    {
        // Onset at 20 s: about 17 pseudo-onsets measured, fewer than the 30 the rule needs.
        var (recorder, detector) = Run(Settings(), encounterZ: 0, quietUntilUs: 20 * Second, onsetUs: 20 * Second);

        Assert.False(detector.Early!.IsReady);
        Assert.InRange(detector.Early.QuietLooks, 1, EarlyEvidence.MinQuietLooks - 1);
        var decision = Assert.Single(recorder.Decisions);
        Assert.Equal(DecisionOutcome.Deficit, decision.Outcome);
        Assert.False(decision.Early);
        Assert.InRange(decision.LatencyUs, 2 * Second, 2 * Second + Period);
        Assert.Empty(recorder.Scores);
    }

    [Fact]
    public void A_deficit_is_never_called_early_above_the_threshold_nor_a_response_within_the_quiet_spread()
    {
        // Slow noise of spread 1: at every look q × s0 (q = 2.39 for 5 % over six looks) lies above a Δz of 1.2, so no
        // early response; and the deficit boundary is the threshold 1, however large a typical response is.
        var settings = Settings(responseDz: 10);
        var (recorder, detector) = Run(settings, encounterZ: 1.2, spread: 1, slow: true);

        double q = Numeric.NormalQuantile(1 - settings.EarlyFalseResponse / detector.Early!.Looks);
        Assert.All(Enumerable.Range(0, detector.Early.Looks), k => Assert.True(q * detector.Early.QuietSpread(k) > 1.2, $"look {k}: s0 = {detector.Early.QuietSpread(k):F2}"));
        var decision = Assert.Single(recorder.Decisions);
        Assert.Equal((DecisionOutcome.Response, false), (decision.Outcome, decision.Early));
        Assert.InRange(decision.LatencyUs, 2 * Second, 2 * Second + Period);
    }

    [Theory]
    [InlineData(0.05, true)]
    [InlineData(0.0001, false)]
    public void The_false_deficit_rate_moves_the_deficit_boundary(double falseDeficit, bool decidedEarly)
    {
        // Δz 0.9 is below the threshold. With a typical response of 4 and slow noise (s0 between 0.75 and 1.2), the
        // boundary 4 - q × s0 stays above 0.9 (capped at the threshold) for 5 % (q = 2.39) but falls below it for
        // 0.01 % (q = 4.15): then 0.9 waits for the window.
        var (recorder, detector) = Run(Settings(falseDeficit, responseDz: 4), encounterZ: 0.9, spread: 1, slow: true);

        Assert.All(Enumerable.Range(0, detector.Early!.Looks), k => Assert.InRange(detector.Early.QuietSpread(k), 0.75, 1.2));
        var decision = Assert.Single(recorder.Decisions);
        Assert.Equal((DecisionOutcome.Deficit, decidedEarly), (decision.Outcome, decision.Early));
    }

    [Fact]
    public void The_window_rule_decides_once_at_the_close_as_before()
    {
        var settings = Settings();
        settings.Rule = DecisionRule.Window;

        var (recorder, detector) = Run(settings, encounterZ: 0);

        Assert.Null(detector.Early);
        Assert.Equal((DecisionOutcome.Deficit, false), (Assert.Single(recorder.Decisions).Outcome, recorder.Decisions[0].Early));
        Assert.Empty(recorder.Scores);
    }

    [Fact]
    public void On_the_engine_an_early_deficit_starts_the_train_during_the_contact_and_both_verdicts_are_journaled()
    {
        var rig = new RigHarness(TestConfig.With("processing.warmup_s=5", "processing.baseline_tau_s=20", "processing.fit_tau_s=30", "detector.rule=early"));
        var noise = new Random(4);
        rig.Control = _ => 1000 + 3 * noise.NextDouble();
        rig.Signal = _ => 2000 + 6 * noise.NextDouble();
        rig.Engine.Arm();
        rig.Engine.StartSession();
        rig.RunUntil(90 * Second);
        rig.EncounterInput(true);
        rig.RunFor(2 * Second);
        rig.EncounterInput(false);
        rig.RunFor(10 * Second);

        var decision = Assert.Single(rig.Events(EventKind.Decision));
        Assert.Equal((DecisionOutcome.Deficit, (int)DecisionFlags.Early), ((DecisionOutcome)decision.Code, decision.Flags));
        Assert.InRange(decision.Ref2, 500_000, 2 * Second);
        var start = Assert.Single(rig.Opto.Starts);
        Assert.Equal(decision.TimeUs, start.TimeUs);
        var scored = Assert.Single(rig.Events(EventKind.DecisionScored));
        Assert.Equal((decision.Ref1, decision.Ref2, (int)DecisionOutcome.Deficit), (scored.Ref1, scored.Ref2, scored.Flags));
        Assert.InRange(scored.TimeUs - scored.Ref1, 3 * Second, 3 * Second + 2 * rig.PeriodUs);
        Assert.True(scored.TimeUs > decision.TimeUs);
    }

    [Theory]
    [InlineData(0.5, 0.0)]
    [InlineData(0.975, 1.959964)]
    [InlineData(0.995, 2.575829)]
    [InlineData(0.01, -2.326348)]
    [InlineData(1e-5, -4.264891)]
    [InlineData(0.99999, 4.264891)]
    public void The_normal_quantile_matches_the_tables(double p, double z)
    {
        Assert.Equal(z, Numeric.NormalQuantile(p), 5);
    }

    [Fact]
    public void Growing_sums_equal_the_window_means_they_stand_for()
    {
        var history = new ZHistory(50);
        var random = new Random(3);
        for (long t = 0; t < 40 * Period; t += Period)
        {
            history.Add(t, random.Next(10) == 0 ? double.NaN : random.NextDouble());
        }

        var sums = new double[6];
        var valid = new int[6];
        long from = 10 * Period + 50_000;
        history.GrowingSums(from, from + 5 * Period, 3 * Period, 6, sums, valid);

        for (int k = 0; k < 6; k++)
        {
            double mean = history.Mean(from, from + 5 * Period + k * 3 * Period, out int n, out _);
            Assert.Equal(n, valid[k]);
            Assert.Equal(mean, sums[k] / valid[k], 12);
        }
    }
}
