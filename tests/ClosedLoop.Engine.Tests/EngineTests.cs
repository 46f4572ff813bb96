using System.Text;

namespace ClosedLoop.Engine.Tests;

public sealed class EngineTests
{
    private const long Second = 1_000_000;

    /// <summary>Short warm-up and baselines so that tests reach steady state in a simulated minute.</summary>
    private static RigConfig Fast(params string[] more) =>
        TestConfig.With([.. new[] { "processing.warmup_s=5", "processing.baseline_tau_s=20", "processing.fit_tau_s=30" }, .. more]);

    /// <summary>A noisy flat signal; during [from, to) the signal is raised by <paramref name="response"/> (fractional).</summary>
    private static void Shape(RigHarness rig, long from, long to, double response)
    {
        var noise = new Random(4);
        rig.Control = _ => 1000 + 3 * noise.NextDouble();
        rig.Signal = t => (2000 + 6 * noise.NextDouble()) * (t >= from && t < to ? 1 + response : 1);
    }

    private static RigHarness Encounter(RigConfig config, double response, long onset = 40 * Second)
    {
        var rig = new RigHarness(config);
        Shape(rig, onset, onset + 5 * Second, response);
        rig.Engine.Arm();
        rig.Engine.StartSession();
        rig.RunUntil(onset);
        rig.EncounterInput(true);
        rig.RunFor(5 * Second);
        rig.EncounterInput(false);
        rig.RunFor(10 * Second);
        return rig;
    }

    [Fact]
    public void Outputs_are_low_before_anything_else_and_boot_is_the_first_event()
    {
        var rig = new RigHarness(RigConfig.Default());

        Assert.True(rig.Opto.ForceLowCalls >= 1);
        Assert.True(rig.Dose.ForceLowCalls >= 1);
        var boot = rig.Events().First();
        Assert.Equal((EventKind.Boot, 1L), (boot.Kind, boot.Sequence));
        Assert.Equal(ClosedLoopEngine.HashBits(rig.Engine.Config.Hash), boot.Ref1);
    }

    [Fact]
    public void A_missing_response_is_a_deficit_and_starts_a_train_at_the_decision()
    {
        var rig = Encounter(Fast(), response: 0);

        var decision = Assert.Single(rig.Events(EventKind.Decision));
        Assert.Equal(DecisionOutcome.Deficit, (DecisionOutcome)decision.Code);
        long onset = rig.Events(EventKind.EncounterOn).Single().Ref1;
        Assert.InRange(onset, 40 * Second, 40 * Second + rig.PeriodUs);
        Assert.InRange(decision.Ref2, 3 * Second, 3 * Second + 2 * rig.PeriodUs);
        var start = Assert.Single(rig.Opto.Starts);
        Assert.Equal(decision.TimeUs, start.TimeUs);
        Assert.Equal(
            [EventKind.EncounterOn, EventKind.Decision, EventKind.OutputStarted],
            rig.Events().Select(e => e.Kind).Where(k => k is EventKind.EncounterOn or EventKind.Decision or EventKind.OutputStarted));
    }

    [Fact]
    public void A_clear_response_is_not_a_deficit_and_drives_nothing()
    {
        var rig = Encounter(Fast(), response: 0.03);

        var decision = Assert.Single(rig.Events(EventKind.Decision));
        Assert.Equal(DecisionOutcome.Response, (DecisionOutcome)decision.Code);
        Assert.True(decision.Value1 > 3, $"delta z {decision.Value1}");
        Assert.Empty(rig.Opto.Starts);
    }

    [Fact]
    public void Sham_logs_the_same_train_without_driving_the_pin()
    {
        var rig = Encounter(Fast("output.mode=sham"), response: 0);

        Assert.Empty(rig.Opto.Starts);
        Assert.Equal(OutputFlags.Sham, Assert.Single(rig.Events(EventKind.OutputStarted)).Flags);
    }

    [Fact]
    public void Encounter_messages_work_like_the_ttl()
    {
        var rig = new RigHarness(Fast());
        Shape(rig, 0, 0, 0);
        rig.RunUntil(40 * Second);
        rig.Engine.OnEncounterMessage(true);
        rig.RunFor(5 * Second);
        rig.Engine.OnEncounterMessage(false);
        rig.RunFor(5 * Second);

        Assert.Equal(ControlSource.Command, (ControlSource)rig.Events(EventKind.EncounterOn).Single().Code);
        Assert.Single(rig.Events(EventKind.EncounterOff));
        Assert.Single(rig.Events(EventKind.Decision));
    }

