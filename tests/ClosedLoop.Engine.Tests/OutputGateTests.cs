namespace ClosedLoop.Engine.Tests;

public sealed class OutputGateTests
{
    private sealed class Bench
    {
        public Bench(RigConfig config)
        {
            Clock = new ManualClock(0);
            Opto = new RecordingOutput(Clock);
            Dose = new RecordingOutput(Clock);
            Journal = new EventJournal(4096, "rig", 1);
            Gate = new OutputGate(config.Output, Journal, Opto, Dose);
        }

        public ManualClock Clock { get; }

        public RecordingOutput Opto { get; }

        public RecordingOutput Dose { get; }

        public EventJournal Journal { get; }

        public OutputGate Gate { get; }

        public long Now => Clock.NowMicros;

        public void At(long timeUs)
        {
            Clock.AdvanceTo(timeUs);
            Gate.Poll(timeUs);
        }

        public void Ready()
        {
            Gate.Arm(Now, ControlSource.Command);
            Gate.StartSession(Now);
        }

        public List<JournalEvent> Events(EventKind kind)
        {
            var list = new List<JournalEvent>();
            for (long s = Journal.OldestSequence; s < Journal.NextSequence; s++)
            {
                var e = new JournalEvent();
                if (Journal.TryGet(s, e) == ReplayStatus.Ok && e.Kind == kind)
                {
                    list.Add(e);
                }
            }

            return list;
        }

        public RefusalReason LastRefusal => (RefusalReason)Events(EventKind.OutputRefused).Last().Flags;
    }

    [Fact]
    public void Outputs_are_forced_low_when_the_gate_is_made()
    {
        var bench = new Bench(RigConfig.Default());

        Assert.Equal(1, bench.Opto.ForceLowCalls);
        Assert.Equal(1, bench.Dose.ForceLowCalls);
        Assert.False(bench.Gate.IsArmed);
    }

    [Fact]
    public void A_request_while_disarmed_is_refused_and_journaled()
    {
        var bench = new Bench(RigConfig.Default());
        bench.Gate.StartSession(0);

        bench.Gate.RequestFromDecision(0);

        Assert.Empty(bench.Opto.Starts);
        Assert.Equal(RefusalReason.NotArmed, bench.LastRefusal);
    }

    [Fact]
    public void A_request_outside_a_session_is_refused()
    {
        var bench = new Bench(RigConfig.Default());
        bench.Gate.Arm(0, ControlSource.Command);

        bench.Gate.RequestFromDecision(0);

        Assert.Equal(RefusalReason.NoSession, bench.LastRefusal);
    }

    [Fact]
    public void An_armed_request_drives_the_planned_train_and_journals_start_and_stop()
    {
        var bench = new Bench(RigConfig.Default());
        bench.Ready();

        bench.Gate.RequestFromDecision(0);
        var start = Assert.Single(bench.Opto.Starts);
        Assert.Equal(5_000_000, start.TotalUs);
        Assert.Equal(150, start.Items);
        Assert.True(bench.Opto.IsDriving);

        bench.At(4_999_999);
        Assert.Empty(bench.Events(EventKind.OutputStopped));
        bench.At(5_000_000);

        var started = Assert.Single(bench.Events(EventKind.OutputStarted));
        Assert.Equal((OutputChannelId.Opto, 5_000_000L, 100L), (started.Code, started.Ref1, started.Ref2));
        var stopped = Assert.Single(bench.Events(EventKind.OutputStopped));
        Assert.Equal(0, stopped.Flags & OutputFlags.Aborted);
        Assert.Equal(5_000_000, stopped.TimeUs);
    }

