namespace ClosedLoop.Engine.Tests;

/// <summary>A lost signal is a fault with invalid cycles, never a missing response that triggers stimulation.</summary>
public sealed class SignalLossTests
{
    private const long Second = 1_000_000;
    private const long Onset = 40 * Second;

    private static RigConfig Fast() => TestConfig.With("processing.warmup_s=5", "processing.baseline_tau_s=20", "processing.fit_tau_s=30");

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
        // The signal LED fades to a tenth while the control holds: no physiology does that.
        var rig = EncounterWhileLosing(r => r.Signal = _ => 300);

        Assert.Equal((long)SignalLoss.FitDiverged, Assert.Single(rig.Events(EventKind.Fault)).Ref1);
        Assert.Empty(rig.Opto.Starts);
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
