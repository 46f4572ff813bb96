namespace ClosedLoop.Pcb.Tests;

/// <summary>The board's netlist against the electrical rules of pcb/closedloop_pcb/erc.py, and copies broken on purpose.</summary>
public class ElectricalRuleTests
{
    [Fact]
    public void The_board_passes_every_electrical_rule()
    {
        var (errors, gpio, parts) = BoardTool.Check();

        Assert.Empty(errors);
        Assert.True(parts > 100, $"only {parts} parts");
        Assert.Equal(20, gpio.Count); // 17 nf.config pins (interlock_input among them), the boot strap, the UART and the spare input
    }

    [Theory]
    [InlineData("    b.leave_unconnected(adc[\"~{DRDY}\"])\n", "", "U5.13 (~{DRDY}) is connected to nothing and not marked unconnected")]
    [InlineData("    power_flag(\"+3V3A\")\n", "", "net +3V3A feeds power inputs but no power output or PWR_FLAG drives it")]
    [InlineData("((\"ENCOUNTER\", \"encounter_input\"), (\"SPARE\", \"spare_input\"))", "((\"ENCOUNTER\", \"encounter_input\"), (\"SPARE\", \"encounter_input\"))", "net encounter_input has more than one output driving it")]
    [InlineData("    b.connect(\"spi_miso\", adc[\"DOUT\"])\n", "    b.leave_unconnected(adc[\"DOUT\"])\n", "(SENSOR_VN) is input only, but nothing on net spi_miso drives it")]
    [InlineData("    b.connect(\"ADC_CAP\", adc[\"CAP\"])\n", "    b.leave_unconnected(adc[\"CAP\"])\n", "net ADC_CAP has a single pin")]
    [InlineData("\"IO2\", \"IO5\",", "\"IO5\",", "U4.24 (IO2) is connected to nothing and not marked unconnected")]
    [InlineData("Package_SO:SOIC-8_3.9x4.9mm_P1.27mm", "Package_SO:SOIC-8_3.9x4.9mm_P1.27mm_Missing", "footprint Package_SO:SOIC-8_3.9x4.9mm_P1.27mm_Missing not found")]
    [InlineData("\"Package_SO:SOIC-16_3.9x9.9mm_P1.27mm\"", "\"Package_SO:SOIC-8_3.9x4.9mm_P1.27mm\"", "U3.16 (VCC) has no pad in footprint Package_SO:SOIC-8_3.9x4.9mm_P1.27mm")]
    public void A_copy_broken_in_one_place_fails_with_that_place_named(string find, string replace, string expected)
    {
        string copy = BoardTool.BrokenCopy(find, replace);
        try
        {
            var (exitCode, _) = BoardTool.Run(copy, "check");
            var (errors, _, _) = BoardTool.Check(copy);

            Assert.Equal(1, exitCode);
            Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(copy, true);
        }
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