    [Fact]
    public void A_driver_still_clocking_a_cut_train_is_refused_as_busy_until_then_and_sham_is_not_held_back()
    {
        // RMT 3.0 on the base ESP32: a train cut short clocks on behind the low output until its planned end.
        var bench = new Bench(RigConfig.Default());
        bench.Ready();
        bench.Gate.RequestFromDecision(0);
        bench.At(1_000_000);
        bench.Gate.Disarm(bench.Now, ControlSource.Command);
        bench.Opto.BusyUntilUs = 600_000_000; // far beyond the refractory time and the minimum interval
        bench.Gate.Arm(bench.Now, ControlSource.Command);

        bench.At(599_000_000);
        bench.Gate.RequestFromDecision(bench.Now);
        Assert.Single(bench.Opto.Starts);
        Assert.Equal(RefusalReason.Busy, bench.LastRefusal);
        Assert.Equal(1_000_000, bench.Events(EventKind.OutputRefused).Last().Value1);

        bench.At(600_000_000);
        bench.Gate.RequestFromDecision(bench.Now);
        Assert.Equal(2, bench.Opto.Starts.Count);

        // A sham train drives no hardware, so a busy driver does not refuse it.
        var sham = new Bench(TestConfig.With("output.mode=sham"));
        sham.Ready();
        sham.Opto.BusyUntilUs = long.MaxValue;
        sham.Gate.RequestFromDecision(0);
        Assert.Single(sham.Events(EventKind.OutputStarted));
    }

    [Fact]
    public void EStop_forces_outputs_low_at_once_and_latches_until_rearmed()
    {
        var bench = new Bench(RigConfig.Default());
        bench.Ready();
        bench.Gate.RequestFromDecision(0);

        bench.At(1_000_000);
        bench.Gate.EStop(bench.Now, ControlSource.Command);

        Assert.False(bench.Opto.IsDriving);
        Assert.Equal(OutputFlags.Aborted, Assert.Single(bench.Events(EventKind.OutputStopped)).Flags & OutputFlags.Aborted);

        bench.At(60_000_000);
        bench.Gate.RequestFromDecision(bench.Now);
        Assert.Equal(RefusalReason.EStopLatched, bench.LastRefusal);

        Assert.Equal(RefusalReason.EStopLatched, bench.Gate.Arm(bench.Now, ControlSource.Command));
        Assert.Equal(RefusalReason.None, bench.Gate.ResetEStop(bench.Now, ControlSource.Command));
        bench.Gate.RequestFromDecision(bench.Now);
        Assert.Equal(RefusalReason.NotArmed, bench.LastRefusal);

        Assert.Equal(RefusalReason.None, bench.Gate.Arm(bench.Now, ControlSource.Command));
        bench.Gate.RequestFromDecision(bench.Now);
        Assert.Equal(2, bench.Opto.Starts.Count);
    }

    [Fact]
    public void Arming_is_refused_while_the_estop_button_is_held()
    {
        var bench = new Bench(RigConfig.Default());
        bench.Gate.SetEStopInput(true, 0);

        Assert.Equal(RefusalReason.EStopInputActive, bench.Gate.Arm(0, ControlSource.Command));
        Assert.Equal(RefusalReason.EStopInputActive, bench.Gate.ResetEStop(0, ControlSource.Command));
        Assert.Single(bench.Events(EventKind.ArmRefused));

        bench.Gate.SetEStopInput(false, 10);
        Assert.Equal(RefusalReason.EStopLatched, bench.Gate.Arm(10, ControlSource.Command));
        Assert.Equal(RefusalReason.None, bench.Gate.ResetEStop(10, ControlSource.Command));
        Assert.Equal(ControlSource.Command, (ControlSource)Assert.Single(bench.Events(EventKind.EStopReset)).Code);
        Assert.Equal(RefusalReason.None, bench.Gate.Arm(10, ControlSource.Command));
    }

    [Fact]
    public void Disarm_cuts_a_running_train()
    {
        var bench = new Bench(RigConfig.Default());
        bench.Ready();
        bench.Gate.RequestFromDecision(0);

        bench.At(100_000);
        bench.Gate.Disarm(bench.Now, ControlSource.Input);

        Assert.False(bench.Opto.IsDriving);
        Assert.False(bench.Gate.Channel(OutputChannelId.Opto).IsRunning);
    }

    [Fact]
    public void A_fault_forces_low_and_disarms()
    {
        var bench = new Bench(RigConfig.Default());
        bench.Ready();
        bench.Gate.RequestFromDecision(0);

        bench.Gate.Fault(FaultCode.OutputDriver, 3, 10);

        Assert.False(bench.Opto.IsDriving);
        Assert.False(bench.Gate.IsArmed);
        Assert.Equal((int)FaultCode.OutputDriver, Assert.Single(bench.Events(EventKind.Fault)).Code);
    }

