using System.Globalization;
using System.Text.Json;
using System.Xml.Linq;

namespace ClosedLoop.Pcb.Tests;

/// <summary>
/// The wiring drawing (`build.py wiring`, docs/images/rig-wiring.svg) read back wire by wire: every switch contact and
/// LED socket pin lands on the terminal pin docs/hardware.md names for it, that pin carries the net the arm chain
/// needs, the e-stop's contacts are drawn normally closed and the key's normally open.
/// </summary>
public class WiringDrawingTests
{
    private static readonly Lazy<string> Drawing = new(() =>
    {
        string folder = Directory.CreateTempSubdirectory("closedloop-wiring").FullName;
        var (exitCode, output) = BoardTool.Run(BoardTool.PcbFolder, "wiring", "--out", folder);
        Assert.Equal(0, exitCode);
        string text = File.ReadAllText(output.Trim());
        Directory.Delete(folder, true);
        return text;
    });

    private static List<(string Device, string Contact, string Kind, string Terminal, int Pin)> Wires() =>
        XDocument.Parse(Drawing.Value).Descendants().Where(e => (string?)e.Attribute("class") == "wire")
            .Select(e => ((string)e.Attribute("data-device")!, (string)e.Attribute("data-contact")!, (string)e.Attribute("data-kind")!,
                (string)e.Attribute("data-terminal")!, int.Parse((string)e.Attribute("data-pin")!, CultureInfo.InvariantCulture)))
            .ToList();

    private static Dictionary<string, Dictionary<int, string>> TerminalNets()
    {
        var (_, json) = BoardTool.Run(BoardTool.PcbFolder, "netlist");
        using var netlist = JsonDocument.Parse(json);
        return netlist.RootElement.EnumerateObject()
            .Where(p => p.Value.GetProperty("footprint").GetString()!.StartsWith("TerminalBlock", StringComparison.Ordinal))
            .ToDictionary(
                p => p.Value.GetProperty("value").GetString()!,
                p => p.Value.GetProperty("pins").EnumerateObject().ToDictionary(pin => int.Parse(pin.Name, CultureInfo.InvariantCulture), pin => pin.Value.GetString()!));
    }

    // docs/hardware.md, "The whole rig", item 6: the e-stop's sensed pole on E-STOP 1-3, its chain pole on E-STOP 2-4;
    // the key's poles on ARM CHAIN 1-3 and ARM SENSE 1-3; with the nets each pole joins (board.py's arm chain).
    [Theory]
    [InlineData("E-STOP", "A", "NC", "E-STOP", 1, 3, "ESTOP_SENSE", "GND")]
    [InlineData("E-STOP", "B", "NC", "E-STOP", 2, 4, "SWITCH_3V3", "CHAIN_MID")]
    [InlineData("KEY", "A", "NO", "ARM SENSE", 1, 3, "SWITCH_3V3", "ARM_SENSE")]
    [InlineData("KEY", "B", "NO", "ARM CHAIN", 1, 3, "CHAIN_MID", "ARM_OK")]
    public void Each_switch_pole_is_drawn_to_the_terminal_pins_the_guide_names_with_its_contact_kind(
        string device, string pole, string kind, string terminal, int first, int second, string netA, string netB)
    {
        var wires = Wires().Where(w => w.Device == device && w.Contact.StartsWith($"pole {pole}", StringComparison.Ordinal)).ToList();
        var nets = TerminalNets();

        Assert.Equal(2, wires.Count);
        Assert.All(wires, w => Assert.Equal((kind, terminal), (w.Kind, w.Terminal)));
        Assert.Equal([first, second], wires.Select(w => w.Pin).Order());
        Assert.Equal(new[] { netA, netB }.Order(StringComparer.Ordinal), wires.Select(w => nets[terminal][w.Pin]).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("LED1")]
    [InlineData("LED2")]
    public void Each_led_socket_has_the_anode_on_m8_pin_1_and_the_cathode_on_pin_2(string led)
    {
        var wires = Wires().Where(w => w.Device == led).ToDictionary(w => w.Contact, w => w);
        var nets = TerminalNets();

        Assert.Equal(["M8 pin 1", "M8 pin 2"], wires.Keys.Order());
        Assert.All(wires.Values, w => Assert.Equal(led, w.Terminal));
        Assert.Equal("+5V", nets[led][wires["M8 pin 1"].Pin]);
        Assert.Equal($"{led}_K", nets[led][wires["M8 pin 2"].Pin]);
    }

    [Fact]
    public void Every_terminal_pin_that_carries_a_switch_or_an_led_is_wired_once()
    {
        var wires = Wires();
        var nets = TerminalNets();

        // Every pin but a GND is used (the GND pins between the chain's contacts are there so that a short opens the
        // chain), and none twice.
        var unused = nets.SelectMany(block => block.Value.Where(pin => pin.Value != "GND").Select(pin => (block.Key, pin.Key)))
            .Except(wires.Select(w => (w.Terminal, w.Pin))).ToList();
        Assert.Empty(unused);
        Assert.Equal(wires.Count, wires.Select(w => (w.Terminal, w.Pin)).Distinct().Count());
    }

    [Fact]
    public void The_drawing_in_the_docs_is_the_one_the_board_gives()
    {
        string docs = File.ReadAllText(Path.Combine(BoardTool.RepositoryRoot, "docs", "images", "rig-wiring.svg"));

        Assert.Equal(Drawing.Value, docs);
    }
}
