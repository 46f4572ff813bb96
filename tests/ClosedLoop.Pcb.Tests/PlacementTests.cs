using System.Text.Json;

namespace ClosedLoop.Pcb.Tests;

/// <summary>
/// Parts placed by what they connect to, measured on the saved board as KiCad reads it (pad centres, mm) against the
/// netlist's pins: decoupling at its chip's supply pins, protection at its connector, series resistors at the pin that
/// drives them, the converter's input filter and clock at its pins. The review that asked for this measured the old
/// board's packing in creation order: the converter's supply capacitors 8.7-11.4 mm from their pins, the ESP32's
/// 21.9 mm, the ESD diodes 10-41 mm from their connectors, the oscillator 39 mm from the converter's clock input.
/// </summary>
public partial class FabricationTests
{
    // A capacitor within this of its chip's supply pin (centre to centre) has a loop of a few mm; the placement puts
    // each at about 2.5-3.2 mm, where its own courtyard and the track room around the chip's pins allow.
    private const double DecouplingMm = 3.5;

    // The first thing a strike meets on its way in: BNC and USB diodes within 8 mm of the connector's pin. A terminal
    // block's diodes sit beyond the pin labels printed beside its pins (6 mm), so within 11 mm.
    private const double ProtectionMm = 8.0;
    private const double TerminalProtectionMm = 11.0;

    // A damping resistor works at the driver's end of the line.
    private const double SourceMm = 4.0;

    // The anti-alias capacitor and clamp at the converter's input pin, the oscillator by its clock input.
    private const double ConverterPinMm = 6.5;

    private static readonly HashSet<string> Supplies = ["+3V3", "+3V3A", "+5V"];

    [Fact]
    public void Each_chip_has_a_decoupling_capacitor_at_its_supply_pins()
    {
        var (netlist, pads) = (PinKinds(), Inspect().Pads);
        var capacitors = netlist.Where(p => p.Key.StartsWith('C') && p.Value.Pins.ContainsValue("GND")).Select(p => p.Key).ToList();
        var chips = netlist.Where(p => p.Key.StartsWith('U') || p.Key.StartsWith('X')).ToList();
        var measured = new List<string>();

        foreach (var (chip, part) in chips)
        {
            foreach (string net in part.Pins.Where(pin => Supplies.Contains(pin.Value) && part.Kinds[pin.Key] is "power_in" or "power_out").Select(pin => pin.Value).Distinct())
            {
                var supplyPins = pads[chip].Where(pad => pad.Value.Net == net).Select(pad => pad.Value).ToList();
                var (capacitor, distance) = capacitors.SelectMany(c => pads[c].Values.Where(pad => pad.Net == net).Select(pad => (c, Distance: supplyPins.Min(pin => Distance(pin, pad)))))
                    .MinBy(c => c.Distance);
                measured.Add($"{chip} ({part.Value}) {net}: {capacitor} at {distance:F1} mm");
                Assert.True(distance <= DecouplingMm, $"{chip} ({part.Value}): the nearest capacitor on {net} is {capacitor}, {distance:F1} mm from its pin");
            }
        }

        // Every chip on the board was looked at: the converter, the ESP32, the DAC, the op-amp, the regulator, the
        // USB-UART, the oscillator and the logic gates (the ESD array has no supply pin on these nets).
        Assert.Equal(chips.Count - 1, measured.Select(m => m.Split(' ')[0]).Distinct().Count());
    }

    [Fact]
    public void Each_protection_diode_sits_at_its_connectors_pin()
    {
        var (netlist, pads) = (PinKinds(), Inspect().Pads);
        var connectors = netlist.Where(p => p.Key.StartsWith('J')).ToDictionary(p => p.Key, p => p.Value);
        var protection = netlist.Where(p => p.Value.Symbol.EndsWith(":D_TVS", StringComparison.Ordinal) || p.Value.Symbol.StartsWith("Power_Protection:", StringComparison.Ordinal));
        int checkedPins = 0;

        foreach (var (diode, part) in protection)
        {
            foreach (var (pin, net) in part.Pins.Where(p => p.Value is not ("GND" or "VBUS" or "")))
            {
                var (connector, distance) = connectors.Where(c => c.Value.Pins.ContainsValue(net))
                    .SelectMany(c => pads[c.Key].Values.Where(pad => pad.Net == net).Select(pad => (c.Key, Distance: Distance(pad, pads[diode][pin]))))
                    .MinBy(c => c.Distance);
                double allowed = connectors[connector].Footprint.StartsWith("TerminalBlock", StringComparison.Ordinal) ? TerminalProtectionMm : ProtectionMm;
                Assert.True(distance <= allowed, $"{diode}.{pin} ({net}) is {distance:F1} mm from {connector}'s pin (at most {allowed} mm)");
                checkedPins++;
            }
        }

        // 14 diodes (7 BNCs, 2 LED cathodes, 5 switch signals) and the USB array's four data pins.
        Assert.Equal(18, checkedPins);
    }

