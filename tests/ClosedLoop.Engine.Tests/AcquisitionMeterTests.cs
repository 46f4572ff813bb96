using System.Text;

namespace ClosedLoop.Engine.Tests;

/// <summary>The rig measuring its own acquisition and refusing to run a plan its converter cannot meet.</summary>
public sealed class AcquisitionMeterTests
{
    private static string Status(ClosedLoopEngine engine)
    {
        var changes = new StatusChanges();
        Assert.True(changes.Check(engine));
        return Encoding.UTF8.GetString(changes.Buffer, 0, changes.Length);
    }

    [Fact]
    public void A_second_of_enough_readings_is_journaled_once_as_met_with_the_figures_and_reported_in_the_status()
    {
        var rig = new RigHarness(TestConfig.With("acquisition.min_readings=2")) { ReadingsPerPhase = 4 };

        rig.RunFor(3_000_000);

        var measured = Assert.Single(rig.Events(EventKind.AcquisitionMeasured));
        Assert.Equal(0, measured.Code);
        Assert.Equal(2, measured.Flags);
        Assert.InRange(measured.Value1, 3.9, 4.1);
        Assert.Equal(0, measured.Value2, 3);
        // 12 readings in a 7692 µs cycle: about 641 µs from one to the next.
        Assert.InRange(measured.Ref1, 560, 720);
        Assert.Empty(rig.Events(EventKind.Fault));
        Assert.Contains("\"per_phase\":4", Status(rig.Engine), StringComparison.Ordinal);
        Assert.Matches("\"reading_us\":6[0-9][0-9]", Status(rig.Engine));
        Assert.Equal(RefusalReason.None, rig.Engine.Arm());
    }

    [Fact]
    public void The_status_reports_each_phases_light_as_read_and_the_converters_full_scale()
    {
        var rig = new RigHarness(TestConfig.With()) { Signal = _ => 2000, Control = _ => 1000, Dark = 100 };

        Assert.DoesNotContain("\"sig\"", Status(rig.Engine), StringComparison.Ordinal);
        rig.RunFor(1_100_000);

        Assert.Contains("\"full\":4095,\"light\":\"ok\",\"sig\":2000,\"ctl\":1000,\"dark\":100", Status(rig.Engine), StringComparison.Ordinal);
        Assert.Equal(LightRange.Ok, rig.Engine.Meter.Range);
    }

    [Theory]
    [InlineData(3690, 1000, "near_rail")]   // 90.1 % of 4095: a brighter moment saturates
    [InlineData(3680, 1000, "ok")]          // 89.9 %
    [InlineData(2000, 199, "near_floor")]   // 99 counts above dark, under 5 x min_level (20)
    [InlineData(2000, 201, "ok")]
    [InlineData(4095, 1000, "near_rail")]   // at the rail: reported, not hidden by the fault the guard raises
    public void Light_close_to_where_the_guard_faults_is_reported_as_near_the_rail_or_the_floor(double signal, double control, string range)
    {
        var rig = new RigHarness(TestConfig.With()) { Signal = _ => signal, Control = _ => control, Dark = 100 };

        rig.RunFor(1_100_000);

        Assert.Contains($"\"light\":\"{range}\"", Status(rig.Engine), StringComparison.Ordinal);
    }

    [Fact]
    public void One_colour_reports_its_signal_alone_and_a_24_bit_converters_status_still_fits()
    {
        var continuous = new RigHarness(TestConfig.With("acquisition.mode=continuous")) { Signal = _ => 1500, Control = _ => 1500, Dark = 1500 };
        var wide = new RigHarness(TestConfig.With("acquisition.adc=ads131m02")) { Signal = _ => 8_300_000, Control = _ => 7_000_000, Dark = -8_000 };

        continuous.RunFor(1_100_000);
        wide.RunFor(1_100_000);

        string one = Status(continuous.Engine);
        Assert.Contains("\"light\":\"ok\",\"sig\":1500", one, StringComparison.Ordinal);
        Assert.DoesNotContain("\"ctl\"", one, StringComparison.Ordinal);
        Assert.DoesNotContain("\"dark\"", one, StringComparison.Ordinal);
        Assert.Contains("\"full\":8388607,\"light\":\"near_rail\",\"sig\":8300000,\"ctl\":7000000,\"dark\":-8000", Status(wide.Engine), StringComparison.Ordinal);
    }