    [Fact]
    public void A_second_train_within_the_refractory_period_is_refused()
    {
        var bench = new Bench(TestConfig.With("opto.min_interval_ms=0", "output.refractory_ms=2000"));
        bench.Ready();
        bench.Gate.RequestFromDecision(0);

        bench.At(6_000_000);
        bench.Gate.RequestFromDecision(bench.Now);
        Assert.Equal(RefusalReason.Refractory, bench.LastRefusal);

        bench.At(7_000_000);
        bench.Gate.RequestFromDecision(bench.Now);
        Assert.Equal(2, bench.Opto.Starts.Count);
    }

    [Fact]
    public void A_request_while_a_train_runs_is_refused_as_busy()
    {
        var bench = new Bench(TestConfig.With("opto.min_interval_ms=0", "output.refractory_ms=0"));
        bench.Ready();
        bench.Gate.RequestFromDecision(0);

        bench.At(1_000_000);
        bench.Gate.RequestFromDecision(bench.Now);

        Assert.Equal(RefusalReason.Busy, bench.LastRefusal);
    }

    [Fact]
    public void Starts_closer_than_the_minimum_interval_are_refused_with_value_and_limit()
    {
        var bench = new Bench(TestConfig.With("opto.min_interval_ms=30000", "output.refractory_ms=0"));
        bench.Ready();
        bench.Gate.RequestFromDecision(0);

        bench.At(20_000_000);
        bench.Gate.RequestFromDecision(bench.Now);

        var refused = bench.Events(EventKind.OutputRefused).Single();
        Assert.Equal(RefusalReason.MinInterval, (RefusalReason)refused.Flags);
        Assert.Equal((20_000_000.0, 30_000_000.0), (refused.Value1, refused.Value2));
    }

    [Fact]
    public void Trains_per_hour_are_counted_over_a_sliding_hour()
    {
        var bench = new Bench(TestConfig.With("opto.max_trains_per_hour=2", "opto.min_interval_ms=0", "output.refractory_ms=0"));
        bench.Ready();
        bench.Gate.RequestFromDecision(0);
        bench.At(10_000_000);
        bench.Gate.RequestFromDecision(bench.Now);
        bench.At(20_000_000);
        bench.Gate.RequestFromDecision(bench.Now);
        Assert.Equal(RefusalReason.MaxTrainsPerHour, bench.LastRefusal);

        bench.At(ChannelGate.HourUs);
        bench.Gate.RequestFromDecision(bench.Now);

        Assert.Equal(3, bench.Opto.Starts.Count);
    }

    [Fact]
    public void Trains_per_session_are_limited_and_reset_by_a_new_session()
    {
        var bench = new Bench(TestConfig.With("opto.max_trains_per_session=1", "opto.min_interval_ms=0", "output.refractory_ms=0"));
        bench.Ready();
        bench.Gate.RequestFromDecision(0);
        bench.At(10_000_000);
        bench.Gate.RequestFromDecision(bench.Now);
        Assert.Equal(RefusalReason.MaxTrainsPerSession, bench.LastRefusal);

        bench.Gate.StopSession(bench.Now);
        bench.Gate.StartSession(bench.Now);
        bench.Gate.RequestFromDecision(bench.Now);

        Assert.Equal(2, bench.Opto.Starts.Count);
    }

    [Fact]
    public void Cumulative_dose_is_limited_per_session()
    {
        var bench = new Bench(TestConfig.With("output.target=dose", "dose.max_cumulative_dose=2.5", "dose.dose_per_pulse=1", "dose.min_interval_ms=0", "dose.max_trains_per_hour=100", "output.refractory_ms=0"));
        bench.Ready();
        for (int i = 0; i < 3; i++)
        {
            bench.At(i * 10_000_000L);
            bench.Gate.RequestFromDecision(bench.Now);
        }

        Assert.Equal(2, bench.Dose.Starts.Count);
        var refused = bench.Events(EventKind.OutputRefused).Single();
        Assert.Equal(RefusalReason.MaxCumulativeDose, (RefusalReason)refused.Flags);
        Assert.Equal((3.0, 2.5), (refused.Value1, refused.Value2));
        Assert.Empty(bench.Opto.Starts);
    }

