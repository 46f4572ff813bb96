namespace ClosedLoop.Pcb.Tests;

/// <summary>
/// pcb/rig-parts.csv, the rest of the rig beside the board: a lab can order from it only if every line says how many,
/// from whom, by which number, what it connects to and where the number comes from, and if it covers the whole light
/// path the board is built for (two LEDs of the board's two colours, a minicube, a photoreceiver, patch cords, a rotary
/// joint) and the enclosure's and controls' parts.
/// </summary>
public class RigPartsTests
{
    private static readonly string[] Columns = ["Group", "Item", "Quantity", "Maker", "Part number", "Connects to", "Light or rating", "Source of the part number"];

    private static List<Dictionary<string, string>> Rows()
    {
        var lines = File.ReadAllLines(Path.Combine(BoardTool.PcbFolder, "rig-parts.csv")).Where(l => l.Length > 0).ToList();
        Assert.Equal(Columns, lines[0].Split(','));
        return lines.Skip(1).Select((line, i) =>
        {
            var cells = line.Split(',');
            Assert.True(cells.Length == Columns.Length, $"line {i + 2} has {cells.Length} cells, not {Columns.Length} (a comma inside a cell?): {line}");
            return Columns.Zip(cells).ToDictionary(c => c.First, c => c.Second);
        }).ToList();
    }

    [Fact]
    public void Every_line_says_how_many_from_whom_by_which_number_what_it_connects_to_and_whence_the_number()
    {
        foreach (var row in Rows())
        {
            Assert.Matches(@"^\d+( each)?$", row["Quantity"]);
            foreach (string column in new[] { "Item", "Maker", "Part number", "Connects to", "Source of the part number" })
            {
                Assert.False(string.IsNullOrWhiteSpace(row[column]), $"{row["Item"]}: no {column}");
            }
        }
    }

    [Fact]
    public void The_optics_cover_the_light_path_for_the_boards_two_colours_and_each_led_says_the_light_per_ma()
    {
        var optics = Rows().Where(r => r["Group"] == "optics").ToList();
        bool Has(string pattern) => optics.Any(r => System.Text.RegularExpressions.Regex.IsMatch(r["Item"], pattern));

        Assert.True(Has(@"^(465|470) nm .*LED"), "no signal LED (465/470 nm)");
        Assert.True(Has(@"^(405|415) nm .*LED"), "no isosbestic LED (405/415 nm)");
        Assert.True(Has("minicube"), "no filter cube");
        Assert.True(Has("photoreceiver"), "no photoreceiver");
        Assert.True(Has("patch cord"), "no patch cord");
        Assert.True(Has("rotary joint"), "no rotary joint");

        // Each LED a lab would order first plugs into an M8 socket (the board's LED outputs in the enclosure) and says
        // what light a milliampere gives.
        foreach (var led in optics.Where(r => System.Text.RegularExpressions.Regex.IsMatch(r["Item"], @"^\d+ nm connectorized LED")))
        {
            Assert.Contains("M8", led["Connects to"], StringComparison.Ordinal);
            Assert.Matches(@"uW .* per mA", led["Light or rating"]);
        }
    }

    [Fact]
    public void The_enclosure_and_control_parts_are_the_ones_the_enclosure_and_the_wiring_drawing_take()
    {
        var rows = Rows();

        Assert.Equal("2", rows.Single(r => r["Item"].StartsWith("M8 4-pin female panel socket", StringComparison.Ordinal))["Quantity"]);
        Assert.Single(rows, r => r["Item"].StartsWith("cable gland M16", StringComparison.Ordinal));
        Assert.Contains("two normally closed", rows.Single(r => r["Item"].StartsWith("emergency stop", StringComparison.Ordinal))["Item"], StringComparison.Ordinal);
        Assert.Contains("two normally open", rows.Single(r => r["Item"].StartsWith("key switch", StringComparison.Ordinal))["Item"], StringComparison.Ordinal);
    }
}
