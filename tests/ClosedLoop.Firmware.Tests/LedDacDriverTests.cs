using System.Device.Spi;

namespace ClosedLoop.Firmware.Tests;

/// <summary>
/// The rig board's LED current DAC driver, compiled for .NET over dotnet/iot's SpiDevice exactly as written for the
/// board, against an emulated MCP4822 (its datasheet's write command); the current each code gives is worked out here
/// from the LED loop's circuit (RigBoardLedLoop), independently of the driver's own arithmetic.
/// </summary>
public class LedDacDriverTests
{
    [Theory]
    [InlineData(10.0, 50.0)]
    [InlineData(0.5, 100.0)]
    [InlineData(37.3, 2.0)]
    public void Each_LED_gets_the_current_asked_for_to_within_half_a_step(double signalMa, double controlMa)
    {
        var chip = new EmulatedMcp4822(new SpiConnectionSettings(1, 16));
        new Mcp4822LedCurrents(chip).Set(signalMa, controlMa);

        Assert.Equal(2, chip.Words.Count);
        Assert.Equal((0, 1), ((chip.Words[0] >> 15) & 1, (chip.Words[1] >> 15) & 1));
        Assert.All(new[] { 0, 1 }, channel =>
        {
            Assert.True(chip.IsActive(channel));
            Assert.Equal(1, chip.GainOf(channel));
        });
        Assert.InRange(RigBoardLedLoop.Milliamps(chip.OutputVolts(0)), signalMa - 0.0126, signalMa + 0.0126);
        Assert.InRange(RigBoardLedLoop.Milliamps(chip.OutputVolts(1)), controlMa - 0.0126, controlMa + 0.0126);
    }

    [Fact]
    public void Zero_leaves_the_LED_dark_and_off_shuts_both_outputs_down()
    {
        var chip = new EmulatedMcp4822(new SpiConnectionSettings(1, 16));
        var dac = new Mcp4822LedCurrents(chip);

        dac.Set(0, 20);
        Assert.Equal(0, RigBoardLedLoop.Milliamps(chip.OutputVolts(0)));
        Assert.True(RigBoardLedLoop.Milliamps(chip.OutputVolts(1)) > 19.9);

        dac.Off();
        Assert.False(chip.IsActive(0));
        Assert.False(chip.IsActive(1));
        Assert.Equal(0, RigBoardLedLoop.Milliamps(chip.OutputVolts(1)));
    }

    [Fact]
    public void The_circuit_cannot_pass_more_than_102_mA_whatever_is_asked()
    {
        var chip = new EmulatedMcp4822(new SpiConnectionSettings(1, 16));
        new Mcp4822LedCurrents(chip).Set(1000, 100);

        Assert.Equal(4095, chip.CodeOf(0));
        Assert.InRange(RigBoardLedLoop.Milliamps(chip.OutputVolts(0)), 101.5, 102.5);
        Assert.InRange(RigBoardLedLoop.Milliamps(chip.OutputVolts(1)), 99.98, 100.02);
    }

    [Fact]
    public void The_steps_are_25_uA()
    {
        Assert.InRange(LedCurrentLoop.MilliampsAt(2001) - LedCurrentLoop.MilliampsAt(2000), 0.0249, 0.0252);
        Assert.Equal(0, LedCurrentLoop.MilliampsAt(0));
    }
}
