namespace ClosedLoop.Engine.Tests;

/// <summary>A lost signal is a fault with invalid cycles, never a missing response that triggers stimulation.</summary>
public sealed class SignalLossTests
{
    private const long Second = 1_000_000;
    private const long Onset = 40 * Second;

    private static RigConfig Fast(params string[] more) =>
        TestConfig.With([.. new[] { "processing.warmup_s=5", "processing.baseline_tau_s=20", "processing.fit_tau_s=30" }, .. more]);

    /// <summary>An armed closed-loop rig whose light changes at the encounter's onset as <paramref name="lose"/> says.</summary>
    private static RigHarness EncounterWhileLosing(Action<RigHarness> lose)
    {
        var rig = new RigHarness(Fast());
        var noise = new Random(4);
        rig.Control = _ => 1000 + 3 * noise.NextDouble();
        rig.Signal = _ => 2000 + 6 * noise.NextDouble();
        rig.Engine.Arm();
        rig.Engine.StartSession();
        rig.RunUntil(Onset - Second);
        lose(rig);
        rig.RunUntil(Onset);
        rig.EncounterInput(true);
        rig.RunFor(5 * Second);
        rig.EncounterInput(false);
        rig.RunFor(5 * Second);
        return rig;
    }

    public static TheoryData<string, SignalLoss> Losses => new()
    {
        { "patch cord off", SignalLoss.SignalFloor },
        { "control LED dead", SignalLoss.ControlFloor },
        { "detector saturated", SignalLoss.Rail },
    };

