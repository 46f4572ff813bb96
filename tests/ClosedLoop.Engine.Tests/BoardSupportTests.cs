namespace ClosedLoop.Engine.Tests;

/// <summary>The engine pieces the board application only wires up: RMT bytes, the sync loop and the self-test.</summary>
public class BoardSupportTests
{
    [Fact]
    public void Rmt_items_encode_as_native_rmt_item32_words()
    {
        var plan = new RmtPlan(4);
        Assert.Equal(PlanStatus.Ok, RmtPlanner.Plan(100, 10_000, 50_000, 1, plan));
        var bytes = new byte[plan.ItemCount * RmtItemEncoder.BytesPerItem];

        int written = RmtItemEncoder.Encode(plan, 0, plan.ItemCount, bytes, 0);

        Assert.Equal(bytes.Length, written);
        // Item 0: 100 µs low, then 10,000 µs high (bit 31 = level1).
        uint first = BitConverter.ToUInt32(bytes, 0);
        Assert.Equal(100u, first & 0x7FFF);
        Assert.Equal(0u, (first >> 15) & 1);
        Assert.Equal(10_000u, (first >> 16) & 0x7FFF);
        Assert.Equal(1u, first >> 31);
        // Item 1: 32,767 µs low, then the rest of the 40,000 µs low.
        uint second = BitConverter.ToUInt32(bytes, 4);
        Assert.Equal(32_767u, second & 0x7FFF);
        Assert.Equal(40_000u - 32_767u, (second >> 16) & 0x7FFF);
        Assert.Equal(0u, second >> 31);
    }