    [Fact]
    public void Each_series_damping_resistor_sits_at_the_pin_that_drives_its_line()
    {
        var (netlist, pads) = (PinKinds(), Inspect().Pads);
        var drivers = netlist.Where(p => p.Key.StartsWith('U') || p.Key.StartsWith('X'))
            .SelectMany(p => p.Value.Pins.Where(pin => p.Value.Kinds[pin.Key] is "output" or "tri_state" or "bidirectional").Select(pin => (Ref: p.Key, Pin: pin.Key, Net: pin.Value)))
            .ToList();
        var dampers = netlist.Where(p => p.Key.StartsWith('R') && p.Value.Value == "33").ToList();

        Assert.Equal(6, dampers.Count); // the converter's SCLK, DIN and clock, the opto, dose and sync outputs
        foreach (var (resistor, part) in dampers)
        {
            var driver = Assert.Single(drivers, d => part.Pins.ContainsValue(d.Net));
            var end = pads[resistor].Values.Single(pad => pad.Net == driver.Net);
            double distance = Distance(end, pads[driver.Ref][driver.Pin]);
            Assert.True(distance <= SourceMm, $"{resistor} is {distance:F1} mm from {driver.Ref}.{driver.Pin}, which drives {driver.Net}");
        }
    }

    [Fact]
    public void The_converters_input_filters_cap_pin_and_clock_sit_at_its_pins()
    {
        var (netlist, pads) = (PinKinds(), Inspect().Pads);
        string converter = netlist.Single(p => p.Value.Value == "ADS131M02").Key;
        var measured = 0;
        foreach (string net in new[] { "ADC_AIN0", "ADC_AIN1", "ADC_CAP" })
        {
            var pin = pads[converter].Values.Single(p => p.Net == net);
            foreach (var (part, _) in netlist.Where(p => (p.Key.StartsWith('C') || p.Key.StartsWith('D')) && p.Value.Pins.ContainsValue(net)))
            {
                double distance = pads[part].Values.Where(p => p.Net == net).Min(p => Distance(p, pin));
                Assert.True(distance <= ConverterPinMm, $"{part} on {net} is {distance:F1} mm from {converter}'s pin");
                measured++;
            }
        }

        Assert.Equal(5, measured); // two anti-alias capacitors, two clamps, the CAP pin's capacitor
        string oscillator = netlist.Single(p => p.Value.Symbol.StartsWith("Oscillator:", StringComparison.Ordinal)).Key;
        var output = pads[oscillator].Values.Single(p => p.Net == "ADC_CLK_OSC");
        var clockInput = pads[converter].Values.Single(p => p.Net == "ADC_CLKIN");
        Assert.True(Distance(output, clockInput) <= ConverterPinMm, $"the oscillator's output is {Distance(output, clockInput):F1} mm from the converter's clock input");
    }

    private static double Distance((double X, double Y, string Net) a, (double X, double Y, string Net) b) =>
        Math.Sqrt(((a.X - b.X) * (a.X - b.X)) + ((a.Y - b.Y) * (a.Y - b.Y)));

    private static Dictionary<string, (string Symbol, string Footprint, string Value, Dictionary<string, string> Pins, Dictionary<string, string> Kinds)> PinKinds()
    {
        var (_, json) = BoardTool.Run(BoardTool.PcbFolder, "netlist");
        using var netlist = JsonDocument.Parse(json);
        return netlist.RootElement.EnumerateObject().ToDictionary(
            p => p.Name,
            p => (p.Value.GetProperty("symbol").GetString()!,
                  p.Value.GetProperty("footprint").GetString()!.Split(':')[1],
                  p.Value.GetProperty("value").GetString()!,
                  p.Value.GetProperty("pins").EnumerateObject().ToDictionary(pin => pin.Name, pin => pin.Value.GetString() ?? ""),
                  p.Value.GetProperty("kinds").EnumerateObject().ToDictionary(pin => pin.Name, pin => pin.Value.GetString()!)));
    }
}