    [Fact]
    public void Baselines_are_frozen_from_first_contact_until_the_window_closes()
    {
        var rig = new RigHarness(Fast());
        Shape(rig, 0, 0, 0);
        rig.RunUntil(30 * Second);
        rig.EncounterInput(true);
        rig.RunFor(100_000);

        Assert.True(rig.Engine.Chain.Frozen);
        rig.RunFor(2 * Second);
        rig.EncounterInput(false);
        rig.RunFor(2 * Second);
        Assert.True(rig.Engine.Detector.IsMeasuring || !rig.Engine.Chain.Frozen);
        rig.RunFor(3 * Second);
        Assert.False(rig.Engine.Chain.Frozen);
    }

    [Fact]
    public void A_gap_in_readings_is_journaled_once_when_the_data_resumes()
    {
        var rig = new RigHarness(Fast());
        rig.RunUntil(10 * Second);
        rig.Clock.Advance(1 * Second);
        rig.RunFor(1 * Second);

        var gap = Assert.Single(rig.Events(EventKind.DataGap));
        Assert.InRange(gap.Ref2, 128, 132);
    }

    [Fact]
    public void A_rejected_config_names_its_errors_and_leaves_the_old_one_in_force()
    {
        var rig = new RigHarness(RigConfig.Default());
        string before = rig.Engine.Config.Hash;
        byte[] bad = TestConfig.BytesForRig("[detector]\npost_ms = 10\n[opto]\npulse_count = 0\n");

        var result = rig.Engine.ApplyConfig(bad, bad.Length);

        Assert.False(result.IsValid);
        Assert.Equal(["detector.post_ms", "opto.pulse_count"], result.Errors.Select(e => e.Field));
        Assert.Equal(before, rig.Engine.Config.Hash);
        var rejected = rig.Events(EventKind.ConfigRejected).Single();
        Assert.Equal((2, ClosedLoopEngine.HashBits(before)), (rejected.Code, rejected.Ref1));
    }

    [Fact]
    public void A_config_is_refused_while_armed_or_in_session()
    {
        var rig = new RigHarness(RigConfig.Default());
        byte[] good = TestConfig.BytesForRig("[detector]\npost_ms = 1500\n");
        rig.Engine.Arm();

        var result = rig.Engine.ApplyConfig(good, good.Length);

        Assert.False(result.IsValid);
        Assert.Equal(("state", "armed"), (result.Errors[0].Field, result.Errors[0].Value));
        Assert.Equal(3_000_000, rig.Engine.Config.Detector.PostUs);
    }

    [Fact]
    public void A_valid_config_is_applied_whole_and_acknowledged_with_its_hash()
    {
        var rig = new RigHarness(RigConfig.Default());
        rig.RunFor(2 * Second);
        long sequenceBefore = rig.Engine.Journal.NextSequence;
        byte[] good = TestConfig.BytesForRig("[detector]\npost_ms = 1500\n[journal]\ncapacity = 64\n[acquisition]\nrate_hz = 100\n");

        var result = rig.Engine.ApplyConfig(good, good.Length);

        Assert.True(result.IsValid);
        Assert.Equal(1_500_000, rig.Engine.Config.Detector.PostUs);
        Assert.Equal(10_000, rig.Engine.Config.Acquisition.PeriodUs);
        Assert.Equal(64, rig.Engine.Journal.Capacity);
        Assert.Equal(2, rig.Excitation.Starts);
        var applied = rig.Events(EventKind.ConfigApplied).Single();
        Assert.Equal(sequenceBefore, applied.Sequence);
        Assert.Equal(ClosedLoopEngine.HashBits(result.Config.Hash), applied.Ref1);
        rig.RunFor(2 * Second);
        Assert.InRange(rig.Engine.Cycles, 195, 201);
    }

    [Fact]
    public void Cycle_numbers_keep_rising_across_config_changes_so_no_two_samples_share_one()
    {
        var rig = new RigHarness(RigConfig.Default());
        var samples = new SampleCollector();
        rig.Engine.SetSampleSink(samples);
        rig.RunFor(2 * Second);
        long lastBefore = samples.Cycles[^1];

        rig.Engine.ApplyConfig(TestConfig.With("acquisition.rate_hz=100"));
        rig.RunFor(2 * Second);
        rig.Engine.ApplyConfig(TestConfig.With("detector.post_ms=2000"));
        rig.RunFor(2 * Second);

        Assert.True(samples.Cycles.Count > 500);
        Assert.True(samples.Cycles.Zip(samples.Cycles.Skip(1)).All(p => p.Second > p.First), "cycle numbers went back or repeated");
        Assert.True(samples.Times.Zip(samples.Times.Skip(1)).All(p => p.Second > p.First), "sample times went back");
        Assert.True(samples.Cycles.First(c => c > lastBefore) > lastBefore);
    }