    [Fact]
    public void Too_few_readings_per_phase_fault_within_two_seconds_and_arming_is_refused_until_a_config_the_rig_can_meet()
    {
        var rig = new RigHarness(TestConfig.With("acquisition.min_readings=3")) { ReadingsPerPhase = 2 };

        rig.RunFor(1_100_000);
        Assert.Empty(rig.Events(EventKind.Fault));
        rig.RunFor(1_100_000);

        var fault = Assert.Single(rig.Events(EventKind.Fault));
        Assert.Equal((int)FaultCode.AcquisitionRate, fault.Code);
        Assert.Equal(20, fault.Ref1);
        Assert.Equal(new[] { (1, 3, 1.0), (1, 3, 1.0) }, rig.Events(EventKind.AcquisitionMeasured).Select(e => (e.Code, e.Flags, e.Value2)));
        Assert.Equal(RefusalReason.AcquisitionTooSlow, rig.Engine.Arm());
        Assert.Contains(rig.Events(EventKind.ArmRefused), e => e.Flags == (int)RefusalReason.AcquisitionTooSlow);

        // A plan the converter can meet: a new measurement starts, and arming is allowed again.
        byte[] met = TestConfig.BytesForRig("[acquisition]\nmin_readings = 2\n");
        Assert.True(rig.Engine.ApplyConfig(met, met.Length).IsValid);
        Assert.Equal(RefusalReason.None, rig.Engine.Arm());
        rig.RunFor(1_200_000);
        Assert.Equal(0, rig.Events(EventKind.AcquisitionMeasured).Last().Code);
        Assert.True(rig.Engine.Gate.IsArmed);
    }

    [Fact]
    public void A_rig_that_slows_down_while_armed_keeps_its_session_says_so_and_arms_again_only_once_a_second_meets_the_plan()
    {
        var rig = new RigHarness(TestConfig.With("acquisition.min_readings=2")) { ReadingsPerPhase = 3 };
        rig.RunFor(1_100_000);
        Assert.Equal(RefusalReason.None, rig.Engine.Arm());

        rig.ReadingsPerPhase = 1;
        rig.RunFor(3_000_000);
        Assert.Empty(rig.Events(EventKind.Fault));
        Assert.True(rig.Engine.Gate.IsArmed);
        Assert.Equal(1, rig.Events(EventKind.AcquisitionMeasured).Last().Code);

        rig.Engine.Disarm();
        Assert.Equal(RefusalReason.AcquisitionTooSlow, rig.Engine.Arm());
        rig.ReadingsPerPhase = 3;
        rig.RunFor(2_100_000);
        Assert.Equal(new[] { 0, 1, 0 }, rig.Events(EventKind.AcquisitionMeasured).Select(e => e.Code));
        Assert.Equal(RefusalReason.None, rig.Engine.Arm());
    }

    [Fact]
    public void One_bad_second_is_a_hiccup_and_cycles_that_never_arrive_are_a_data_gap_not_a_plan_failure()
    {
        var rig = new RigHarness(TestConfig.With("acquisition.min_readings=2")) { ReadingsPerPhase = 3 };
        rig.RunFor(1_100_000);
        rig.ReadingsPerPhase = 1;
        rig.RunFor(800_000);
        rig.ReadingsPerPhase = 3;
        rig.RunFor(1_100_000);
        Assert.Single(rig.Events(EventKind.AcquisitionMeasured));

        // The sampler stalls for 200 ms of every 500: two cycles in five never arrive.
        for (int i = 0; i < 6; i++)
        {
            rig.RunFor(300_000);
            rig.Clock.Advance(200_000);
        }

        rig.RunFor(300_000);
        Assert.DoesNotContain(rig.Events(EventKind.Fault), e => e.Code == (int)FaultCode.AcquisitionRate);
        Assert.NotEmpty(rig.Events(EventKind.DataGap));
        Assert.Equal(RefusalReason.None, rig.Engine.Arm());
    }

    [Fact]
    public void The_longest_output_start_is_measured_and_reported()
    {
        var rig = new RigHarness(TestConfig.With("output.mode=open_loop", "output.open_loop_interval_s=1", "acquisition.min_readings=2"));
        rig.Opto.StartCostUs = 700;
        Assert.Equal(RefusalReason.None, rig.Engine.Arm());
        Assert.Equal(RefusalReason.None, rig.Engine.StartSession());
        rig.RunFor(1_500_000);

        Assert.NotEmpty(rig.Opto.Starts);
        Assert.Equal(700, rig.Engine.LongestOutputStartUs);
        Assert.Contains("\"start_us\":700", Status(rig.Engine), StringComparison.Ordinal);
    }

    [Fact]
    public void New_figures_alone_never_count_as_a_change_of_status()
    {
        var rig = new RigHarness(TestConfig.With("acquisition.min_readings=2")) { ReadingsPerPhase = 4 };
        rig.RunFor(1_100_000);
        var changes = new StatusChanges();
        Assert.True(changes.Check(rig.Engine));

        rig.ReadingsPerPhase = 3;
        rig.RunFor(1_100_000);

        Assert.True(changes.Check(rig.Engine));
        Assert.True(changes.IsHeartbeat, "new measurements alone must not count as a change of status");
        Assert.Contains("\"per_phase\":3", Encoding.UTF8.GetString(changes.Buffer, 0, changes.Length), StringComparison.Ordinal);
    }
}
