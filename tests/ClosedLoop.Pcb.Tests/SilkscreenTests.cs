using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ClosedLoop.Pcb.Tests;

/// <summary>
/// What is written on the board, read back from the saved board by KiCad itself (`build.py inspect`): the name of
/// every connector beside it, every terminal pin's signal beside the pin, the board's name and revision; and
/// the mounting holes on a rectangle. KiCad's DRC (clean, see above) keeps the labels off pads and other silkscreen.
/// </summary>
public partial class FabricationTests
{
    private static readonly Dictionary<string, string> ConnectorLabels = new()
    {
        ["J1"] = "USB", ["J2"] = "IN1 photoreceiver", ["J3"] = "IN2 photoreceiver", ["J4"] = "LED1", ["J5"] = "LED2",
        ["J6"] = "E-STOP", ["J7"] = "ARM CHAIN", ["J8"] = "ARM SENSE", ["J9"] = "OPTO out", ["J10"] = "DOSE out",
        ["J11"] = "SYNC out - not interlocked", ["J12"] = "ENCOUNTER in", ["J13"] = "SPARE", ["JP1"] = "SELFTEST",
        ["SW1"] = "EN", ["SW2"] = "BOOT",
    };

    private static readonly Dictionary<string, string> PinLabels = new()
    {
        ["+5V"] = "+5V", ["LED1_K"] = "K", ["LED2_K"] = "K", ["ESTOP_SENSE"] = "SENSE", ["SWITCH_3V3"] = "3V3", ["GND"] = "GND",
        ["CHAIN_MID"] = "MID", ["ARM_OK"] = "OK", ["ARM_SENSE"] = "SENSE",
    };

    // How much nearer a name must be to its own part's courtyard than to any other named part's for a reader not to
    // take it for the neighbour's: "EN" once sat 1.56 mm from its button and 1.63 mm from BOOT's.
    private const double ClearlyNearerMm = 1.0;

    [Fact]
    public void Every_connector_and_button_is_named_on_the_silkscreen_clearly_nearer_to_it_than_to_any_other()
    {
        var (courtyards, _, texts) = Inspect();
        var named = courtyards.Where(c => ConnectorLabels.ContainsKey(c.Key)).ToList();

        Assert.All(ConnectorLabels, expected =>
        {
            var label = Assert.Single(texts, t => t.Text == expected.Value);
            double own = DistanceToBox(label.X, label.Y, courtyards[expected.Key]);
            var (neighbour, distance) = named.Where(c => c.Key != expected.Key)
                .Select(c => (c.Key, Distance: DistanceToBox(label.X, label.Y, c.Value))).MinBy(c => c.Distance);
            Assert.True(own + ClearlyNearerMm <= distance,
                $"\"{expected.Value}\" is {own:F2} mm from {expected.Key} and {distance:F2} mm from {neighbour}");
        });
    }

    [Fact]
    public void Every_terminal_pin_is_labelled_with_its_signal_beside_it()
    {
        var (_, pads, texts) = Inspect();
        var pins = pads.Where(p => p.Key is "J4" or "J5" or "J6" or "J7" or "J8").SelectMany(p => p.Value.Select(pin => (Ref: p.Key, Pin: pin.Key, pin.Value)));

        Assert.All(pins, pin =>
        {
            // Beside the pin on the board's side (terminals sit on the right edge): the nearest text on its row.
            var label = texts.Where(t => Math.Abs(t.Y - pin.Value.Y) < 0.5 && t.X < pin.Value.X && pin.Value.X - t.X < 8)
                .MinBy(t => pin.Value.X - t.X);
            Assert.True(label.Text == PinLabels[pin.Value.Net], $"{pin.Ref}.{pin.Pin} ({pin.Value.Net}) is labelled \"{label.Text}\"");
        });
        Assert.Equal(14, pins.Count());
    }

    [Fact]
    public void The_board_carries_its_name_and_revision_and_its_holes_lie_on_a_rectangle()
    {
        var (_, _, texts) = Inspect();
        string board = File.ReadAllText(fab.BoardFile);

        Assert.Contains(texts, t => Regex.IsMatch(t.Text, @"^ClosedLoop rig board rev [A-Z]$"));
        var holes = new[] { "H1", "H2", "H3", "H4" }.Select(h => MoveFootprintTo(board, h).Split(' ')).ToList();
        Assert.Equal(2, holes.Select(h => h[0]).Distinct().Count());
        Assert.Equal(2, holes.Select(h => h[1]).Distinct().Count());
    }

    [Fact]
    public void A_label_moved_onto_a_pad_is_a_drc_warning()
    {
        // The DRC above is clean with the labels; this shows it looks at them.
        string text = File.ReadAllText(fab.BoardFile);
        var label = Regex.Match(text, @"\(gr_text ""SPARE"" \(at (?<at>[-\d.]+ [-\d.]+)\)");
        Assert.True(label.Success);
        string pad = MoveFootprintTo(text, "R1");
        string folder = Directory.CreateTempSubdirectory("closedloop-silk").FullName;
        try
        {
            string moved = text.Remove(label.Groups["at"].Index, label.Groups["at"].Length).Insert(label.Groups["at"].Index, pad.Split(' ')[0] + " " + pad.Split(' ')[1]);
            var drc = RunDrc(folder, "silk", moved);
            Assert.Contains("silk_over_copper", drc.Kinds);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    private static double DistanceToBox(double x, double y, (double X0, double Y0, double X1, double Y1) box)
    {
        double dx = Math.Max(Math.Max(box.X0 - x, 0), x - box.X1);
        double dy = Math.Max(Math.Max(box.Y0 - y, 0), y - box.Y1);
        return Math.Sqrt((dx * dx) + (dy * dy));
    }

    private (Dictionary<string, (double X0, double Y0, double X1, double Y1)> Courtyards,
        Dictionary<string, Dictionary<string, (double X, double Y, string Net)>> Pads,
        List<(string Text, double X, double Y)> Texts) Inspect()
    {
        var (exitCode, output) = BoardTool.RunPcbnew(BoardTool.PcbFolder, "inspect", fab.BoardFile);
        Assert.Equal(0, exitCode);
        var root = JsonDocument.Parse(output).RootElement;
        var pads = root.GetProperty("pads").EnumerateObject().ToDictionary(
            footprint => footprint.Name,
            footprint => footprint.Value.EnumerateObject().ToDictionary(
                pad => pad.Name,
                pad => (pad.Value[0].GetDouble(), pad.Value[1].GetDouble(), pad.Value[2].GetString()!)));
        var texts = root.GetProperty("texts").EnumerateArray().Select(t => (t[0].GetString()!, t[1].GetDouble(), t[2].GetDouble())).ToList();
        var courtyards = root.GetProperty("courtyards").EnumerateObject().ToDictionary(
            footprint => footprint.Name,
            footprint => (footprint.Value[0].GetDouble(), footprint.Value[1].GetDouble(), footprint.Value[2].GetDouble(), footprint.Value[3].GetDouble()));
        return (courtyards, pads, texts);
    }
}
