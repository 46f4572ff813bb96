namespace ClosedLoop.Engine.Tests;

/// <summary>The hardware arm chain read back against the e-stop and key inputs.</summary>
public sealed class InterlockTests
{
    [Fact]
    public void A_disagreement_shorter_than_the_debounce_is_two_poles_moving_apart_and_not_reported()
    {
        var monitor = new InterlockMonitor();

        // The key turns: its chain pole closes 30 ms after its sensed pole.
        Assert.Equal(0, monitor.Check(keyOn: true, estopPressed: false, chainClosed: false, nowUs: 0));
        Assert.Equal(0, monitor.Check(true, false, false, 30_000));
        Assert.Equal(0, monitor.Check(true, false, true, 30_001));

        Assert.False(monitor.IsMismatched);
    }

    [Theory]
    [InlineData(false, false, true, InterlockMonitor.ChainClosedWhileOff)]
    [InlineData(true, true, true, InterlockMonitor.ChainClosedWhileOff)]
    [InlineData(true, false, false, InterlockMonitor.ChainOpenWhileOn)]
    public void A_lasting_disagreement_is_reported_once_and_holds_until_they_agree_for_the_debounce(bool keyOn, bool estopPressed, bool chainClosed, long expected)
    {
        var monitor = new InterlockMonitor();

        Assert.Equal(0, monitor.Check(keyOn, estopPressed, chainClosed, 0));
        Assert.Equal(0, monitor.Check(keyOn, estopPressed, chainClosed, InterlockMonitor.DebounceUs - 1));
        Assert.Equal(expected, monitor.Check(keyOn, estopPressed, chainClosed, InterlockMonitor.DebounceUs));
        Assert.Equal(0, monitor.Check(keyOn, estopPressed, chainClosed, 10 * InterlockMonitor.DebounceUs));
        Assert.True(monitor.IsMismatched);

        // Agreement must last the debounce too before the mismatch is over.
        Assert.Equal(0, monitor.Check(keyOn, estopPressed, !chainClosed, 20 * InterlockMonitor.DebounceUs));
        Assert.True(monitor.IsMismatched);
        Assert.Equal(0, monitor.Check(keyOn, estopPressed, !chainClosed, 21 * InterlockMonitor.DebounceUs));
        Assert.False(monitor.IsMismatched);
    }

    [Fact]
    public void A_bridged_chain_faults_disarms_the_rig_and_refuses_arming_until_the_wiring_agrees_again()
    {
        var rig = new RigHarness(RigConfig.Default());
        rig.RunFor(1_000_000);
        Assert.Equal(RefusalReason.None, rig.Engine.Arm());

        // Key off and e-stop released, but the chain reads closed: a jumper across the key's chain pole.
        for (int i = 0; i < 10; i++)
        {
            rig.Engine.OnInterlockReadback(keyOn: false, estopPressed: false, chainClosed: true);
            rig.RunFor(10_000);
        }

        var fault = Assert.Single(rig.Events(EventKind.Fault));
        Assert.Equal(((int)FaultCode.Interlock, InterlockMonitor.ChainClosedWhileOff), (fault.Code, fault.Ref1));
        Assert.False(rig.Engine.IsArmed);
        Assert.True(rig.Engine.IsInterlockMismatched);
        Assert.Equal(RefusalReason.InterlockMismatch, rig.Engine.Arm());
        Assert.Equal("interlock", EventJson.Faults[fault.Code]);
        Assert.Equal("interlock_mismatch", EventJson.Reasons[(int)RefusalReason.InterlockMismatch]);

        // The jumper is gone: once the chain has agreed for the debounce, the rig may be armed again.
        for (int i = 0; i < 10; i++)
        {
            rig.Engine.OnInterlockReadback(keyOn: false, estopPressed: false, chainClosed: false);
            rig.RunFor(10_000);
        }

        Assert.Equal(RefusalReason.None, rig.Engine.Arm());
        Assert.Single(rig.Events(EventKind.Fault));
    }

    [Fact]
    public void The_readback_pin_is_off_by_default_and_when_wired_is_an_input_of_its_own_that_may_be_input_only()
    {
        Assert.Equal(-1, RigConfig.Default().Board.InterlockInputPin);
        Assert.True(ConfigLoader.Load("[pins]\ninterlock_input = 34\n[acquisition]\nadc = ads131m02\n").IsValid);

        // With the ESP32's own ADC on channel 6, GPIO34 is the photodiode's.
        var clash = Assert.Single(ConfigLoader.Load("[pins]\ninterlock_input = 34\n").Errors);
        Assert.Equal("pins.interlock_input", clash.Field);
        Assert.Contains("GPIO 34 is already pins.photodiode_adc_channel", clash.Expected, StringComparison.Ordinal);
    }
}
