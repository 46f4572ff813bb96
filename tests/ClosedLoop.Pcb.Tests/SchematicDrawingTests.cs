using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ClosedLoop.Pcb.Tests;

/// <summary>
/// The schematic as a person reads it: the circuits a reviewer checks (the auto-reset's transistors, each LED driver's
/// loop) are wires, each such net named once, not a label on every pin; and the reader the tests trust sees a wire's
/// end in the middle of another wire, which KiCad leaves unjoined and a person would take as joined.
/// </summary>
public partial class FabricationTests
{
    // The auto-reset (CH340C's DTR and RTS through two transistors) and an LED driver's loop (op-amp, gate resistor,
    // MOSFET, sense resistor, feedback): each net stays inside its block.
    [Theory]
    [InlineData("UART_DTR")]
    [InlineData("UART_RTS")]
    [InlineData("LED1_GATE")]
    [InlineData("LED1_SENSE")]
    [InlineData("LED2_GATE")]
    [InlineData("LED2_SENSE")]
    public void A_net_inside_its_block_is_drawn_as_wires_and_named_once(string net)
    {
        string text = File.ReadAllText(fab.File("closedloop-rig-board.kicad_sch"));
        int labels = Regex.Matches(text, $@"\(global_label ""{Regex.Escape(net)}""").Count;
        var pins = Netlist().Count(p => p.Net == net);

        Assert.True(pins >= 2, $"{net} has {pins} pins");
        Assert.Equal(1, labels);
        // Each pin reaches the lane by at least one wire of its own.
        Assert.True(Regex.Matches(text, @"\(wire \(pts").Count > 200);
    }

    [Fact]
    public void The_reader_reports_a_wire_end_left_in_the_middle_of_another_wire()
    {
        string copy = Path.Combine(Directory.CreateTempSubdirectory("closedloop-sch").FullName, "touched.kicad_sch");
        string text = File.ReadAllText(fab.File("closedloop-rig-board.kicad_sch"));
        // A horizontal wire made one grid step longer at its right end than the lane piece it belongs to: its end now
        // lies on the next piece's middle, a T with no end there.
        var lane = Regex.Matches(text, @"\(wire \(pts \(xy ([\d.]+) ([\d.]+)\) \(xy ([\d.]+) \2\)\)")
            .Select(m => (m.Value, X0: double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), Y: m.Groups[2].Value, X1: double.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture)))
            .First(w => Regex.IsMatch(text, $@"\(wire \(pts \(xy {Regex.Escape(w.X1.ToString(CultureInfo.InvariantCulture))} {Regex.Escape(w.Y)}\) \(xy ([\d.]+) {Regex.Escape(w.Y)}\)\)"));
        string longer = lane.Value.Replace($"(xy {lane.X1.ToString(CultureInfo.InvariantCulture)} {lane.Y}))", $"(xy {(lane.X1 + 2.54).ToString("0.##", CultureInfo.InvariantCulture)} {lane.Y}))", StringComparison.Ordinal);
        File.WriteAllText(copy, text.Replace(lane.Value, longer, StringComparison.Ordinal));

        var (_, json) = BoardTool.Run(BoardTool.PcbFolder, "schematic", "--check", copy);
        var open = JsonDocument.Parse(json).RootElement.GetProperty("open").EnumerateArray().Select(e => e.GetString()!).ToList();
        Directory.Delete(Path.GetDirectoryName(copy)!, true);

        Assert.Contains(open, o => o.StartsWith("an end in the middle of a wire", StringComparison.Ordinal));
    }

    private static List<(string Reference, string Pin, string? Net)> Netlist()
    {
        var (_, json) = BoardTool.Run(BoardTool.PcbFolder, "netlist");
        using var netlist = JsonDocument.Parse(json);
        return netlist.RootElement.EnumerateObject()
            .SelectMany(p => p.Value.GetProperty("pins").EnumerateObject().Select(pin => (p.Name, pin.Name, pin.Value.ValueKind == JsonValueKind.Null ? null : pin.Value.GetString())))
            .ToList();
    }
}
