namespace ClosedLoop.Pcb.Tests;

/// <summary>The board's netlist against the electrical rules of pcb/closedloop_pcb/erc.py, and small circuits that break each rule.</summary>
public class ElectricalRuleTests
{
    [Fact]
    public void The_board_passes_every_electrical_rule()
    {
        var (errors, gpio, parts) = BoardTool.Check();

        Assert.Empty(errors);
        Assert.True(parts > 100, $"only {parts} parts");
        Assert.Equal(21, gpio.Count); // 18 nf.config pins (interlock_input and led_dac_cs among them), the boot strap, the UART and the spare input
    }

    /// <summary>
    /// Every rule fires on a small circuit built in memory to break it (pcb/closedloop_pcb/erc_cases.py), naming the
    /// part, pin and net, and only that rule fires; a correct circuit gets nothing. The board's own source is not
    /// touched, so reformatting it breaks nothing here.
    /// </summary>
    [Fact]
    public void Each_rule_fires_on_a_circuit_that_breaks_it_and_names_the_place()
    {
        var (exitCode, output) = BoardTool.Run(BoardTool.PcbFolder, "erc-cases");
        Assert.Equal(0, exitCode);
        var cases = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, List<string>>>(output)!;

        var expected = new Dictionary<string, string[]>
        {
            ["clean"] = [],
            ["pin_left_open"] = ["R1.2 (~) is connected to nothing and not marked unconnected"],
            ["marked_open_but_connected"] = ["R1.2 (~) is marked unconnected but is on net GND"],
            ["single_pin_net"] = ["net STUB has a single pin (R1.2)"],
            ["two_outputs"] = ["net OUT has more than one output driving it (U1.4, U2.4, R2.1)"],
            ["input_undriven"] = ["net FLOATING has inputs and nothing that can drive them (U1.2, U2.2)"],
            ["unpowered_rail"] = ["net RAIL feeds power inputs but no power output or PWR_FLAG drives it (R1.1, U1.5)"],
            ["footprint_missing"] =
            [
                "R1: footprint Resistor_SMD:R_0603_1608Metric_Missing not found",
                "R1.1 (~) has no pad in footprint Resistor_SMD:R_0603_1608Metric_Missing",
                "R1.2 (~) has no pad in footprint Resistor_SMD:R_0603_1608Metric_Missing",
            ],
            ["pin_without_pad"] = ["U1.4 (~) has no pad in footprint Package_TO_SOT_SMD:SOT-23", "U1.5 (VCC) has no pad in footprint Package_TO_SOT_SMD:SOT-23"],
            ["strapping_pin_used"] = ["U1.24 (IO2) is a flash or strapping pin but is on net STRAP"],
            ["input_only_gpio_undriven"] = ["U1.5 (SENSOR_VN) is input only, but nothing on net spi_miso drives it"],
        };

        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), cases.Keys.Order(StringComparer.Ordinal));
        Assert.All(expected, e => Assert.Equal(e.Value, cases[e.Key]));
    }

    [Fact]
    public void The_bill_of_materials_lists_every_placed_part_once_with_its_manufacturer_part_number()
    {
        string output = Directory.CreateTempSubdirectory("closedloop-bom").FullName;
        try
        {
            var (exitCode, _) = BoardTool.Run(BoardTool.PcbFolder, "bom", "--out", output);
            // References, quantity, value, manufacturer and part number hold no commas; only the footprint (last) may.
            var rows = File.ReadAllLines(Path.Combine(output, "closedloop-rig-board-bom.csv")).Skip(1).Select(l => l.Split(',', 6)).ToList();

            Assert.Equal(0, exitCode);
            Assert.All(rows, r => Assert.False(string.IsNullOrWhiteSpace(r[4]), $"{r[0]}: no MPN"));
            Assert.All(rows, r => Assert.Equal(r[0].Split(' ').Length, int.Parse(r[1], System.Globalization.CultureInfo.InvariantCulture)));
            var refs = rows.SelectMany(r => r[0].Split(' ')).ToList();
            Assert.Equal(refs.Count, refs.Distinct().Count());
            Assert.Contains("U5", refs);
            Assert.Contains(rows, r => r[4] == "ADS131M02IPWR" && r[3] == "Texas Instruments");
            Assert.DoesNotContain(refs, r => r.StartsWith("#FLG", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(output, true);
        }
    }
}