    private static void Lose(RigHarness rig, SignalLoss loss)
    {
        switch (loss)
        {
            case SignalLoss.SignalFloor:
                rig.Signal = _ => rig.Dark + 2;
                rig.Control = _ => rig.Dark + 3;
                break;
            case SignalLoss.ControlFloor:
                rig.Control = _ => rig.Dark;
                break;
            case SignalLoss.Rail:
                rig.Signal = _ => 4095;
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void A_lost_signal_is_one_fault_disarms_and_no_decision_triggers_output(string what, SignalLoss loss)
    {
        var rig = EncounterWhileLosing(r => Lose(r, loss));

        var fault = Assert.Single(rig.Events(EventKind.Fault));
        Assert.Equal((FaultCode.SignalLost, (long)loss), ((FaultCode)fault.Code, fault.Ref1));
        Assert.False(rig.Engine.Gate.IsArmed);
        Assert.Empty(rig.Opto.Starts);
        Assert.Empty(rig.Events(EventKind.OutputStarted));
        Assert.All(rig.Events(EventKind.Decision), d => Assert.Equal(DecisionOutcome.Insufficient, (DecisionOutcome)d.Code));
        Assert.False(rig.Engine.Latest.IsValid, what);
        Assert.True(double.IsNaN(rig.Engine.Latest.Z), what);
    }

    [Fact]
    public void The_same_loss_with_the_light_intact_would_have_been_a_deficit_that_stimulates()
    {
        // The control for the test above: an encounter with no response and good light does trigger a train.
        var rig = EncounterWhileLosing(_ => { });

        Assert.Empty(rig.Events(EventKind.Fault));
        Assert.Contains(rig.Events(EventKind.Decision), d => (DecisionOutcome)d.Code == DecisionOutcome.Deficit);
        Assert.Single(rig.Opto.Starts);
    }

    [Fact]
    public void A_fit_that_runs_away_is_a_loss_too()
    {
        // The signal LED fades to a seventh over ten seconds while the control holds: too slow for a step (1.7 %
        // per 100 ms), but no physiology does that either.
        var rig = EncounterWhileLosing(r =>
        {
            long from = r.Clock.NowMicros;
            r.Signal = t => 2000 * Math.Max(0.15, 1 - (double)(t - from) / (10 * Second));
        });

        Assert.Equal((long)SignalLoss.FitDiverged, Assert.Single(rig.Events(EventKind.Fault)).Ref1);
        Assert.Empty(rig.Opto.Starts);
    }

    [Theory]
    [InlineData(0.75)]
    [InlineData(0.60)]
    [InlineData(0.45)]
    [InlineData(1.30)]
    public void Light_that_steps_faster_than_an_indicator_can_move_it_is_a_loss_not_a_deficit(double remaining)
    {
        // Within the fit's and dF/F's limits for 75 % and 60 %, so before the step check these were drops that stimulated.
        var rig = EncounterWhileLosing(r => { });
        var stepped = new RigHarness(Fast());
        var noise = new Random(4);
        long stepAt = Onset + 200_000;
        stepped.Control = _ => 1000 + 3 * noise.NextDouble();
        stepped.Signal = t => (2000 + 6 * noise.NextDouble()) * (t >= stepAt && t < stepAt + 6 * Second ? remaining : 1);
        stepped.Engine.Arm();
        stepped.Engine.StartSession();
        stepped.RunUntil(Onset);
        stepped.EncounterInput(true);
        stepped.RunFor(5 * Second);
        stepped.EncounterInput(false);
        stepped.RunFor(5 * Second);

        var fault = Assert.Single(stepped.Events(EventKind.Fault));
        Assert.Equal(((long)FaultCode.SignalLost, (long)SignalLoss.LightStep), ((long)fault.Code, fault.Ref1));
        Assert.InRange(fault.TimeUs, stepAt, stepAt + 3 * stepped.PeriodUs);
        Assert.Empty(stepped.Opto.Starts);
        var decision = Assert.Single(stepped.Events(EventKind.Decision));
        Assert.Equal(DecisionOutcome.Insufficient, (DecisionOutcome)decision.Code);
        Assert.True(double.IsNaN(decision.Value1), "a void window states no delta z");
        Assert.Single(rig.Opto.Starts);
    }

    [Fact]
    public void Light_that_comes_back_ends_the_episode_and_the_baseline_is_what_it_was_before()
    {
        var rig = new RigHarness(Fast());
        var noise = new Random(4);
        rig.Control = _ => 1000 + 3 * noise.NextDouble();
        rig.Signal = t => (2000 + 6 * noise.NextDouble()) * (t >= 30 * Second && t < 36 * Second ? 0.6 : 1);
        rig.RunUntil(30 * Second - 1);
        var before = (rig.Engine.Chain.ZScore.Location, rig.Engine.Chain.ZScore.Spread, rig.Engine.Chain.Fit.Predict(900));

        rig.RunUntil(36 * Second);
        var during = (rig.Engine.Chain.ZScore.Location, rig.Engine.Chain.ZScore.Spread, rig.Engine.Chain.Fit.Predict(900));
        rig.RunUntil(40 * Second);

        // Only the step's first cycle (before the median of three could tell it from a glitch) reaches them.
        Assert.InRange(during.Location - before.Location, -0.05 * before.Spread, 0.05 * before.Spread);
        Assert.InRange(during.Spread / before.Spread, 0.99, 1.01);
        Assert.InRange(during.Item3 / before.Item3, 0.998, 1.002);
        Assert.Single(rig.Events(EventKind.Fault));
        Assert.True(rig.Engine.Latest.IsValid);
        Assert.InRange(Math.Abs(rig.Engine.Latest.Z), 0, 4);
    }

    [Fact]
    public void Light_that_settles_at_a_new_level_is_learnt_afresh_with_a_new_warm_up()
    {
        var rig = new RigHarness(Fast("processing.relevel_s=3"));
        var noise = new Random(4);
        rig.Control = _ => 1000 + 3 * noise.NextDouble();
        rig.Signal = t => (2000 + 6 * noise.NextDouble()) * (t >= 30 * Second ? 0.6 : 1);

        rig.RunUntil(33 * Second);
        Assert.False(rig.Engine.Latest.IsValid);
        rig.RunUntil(34 * Second);
        Assert.True(rig.Engine.Latest.IsValid);
        Assert.False(rig.Engine.Latest.IsReady);
        rig.RunUntil(45 * Second);

        Assert.True(rig.Engine.Latest.IsReady);
        Assert.InRange(Math.Abs(rig.Engine.Latest.Z), 0, 4);
        Assert.Single(rig.Events(EventKind.Fault));
    }

    [Fact]
    public void A_single_glitch_cycle_is_not_a_step()
    {
        var rig = new RigHarness(Fast());
        var noise = new Random(4);
        rig.Control = _ => 1000 + 3 * noise.NextDouble();
        long glitch = 30 * Second;
        rig.Signal = t => (2000 + 6 * noise.NextDouble()) * (t >= glitch && t < glitch + rig.PeriodUs ? 0.5 : 1);

        rig.RunUntil(40 * Second);

        Assert.Empty(rig.Events(EventKind.Fault));
    }

    [Fact]
    public void Light_that_returns_for_a_second_ends_the_episode_and_a_new_loss_is_reported_again()
    {
        var rig = new RigHarness(Fast());
        var guard = new SignalGuard(rig.Engine.Config.Acquisition, rig.Engine.Config.Processing);

        Assert.True(guard.Record(SignalLoss.Rail));
        Assert.False(guard.Record(SignalLoss.Rail));
        for (int i = 0; i < SignalGuard.RecoveryCycles - 1; i++)
        {
            Assert.False(guard.Record(SignalLoss.None));
        }

        Assert.False(guard.Record(SignalLoss.SignalFloor));
        for (int i = 0; i < SignalGuard.RecoveryCycles; i++)
        {
            guard.Record(SignalLoss.None);
        }

        Assert.False(guard.IsLost);
        Assert.True(guard.Record(SignalLoss.SignalFloor));
    }
}