    private sealed class SampleCollector : ClosedLoop.Engine.Processing.IProcessedSampleSink
    {
        public List<long> Cycles { get; } = [];

        public List<long> Times { get; } = [];

        public void OnProcessed(ClosedLoop.Engine.Processing.ProcessedSample sample)
        {
            Cycles.Add(sample.CycleIndex);
            Times.Add(sample.TimeUs);
        }
    }

    [Fact]
    public void An_estop_latch_survives_a_config_change()
    {
        var rig = new RigHarness(RigConfig.Default());
        rig.Engine.EStop();

        rig.Engine.ApplyConfig(TestConfig.With("detector.post_ms=2000"));

        Assert.True(rig.Engine.Gate.IsEStopLatched);
    }

    [Fact]
    public void Hardware_arm_and_estop_inputs_drive_the_gate()
    {
        var rig = new RigHarness(RigConfig.Default());

        rig.Engine.OnArmInput(true);
        Assert.True(rig.Engine.Gate.IsArmed);
        rig.Engine.OnEStopInput(true);
        Assert.False(rig.Engine.Gate.IsArmed);
        Assert.Equal(RefusalReason.EStopInputActive, rig.Engine.Arm());
        Assert.Equal(RefusalReason.EStopInputActive, rig.Engine.ResetEStop());
        rig.Engine.OnEStopInput(false);
        Assert.Equal(RefusalReason.EStopLatched, rig.Engine.Arm());
        Assert.Equal(RefusalReason.None, rig.Engine.ResetEStop());
        Assert.False(rig.Engine.Gate.IsArmed);
        Assert.Equal(RefusalReason.None, rig.Engine.Arm());
        rig.Engine.OnArmInput(false);
        Assert.False(rig.Engine.Gate.IsArmed);
        Assert.Equal(ControlSource.Input, (ControlSource)rig.Events(EventKind.EStop).Single().Code);
    }
}

public sealed class LinkIdentityTests
{
    [Fact]
    public void A_config_over_mqtt_that_renames_the_rig_is_refused_and_nothing_changes()
    {
        var rig = new RigHarness(RigConfig.Default());
        byte[] renamed = TestConfig.BytesForRig("[rig]\nid = rig-99\n[detector]\npost_ms = 1500\n");

        var result = rig.Engine.ApplyConfig(renamed, renamed.Length);

        Assert.False(result.IsValid);
        Assert.Equal(("rig.id", "rig-99"), (result.Errors[0].Field, result.Errors[0].Value));
        Assert.Contains("as flashed", result.Errors[0].Expected, StringComparison.Ordinal);
        Assert.Equal("rig-01", rig.Engine.Journal.RigId);
        Assert.Equal(3_000_000, rig.Engine.Config.Detector.PostUs);
    }

