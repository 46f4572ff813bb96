using System.Globalization;
using System.Text.Json;
using ClosedLoop.Firmware.Acquisition;

namespace ClosedLoop.Pcb.Tests;

/// <summary>
/// The LED drivers as a lab's engineer would check them against photometry's needs (pyPhotometry's board is the
/// anchor): each LED's current set in software from a reference that does not move with the 3.3 V rail, an off-state
/// bias that beats the op-amp's offset, a range that cannot exceed what the circuit allows, and the firmware's numbers
/// for the loop equal to the parts on the board.
/// </summary>
public class LedDriverTests
{
    private sealed record Part(string Ref, string Value, Dictionary<string, string> Pins);

    private static List<Part> Parts()
    {
        var (_, json) = BoardTool.Run(BoardTool.PcbFolder, "netlist");
        using var netlist = JsonDocument.Parse(json);
        return [.. netlist.RootElement.EnumerateObject().Select(p => new Part(
            p.Name,
            p.Value.GetProperty("value").GetString()!,
            p.Value.GetProperty("pins").EnumerateObject().ToDictionary(pin => pin.Name, pin => pin.Value.GetString()!)))];
    }

    /// <summary>The resistance (Ω) of the one resistor between two nets.</summary>
    private static double Between(List<Part> parts, string a, string b)
    {
        var found = parts.Where(p => p.Ref.StartsWith('R') && p.Pins.Count == 2 && p.Pins.Values.Order().SequenceEqual(new[] { a, b }.Order())).ToList();
        Assert.True(found.Count == 1, $"{found.Count} resistors between {a} and {b}");
        return Ohms(found[0].Value);
    }

    private static double Ohms(string value)
    {
        double scale = value[^1] switch { 'k' => 1e3, 'M' => 1e6, _ => 1 };
        return double.Parse(scale == 1 ? value : value[..^1], CultureInfo.InvariantCulture) * scale;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void The_firmwares_numbers_for_the_current_loop_are_the_boards_parts(int led)
    {
        var parts = Parts();

        Assert.Equal(LedCurrentLoop.DividerTopOhms, Between(parts, $"LED{led}_SW", $"LED{led}_SET"));
        Assert.Equal(LedCurrentLoop.DividerBottomOhms, Between(parts, $"LED{led}_SET", "GND"));
        Assert.Equal(LedCurrentLoop.SenseOhms, Between(parts, $"LED{led}_SENSE", "GND"));
        Assert.Equal(LedCurrentLoop.FeedbackOhms, Between(parts, $"LED{led}_SENSE", $"LED{led}_FB"));
        Assert.Equal(LedCurrentLoop.BiasOhms, Between(parts, "+3V3", $"LED{led}_FB"));

        // The setpoint comes from the DAC's channel (A for LED1) through a switch the LED's RMT line closes.
        var dac = Assert.Single(parts, p => p.Value == "MCP4822");
        Assert.Equal($"LED{led}_DAC", dac.Pins[led == 1 ? "8" : "6"]);
        var sw = Assert.Single(parts, p => p.Value == "74LVC1G66" && p.Pins.ContainsValue($"LED{led}_SW"));
        Assert.Equal((led == 1 ? "signal_led" : "control_led", $"LED{led}_DAC"), (sw.Pins["4"], sw.Pins["1"]));
        Assert.Equal("led_dac_cs", dac.Pins["2"]);
    }

    [Fact]
    public void The_reference_is_the_DACs_own_and_the_range_suits_photometry()
    {
        var parts = Parts();
        var dac = Assert.Single(parts, p => p.Value == "MCP4822");

        // The MCP4822's internal 2.048 V reference: its supply pin feeds no reference input (it has none), and the
        // firmware's full scale is that reference: 102 mA at most, in 25 uA steps, so 5-20 mA use 5-20 % of the range.
        Assert.Equal("+3V3", dac.Pins["1"]);
        Assert.Equal(2.048, LedCurrentLoop.DacReferenceVolts);
        Assert.InRange(LedCurrentLoop.MilliampsAt(LedCurrentLoop.DacCodes - 1), 100, 105);
        Assert.InRange(LedCurrentLoop.MilliampsAt(1001) - LedCurrentLoop.MilliampsAt(1000), 0.02, 0.03);
    }

    [Fact]
    public void With_the_setpoint_at_zero_the_bias_holds_the_LED_off_against_the_op_amps_worst_offset()
    {
        var parts = Parts();
        Assert.Single(parts, p => p.Value == "OPA2376");

        // With no setpoint the feedback node sits this far above the sense voltage; the op-amp's offset (25 uV at most
        // for the OPA2376, 4.5 mV for the MCP6002 it replaced) must be smaller, or a dark LED could pass current.
        double biasVolts = LedCurrentLoop.BiasVolts * LedCurrentLoop.FeedbackOhms / (LedCurrentLoop.FeedbackOhms + LedCurrentLoop.BiasOhms);
        Assert.True(biasVolts > 100 * 25e-6, $"bias {biasVolts * 1e3:F2} mV");
        Assert.Equal(0, LedCurrentLoop.MilliampsAt(0));
        Assert.Equal(0, LedCurrentLoop.CodeFor(0));
    }
}
