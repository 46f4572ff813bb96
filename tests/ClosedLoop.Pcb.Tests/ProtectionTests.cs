using System.Text.Json;

namespace ClosedLoop.Pcb.Tests;

/// <summary>
/// What people plug in and touch: every terminal-block and BNC signal that reaches a chip's or a transistor's pin has a
/// TVS diode (or the USB's ESD array) on it at the board (an ESD strike on the key's cable must not meet the NAND
/// gates, the buffers or the converter unclamped). Nets that reach only resistors, capacitors and switches, and the
/// supplies, are left to those; the self-test jumper (JP) is a header on the board, not a cable's connector.
/// </summary>
public class ProtectionTests
{
    [Fact]
    public void Every_connector_signal_that_reaches_a_chip_or_transistor_has_a_tvs_diode()
    {
        Assert.Empty(Unprotected(Netlist()));
    }

    [Fact]
    public void Every_signal_on_the_key_and_e_stop_terminals_has_a_tvs_diode_even_where_it_reaches_only_resistors()
    {
        // The key and the e-stop are what people touch; the arm chain's own nodes lead to the NAND gates' enable
        // through resistors and the other switch, so a discharge into the cable must be clamped at the board.
        var netlist = Netlist();
        var switchTerminals = netlist.Where(p => p.Key.StartsWith('J') && p.Value.Symbol.StartsWith("Connector_Generic:Conn_01x", StringComparison.Ordinal)
                && !p.Value.Pins.Values.Any(n => n.StartsWith("LED", StringComparison.Ordinal)))
            .ToList();
        var nets = switchTerminals.SelectMany(p => p.Value.Pins.Values).Where(n => n != "GND").Distinct().Order(StringComparer.Ordinal).ToList();

        Assert.Equal(["ARM_OK", "ARM_SENSE", "CHAIN_MID", "ESTOP_SENSE", "SWITCH_3V3"], nets);
        Assert.All(nets, net => Assert.Contains(netlist.Values, p => p.Symbol.EndsWith(":D_TVS", StringComparison.Ordinal) && p.Pins.ContainsValue(net)));
    }

    [Fact]
    public void The_check_notices_a_connector_signal_that_reaches_a_transistor_without_a_tvs()
    {
        var netlist = Netlist();
        string tvsOnLedCathode = netlist.Single(p => p.Value.Symbol == "Device:D_TVS" && p.Value.Pins.ContainsValue("LED1_K")).Key;
        netlist.Remove(tvsOnLedCathode);

        Assert.Equal(["LED1_K"], Unprotected(netlist));
    }

    private static List<string> Unprotected(Dictionary<string, (string Symbol, Dictionary<string, string> Pins)> netlist)
    {
        var supplies = new HashSet<string> { "GND", "+5V", "+3V3", "VBUS" };
        var connectorNets = netlist.Where(p => p.Key.StartsWith('J') && !p.Key.StartsWith("JP", StringComparison.Ordinal))
            .SelectMany(p => p.Value.Pins.Values).Where(n => !string.IsNullOrEmpty(n) && !supplies.Contains(n)).ToHashSet();
        return connectorNets
            .Where(net => netlist.Any(p => (p.Key.StartsWith('U') || p.Key.StartsWith('Q')) && p.Value.Pins.ContainsValue(net)))
            .Where(net => !netlist.Any(p => (p.Value.Symbol.EndsWith(":D_TVS", StringComparison.Ordinal) || p.Value.Symbol.StartsWith("Power_Protection:", StringComparison.Ordinal))
                && p.Value.Pins.ContainsValue(net)))
            .Order(StringComparer.Ordinal).ToList();
    }

    private static Dictionary<string, (string Symbol, Dictionary<string, string> Pins)> Netlist()
    {
        var (_, json) = BoardTool.Run(BoardTool.PcbFolder, "netlist");
        using var netlist = JsonDocument.Parse(json);
        return netlist.RootElement.EnumerateObject().ToDictionary(
            p => p.Name,
            p => (p.Value.GetProperty("symbol").GetString()!,
                  p.Value.GetProperty("pins").EnumerateObject().ToDictionary(pin => pin.Name, pin => pin.Value.GetString() ?? "")));
    }
}