    [Theory]
    [InlineData("[link]\nbroker_host = 10.9.9.9\n", "link.broker_host")]
    [InlineData("[link]\ntopic_prefix = elsewhere\n", "link.topic_prefix")]
    [InlineData("[link]\npassword = hunter2\n", "link.password")]
    public void A_config_over_mqtt_may_not_move_the_rig_or_carry_secrets(string text, string field)
    {
        var rig = new RigHarness(RigConfig.Default());
        byte[] bytes = TestConfig.BytesForRig(text);

        var result = rig.Engine.ApplyConfig(bytes, bytes.Length);

        Assert.Equal(field, Assert.Single(result.Errors).Field);
        Assert.DoesNotContain("hunter2", result.Errors[0].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_that_states_the_flashed_link_as_it_is_applies()
    {
        var rig = new RigHarness(RigConfig.Default());
        byte[] same = TestConfig.BytesForRig("[rig]\nid = rig-01\n[link]\nbroker_port = 1883\npassword = ${RIG_MQTT_PASSWORD}\n[detector]\npost_ms = 1500\n");

        Assert.True(rig.Engine.ApplyConfig(same, same.Length).IsValid);
        Assert.Equal(1_500_000, rig.Engine.Config.Detector.PostUs);
    }
}

public sealed class ExplicitSafetyTests
{
    [Theory]
    [InlineData("")]
    [InlineData("[rig]\nid = rig-01\n[detector]\npost_ms = 1500\n")]
    [InlineData("[opto]\npulse_width_us = 10000\nperiod_us = 50000\n")]
    public void A_rig_refuses_a_config_that_leaves_out_safety_limits_and_names_every_one(string text)
    {
        var result = ConfigLoader.LoadForRig(text);

        Assert.False(result.IsValid);
        var stated = ConfigParser.Parse(text, new ConfigErrorList());
        var missing = Enumerable.Range(0, ConfigSchema.Count).Select(ConfigSchema.KeyAt)
            .Where(k => k.IsSafety && stated.Find(k.Section, k.Name) is null)
            .Select(k => k.Field);
        Assert.NotEmpty(missing);
        Assert.Equal(missing.Order(), result.Errors.Select(e => e.Field).Order());
        Assert.All(result.Errors, e => Assert.Contains("never take a default on a rig", e.Expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_config_longer_than_a_rig_takes_is_refused_before_it_is_read()
    {
        var rig = new RigHarness(RigConfig.Default());
        byte[] huge = TestConfig.BytesForRig("# " + new string('x', ConfigParser.MaxBytes) + "\n");

        var result = rig.Engine.ApplyConfig(huge, huge.Length);

        Assert.Equal(("config", $"{huge.Length} bytes"), (Assert.Single(result.Errors).Field, result.Errors[0].Value));
    }

    [Theory]
    [InlineData("inside its last value")]
    [InlineData("at a line boundary")]
    [InlineData("inside the seal")]
    [InlineData("without a seal")]
    public void A_config_that_cannot_prove_it_is_whole_is_refused_whole(string cut)
    {
        // The outsider's case: opto.max_cumulative_dose = 20000 cut to 200 was applied before configs were sealed.
        var rig = new RigHarness(RigConfig.Default());
        const string doseLine = "[opto]\nmax_cumulative_dose = 20000\n";
        string whole = TestConfig.ForRig("[opto]\nmax_trains_per_hour = 5\n").Replace(doseLine, string.Empty, StringComparison.Ordinal) + doseLine;
        string longer = whole + "[detector]\npost_ms = 1500\n";
        byte[] sent = cut switch
        {
            "inside its last value" => Encoding.UTF8.GetBytes(whole[..^3]),
            "at a line boundary" => Encoding.UTF8.GetBytes(whole),
            "inside the seal" => TestConfig.Sealed(longer)[..^10],
            _ => Encoding.UTF8.GetBytes(longer),
        };
        Assert.True(ConfigLoader.LoadForRig(Encoding.UTF8.GetString(sent)).IsValid, "the cut text would be a valid config on its own");

        var result = rig.Engine.ApplyConfig(sent, sent.Length);

        Assert.False(result.IsValid);
        Assert.Equal(ConfigSeal.Field, Assert.Single(result.Errors).Field);
        Assert.Equal(30, rig.Engine.Config.Output.Opto.MaxPerHour);
        byte[] sealedWhole = TestConfig.Sealed(longer);
        Assert.True(rig.Engine.ApplyConfig(sealedWhole, sealedWhole.Length).IsValid);
        Assert.Equal((5, 20000.0, 1_500_000L), (rig.Engine.Config.Output.Opto.MaxPerHour, rig.Engine.Config.Output.Opto.MaxCumulativeDose, rig.Engine.Config.Detector.PostUs));
    }

    [Fact]
    public void A_truncated_config_applied_over_the_link_changes_nothing()
    {
        var rig = new RigHarness(RigConfig.Default());
        byte[] whole = TestConfig.BytesForRig("[opto]\nmax_trains_per_hour = 5\n");
        byte[] truncated = whole[..(whole.Length / 2)];

        Assert.False(rig.Engine.ApplyConfig(truncated, truncated.Length).IsValid);
        Assert.Equal(30, rig.Engine.Config.Output.Opto.MaxPerHour);
        Assert.True(rig.Engine.ApplyConfig(whole, whole.Length).IsValid);
        Assert.Equal(5, rig.Engine.Config.Output.Opto.MaxPerHour);
    }

    [Fact]
    public void Analysis_and_programmatic_configs_may_still_take_defaults()
    {
        Assert.True(ConfigLoader.Load("[detector]\npost_ms = 1500\n").IsValid);
        Assert.True(RigConfig.Default().Output.Opto.MaxPerHour > 0);
    }
}