    [Fact]
    public void Limits_hold_at_output_even_for_settings_that_skipped_validation()
    {
        var config = RigConfig.Default();
        config.Output.Opto.WidthUs = 45_000; // duty 0.9 > max 0.5, never accepted by the validator
        var bench = new Bench(config);
        bench.Ready();

        bench.Gate.RequestFromDecision(0);

        Assert.Empty(bench.Opto.Starts);
        Assert.Equal(RefusalReason.MaxDuty, bench.LastRefusal);
    }

    [Fact]
    public void Sham_checks_counts_and_journals_like_closed_loop_but_never_drives()
    {
        var bench = new Bench(TestConfig.With("output.mode=sham"));
        bench.Ready();

        bench.Gate.RequestFromDecision(0);
        bench.At(1_000_000);
        bench.Gate.RequestFromDecision(bench.Now);

        Assert.Empty(bench.Opto.Starts);
        Assert.Equal(OutputFlags.Sham, Assert.Single(bench.Events(EventKind.OutputStarted)).Flags);
        Assert.Equal(RefusalReason.Busy, bench.LastRefusal);
        Assert.Equal(1, bench.Gate.SessionTrains);
    }

    [Fact]
    public void Open_loop_drives_on_a_fixed_schedule_from_session_start_and_ignores_decisions()
    {
        var bench = new Bench(TestConfig.With("output.mode=open_loop", "output.open_loop_interval_s=60"));
        bench.Ready();
        bench.Gate.RequestFromDecision(0);

        for (long t = 0; t <= 190_000_000; t += 1_000_000)
        {
            bench.At(t);
        }

        Assert.Equal([60_000_000L, 120_000_000L, 180_000_000L], bench.Opto.Starts.Select(s => s.TimeUs));
        Assert.All(bench.Events(EventKind.OutputStarted), e => Assert.Equal(OutputFlags.Scheduled, e.Flags));
    }

    [Fact]
    public void Yoked_drives_at_the_partners_times_and_ignores_its_own_decisions()
    {
        var bench = new Bench(TestConfig.With("output.mode=yoked"));
        bench.At(5_000_000);
        bench.Ready();
        Assert.Equal(RefusalReason.None, bench.Gate.AddYokedTrigger(20_000_000));
        Assert.Equal(RefusalReason.None, bench.Gate.AddYokedTrigger(50_000_000));
        bench.Gate.RequestFromDecision(bench.Now);

        for (long t = 5_000_000; t <= 80_000_000; t += 500_000)
        {
            bench.At(t);
        }

        Assert.Equal([25_000_000L, 55_000_000L], bench.Opto.Starts.Select(s => s.TimeUs));
    }

    [Fact]
    public void A_yoked_trigger_outside_a_session_is_refused_not_silently_dropped()
    {
        var bench = new Bench(TestConfig.With("output.mode=yoked"));
        bench.Gate.Arm(0, ControlSource.Command);
        Assert.Equal(RefusalReason.NoSession, bench.Gate.AddYokedTrigger(1_000_000));

        bench.Ready();
        Assert.Equal(RefusalReason.None, bench.Gate.AddYokedTrigger(1_000_000));
        bench.Gate.StopSession(bench.Now);
        Assert.Equal(RefusalReason.NoSession, bench.Gate.AddYokedTrigger(2_000_000));
    }

    [Fact]
    public void Yoked_triggers_are_refused_in_other_modes()
    {
        Assert.Equal(RefusalReason.NotYoked, new Bench(RigConfig.Default()).Gate.AddYokedTrigger(1));
    }

    [Fact]
    public void Both_targets_drive_both_outputs()
    {
        var bench = new Bench(TestConfig.With("output.target=both"));
        bench.Ready();

        bench.Gate.RequestFromDecision(0);

        Assert.Single(bench.Opto.Starts);
        Assert.Single(bench.Dose.Starts);
    }
}
