using System.Globalization;
using System.Text.Json;

namespace ClosedLoop.Pcb.Tests;

/// <summary>
/// The arm chain's terminal blocks, as an electronics review checks them: one short between neighbouring terminals
/// (a stray strand, a screwdriver, a crushed cable) must never close the chain nor make a sensed pole read "run".
/// The chain's nodes may have only GND beside them (a short to GND opens the chain, which is safe), and no pole has
/// both its contacts side by side.
/// </summary>
public class InterlockWiringTests
{
    private static readonly string[] ChainNodes = ["CHAIN_MID", "ARM_OK"];

    /// <summary>Each switch pole on the blocks, by its two nets.</summary>
    private static readonly (string A, string B)[] Poles = [("ESTOP_SENSE", "GND"), ("SWITCH_3V3", "CHAIN_MID"), ("CHAIN_MID", "ARM_OK"), ("SWITCH_3V3", "ARM_SENSE")];

    private static Dictionary<string, string[]> Terminals(string? pcbFolder = null)
    {
        var (_, json) = BoardTool.Run(pcbFolder ?? BoardTool.PcbFolder, "netlist");
        using var netlist = JsonDocument.Parse(json);
        return netlist.RootElement.EnumerateObject()
            .Where(p => p.Value.GetProperty("value").GetString() is "E-STOP" or "ARM CHAIN" or "ARM SENSE")
            .ToDictionary(
                p => p.Value.GetProperty("value").GetString()!,
                p => p.Value.GetProperty("pins").EnumerateObject().OrderBy(pin => int.Parse(pin.Name, CultureInfo.InvariantCulture)).Select(pin => pin.Value.GetString()!).ToArray());
    }

    private static List<string> Problems(Dictionary<string, string[]> terminals)
    {
        var problems = new List<string>();
        foreach (var (name, nets) in terminals)
        {
            for (int i = 0; i + 1 < nets.Length; i++)
            {
                var (a, b) = (nets[i], nets[i + 1]);
                if ((ChainNodes.Contains(a) && b != "GND") || (ChainNodes.Contains(b) && a != "GND"))
                {
                    problems.Add($"{name} {i + 1}-{i + 2}: {a} beside {b}, one short could close the arm chain");
                }

                if (Poles.Contains((a, b)) || Poles.Contains((b, a)))
                {
                    problems.Add($"{name} {i + 1}-{i + 2}: a pole's two contacts side by side ({a}, {b})");
                }
            }
        }

        return problems;
    }

    [Fact]
    public void No_short_between_neighbouring_terminals_closes_the_arm_chain_or_bridges_a_pole()
    {
        var terminals = Terminals();

        Assert.Equal(["ARM CHAIN", "ARM SENSE", "E-STOP"], terminals.Keys.Order());
        Assert.Empty(Problems(terminals));
    }

    [Fact]
    public void The_check_finds_the_old_terminal_order_that_one_short_could_bypass()
    {
        // 0034209's blocks: E-STOP pole B on 3-4, and ARM with the supply beside the chain's middle.
        var old = new Dictionary<string, string[]>
        {
            ["E-STOP"] = ["ESTOP_SENSE", "GND", "SWITCH_3V3", "CHAIN_MID"],
            ["ARM"] = ["ARM_SENSE", "SWITCH_3V3", "CHAIN_MID", "ARM_OK"],
        };

        var problems = Problems(old);

        Assert.Contains("E-STOP 3-4: SWITCH_3V3 beside CHAIN_MID, one short could close the arm chain", problems);
        Assert.Contains("E-STOP 1-2: a pole's two contacts side by side (ESTOP_SENSE, GND)", problems);
        Assert.Contains("ARM 2-3: SWITCH_3V3 beside CHAIN_MID, one short could close the arm chain", problems);
        Assert.Contains("ARM 3-4: a pole's two contacts side by side (CHAIN_MID, ARM_OK)", problems);
    }
}