    [Fact]
    public void Encoding_a_chunk_writes_only_that_chunk()
    {
        var plan = new RmtPlan(256);
        RmtPlanner.Plan(0, 10, 20, 100, plan);
        var bytes = new byte[8 * 4 + 4];
        bytes[^1] = 0xAB;

        int written = RmtItemEncoder.Encode(plan, 64, 8, bytes, 0);

        Assert.Equal(32, written);
        Assert.Equal(0xAB, bytes[^1]);
        Assert.Equal((uint)(10 | 0x8000 | (10 << 16)), BitConverter.ToUInt32(bytes, 0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(100)]
    [InlineData(500)]
    public void The_sync_pattern_is_exactly_one_second_in_one_block_and_ends_with_a_marker(int pulseMs)
    {
        var plan = new RmtPlan(SyncPulse.MaxItems);

        Assert.Equal(PlanStatus.Ok, SyncPulse.Plan(pulseMs, plan));

        Assert.Equal(SyncPulse.TicksPerPeriod, plan.TotalUs);
        Assert.Equal(1_000_000_000L, plan.TotalUs * SyncPulse.TickNs);
        Assert.True(plan.ItemCount <= RmtPlan.ItemsPerBlock);
        Assert.True(plan.Level0[0]);
        long high = 0;
        for (int i = 0; i < plan.ItemCount; i++)
        {
            high += (plan.Level0[i] ? plan.Duration0[i] : 0) + (plan.Level1[i] ? plan.Duration1[i] : 0);
        }

        Assert.Equal(pulseMs * 1_000_000L / SyncPulse.TickNs, high);
        Assert.Equal(0, plan.Duration1[plan.ItemCount - 1]);
        Assert.Equal(80_000_000L / SyncPulse.ClockDivider * SyncPulse.TickNs, 1_000_000_000L);
    }

    [Fact]
    public void A_self_test_refuses_to_drive_an_armed_rig_and_says_so()
    {
        var rig = new RigHarness(RigConfig.Default());
        rig.Engine.Arm();
        var test = new TimingSelfTest();

        Assert.False(rig.Engine.BeginSelfTest(test));

        Assert.Empty(rig.Opto.Starts);
        var e = rig.Events(EventKind.SelfTest).Single();
        Assert.Equal((int)SelfTestResult.Refused, e.Code);
    }

    [Fact]
    public void A_self_test_waits_for_an_opto_driver_still_clocking_a_cut_train()
    {
        // RMT 3.0: the cut train clocks on behind the low output until its planned end; the self-test drives that output.
        var rig = new RigHarness(RigConfig.Default());
        rig.Opto.BusyUntilUs = rig.Clock.NowMicros + 2_000_000;

        Assert.Equal(RefusalReason.Busy, rig.Engine.SelfTestRefusal());
        Assert.False(rig.Engine.BeginSelfTest(new TimingSelfTest()));
        Assert.Empty(rig.Opto.Starts);

        rig.Clock.Advance(2_000_000);
        Assert.Equal(RefusalReason.None, rig.Engine.SelfTestRefusal());
    }

    [Fact]
    public void A_self_test_train_larger_than_the_output_driver_holds_is_refused()
    {
        var rig = new RigHarness(TestConfig.With("rmt.max_items=16", "opto.pulse_count=10", "dose.pulse_count=1"));

        Assert.False(rig.Engine.BeginSelfTest(new TimingSelfTest()));

        Assert.Empty(rig.Opto.Starts);
        Assert.Equal((int)SelfTestResult.Refused, rig.Events(EventKind.SelfTest).Single().Code);
        Assert.Equal(RefusalReason.None, rig.Engine.Arm());
    }

    [Fact]
    public void A_self_test_drives_the_configured_pulses_blocks_arming_and_reports_the_measured_error()
    {
        var rig = new RigHarness(TestConfig.With("opto.pulse_width_us=10000", "opto.period_us=30000"));
        var test = new TimingSelfTest();

        Assert.True(rig.Engine.BeginSelfTest(test));
        Assert.Equal(TimingSelfTest.Pulses * 30_000L, rig.Opto.Starts.Single().TotalUs);
        Assert.Equal(RefusalReason.SelfTestRunning, rig.Engine.Arm());
        Assert.Equal((int)RefusalReason.SelfTestRunning, rig.Events(EventKind.ArmRefused).Single().Flags);

        // What a receiver would capture: each pulse 1 µs long, the 7th period 3 µs late.
        var capture = Capture(TimingSelfTest.Pulses, k => 10_001, k => k == 6 ? 20_002 : 19_999);
        test.Evaluate(capture.D0, capture.L0, capture.D1, capture.L1, capture.Count);
        rig.Engine.FinishSelfTest(test);

        var e = rig.Events(EventKind.SelfTest).Single();
        Assert.Equal((int)SelfTestResult.Failed, e.Code);
        Assert.Equal(TimingSelfTest.Pulses, e.Ref1);
        Assert.Equal(TimingSelfTest.Pulses, e.Ref2);
        Assert.Equal(1, e.Value1);
        Assert.Equal(3, e.Value2);
        Assert.Equal(RefusalReason.None, rig.Engine.Arm());
    }

    [Fact]
    public void A_faithful_capture_passes_and_an_empty_one_is_no_signal()
    {
        var test = new TimingSelfTest();
        test.Prepare(TestConfig.With().Output.Opto);
        var exact = Capture(TimingSelfTest.Pulses, _ => (ushort)test.WidthUs, _ => (ushort)(test.PeriodUs - test.WidthUs));

        Assert.Equal(SelfTestResult.Passed, test.Evaluate(exact.D0, exact.L0, exact.D1, exact.L1, exact.Count));
        Assert.Equal((0L, 0L), (test.MaxWidthErrorUs, test.MaxPeriodErrorUs));

        var missing = Capture(TimingSelfTest.Pulses - 1, _ => (ushort)test.WidthUs, _ => (ushort)(test.PeriodUs - test.WidthUs));
        Assert.Equal(SelfTestResult.Failed, test.Evaluate(missing.D0, missing.L0, missing.D1, missing.L1, missing.Count));
        Assert.Equal(SelfTestResult.NoSignal, test.Evaluate([], [], [], [], 0));
    }

    [Fact]
    public void Long_phases_are_clipped_so_the_receiver_sees_the_whole_train()
    {
        var test = new TimingSelfTest();

        Assert.True(test.Prepare(TestConfig.With("dose.pulse_width_us=1", "opto.pulse_width_us=100000", "opto.period_us=1000000", "opto.max_duty=0.5", "opto.pulse_count=1").Output.Opto));

        Assert.Equal(TimingSelfTest.LongestPhaseUs, test.WidthUs);
        Assert.Equal(2 * TimingSelfTest.LongestPhaseUs, test.PeriodUs);
        Assert.True(TimingSelfTest.LongestPhaseUs < TimingSelfTest.ReceiverIdleUs);
    }

    [Fact]
    public void Sync_start_and_self_test_events_have_named_fields_on_the_wire()
    {
        var rig = new RigHarness(RigConfig.Default());
        rig.Engine.OnSyncStarted(1_234_567, 10_000);
        rig.Engine.ReportSelfTestUnavailable();
        var json = new EventJson();
        var buffer = new byte[EventJson.MaxEventBytes];

        string Text(JournalEvent e) => System.Text.Encoding.UTF8.GetString(buffer, 0, json.Write("rig-01", 7, e, buffer, 0));

        string sync = Text(rig.Events(EventKind.SyncStarted).Single());
        Assert.Contains("\"kind\":\"sync_started\"", sync);
        Assert.Contains("\"t_us\":1234567", sync);
        Assert.Contains("\"period_us\":1000000", sync);
        Assert.Contains("\"width_us\":10000", sync);
        Assert.Contains("\"result\":\"no_hardware\"", Text(rig.Events(EventKind.SelfTest).Single()));
    }

    /// <summary>Receiver items: for each pulse, high for width(k) then low for gap(k); the last low ends in the idle marker.</summary>
    private static (ushort[] D0, bool[] L0, ushort[] D1, bool[] L1, int Count) Capture(int pulses, Func<int, int> width, Func<int, int> gap)
    {
        var d0 = new ushort[pulses];
        var l0 = new bool[pulses];
        var d1 = new ushort[pulses];
        var l1 = new bool[pulses];
        for (int k = 0; k < pulses; k++)
        {
            d0[k] = (ushort)width(k);
            l0[k] = true;
            d1[k] = k == pulses - 1 ? (ushort)0 : (ushort)gap(k);
            l1[k] = false;
        }

        return (d0, l0, d1, l1, pulses);
    }
}

public class ExcitationPatternTests
{
    private static List<(long Start, long End)> HighWindows(RmtPlan plan)
    {
        var windows = new List<(long, long)>();
        long t = 0;
        long? rise = null;
        for (int i = 0; i < plan.ItemCount; i++)
        {
            foreach (var (d, l) in new[] { (plan.Duration0[i], plan.Level0[i]), (plan.Duration1[i], plan.Level1[i]) })
            {
                if (l && rise is null)
                {
                    rise = t;
                }
                else if (!l && d > 0 && rise is not null)
                {
                    windows.Add((rise.Value, t));
                    rise = null;
                }

                t += d;
            }
        }

        return windows;
    }

    [Theory]
    [InlineData(130, 0)]
    [InlineData(130, 120)]
    [InlineData(1, 40)]
    public void Each_led_loops_one_cycle_with_its_window_where_the_schedule_expects_it(double rateHz, long leadUs)
    {
        var settings = TestConfig.With($"acquisition.rate_hz={rateHz}").Acquisition;
        var signal = new RmtPlan(ExcitationPattern.MaxItems);
        var control = new RmtPlan(ExcitationPattern.MaxItems);

        Assert.Equal(PlanStatus.Ok, ExcitationPattern.Plan(settings, false, 0, signal));
        Assert.Equal(PlanStatus.Ok, ExcitationPattern.Plan(settings, true, leadUs, control));

        Assert.Equal(settings.PeriodUs, signal.TotalUs);
        Assert.Equal(settings.PeriodUs, control.TotalUs);
        Assert.Equal([(0L, settings.SignalOnUs)], HighWindows(signal));
        // The control channel started leadUs late, so its window, in signal-channel time, lands at signal_on_us.
        var (start, end) = Assert.Single(HighWindows(control));
        Assert.Equal((settings.SignalOnUs, settings.SignalOnUs + settings.ControlOnUs), (start + leadUs, end + leadUs));
        Assert.Equal(0, signal.Duration1[signal.ItemCount - 1]);
        Assert.Equal(0, control.Duration1[control.ItemCount - 1]);
    }

    [Fact]
    public void A_lead_longer_than_the_signal_window_cannot_be_corrected()
    {
        var settings = RigConfig.Default().Acquisition;

        Assert.Equal(PlanStatus.InvalidTrain, ExcitationPattern.Plan(settings, true, settings.SignalOnUs + 1, new RmtPlan(64)));
    }
}

public class StatusChangesTests
{
    [Fact]
    public void Status_is_due_at_first_then_when_something_but_the_time_changed_or_a_heartbeat_is_due()
    {
        var rig = new RigHarness(RigConfig.Default());
        var changes = new StatusChanges();

        Assert.True(changes.Check(rig.Engine));
        string first = System.Text.Encoding.UTF8.GetString(changes.Buffer, 0, changes.Length);
        rig.Clock.Advance(StatusChanges.HeartbeatUs - 1);
        Assert.False(changes.Check(rig.Engine));
        rig.Clock.Advance(1);
        Assert.True(changes.Check(rig.Engine));
        Assert.True(changes.IsHeartbeat);
        Assert.Contains($"\"t_us\":{rig.Clock.NowMicros}", System.Text.Encoding.UTF8.GetString(changes.Buffer, 0, changes.Length), StringComparison.Ordinal);
        Assert.False(changes.Check(rig.Engine));

        rig.Engine.Arm();
        Assert.True(changes.Check(rig.Engine));
        Assert.False(changes.IsHeartbeat);
        string armed = System.Text.Encoding.UTF8.GetString(changes.Buffer, 0, changes.Length);
        Assert.False(changes.Check(rig.Engine));

        changes.Forget();
        Assert.True(changes.Check(rig.Engine));

        Assert.Contains("\"armed\":false", first, StringComparison.Ordinal);
        Assert.Contains("\"armed\":true", armed, StringComparison.Ordinal);
        Assert.Contains($"\"t_us\":{rig.Clock.NowMicros}", armed, StringComparison.Ordinal);
    }
}

public class ExcitationAlignmentTests
{
    private static readonly AcquisitionSettings Settings = RigConfig.Default().Acquisition;

    [Theory]
    [InlineData(120, 120, 240, true)]      // each LED at most 120 us late
    [InlineData(0, 120, 240, false)]       // the control LED up to 240 us late: beyond half the 300 us guard
    [InlineData(121, 120, 240, false)]     // the control LED could come on early
    [InlineData(0, 160, 170, false)]       // the signal LED itself up to 160 us late
    [InlineData(1, 1, 2, true)]
    public void Both_leds_must_be_late_by_under_half_the_settle_guard_and_never_early(long planned, long signalCall, long bothCalls, bool aligned)
    {
        Assert.Equal(aligned, ExcitationPattern.ControlAligned(Settings, planned, signalCall, bothCalls));
    }

    [Fact]
    public void A_cold_first_start_settles_within_the_allowed_restarts()
    {
        // The first calls are slow (a cold start), later ones quick: planning converges anyway.
        (long Signal, long Both)[] calls = [(276, 552), (1, 2), (1, 2), (1, 2)];
        long lead = 0;
        int attempt = 0;
        while (!ExcitationPattern.ControlAligned(Settings, lead, calls[attempt].Signal, calls[attempt].Both))
        {
            lead = ExcitationPattern.NextLead(Settings, calls[attempt].Signal);
            attempt++;
            Assert.True(attempt < ExcitationPattern.MaxAttempts, "did not converge");
        }

        Assert.Equal((0L, 2), (lead, attempt));
        Assert.Equal(2, ExcitationPattern.WorstLateUs(lead, 1, 2));
    }

    [Fact]
    public void The_next_lead_stays_within_the_signal_window_and_the_worst_lateness_counts_an_early_control_led()
    {
        Assert.Equal(0, ExcitationPattern.NextLead(Settings, -5));
        Assert.Equal(Settings.SignalOnUs, ExcitationPattern.NextLead(Settings, 100_000));
        Assert.Equal(400 - (Settings.SettleUs / 16), ExcitationPattern.NextLead(Settings, 400));
        Assert.Equal(276, ExcitationPattern.WorstLateUs(300, 24, 30));
    }
}
