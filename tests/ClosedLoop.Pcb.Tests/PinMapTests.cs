using System.Globalization;
using System.Text.RegularExpressions;

namespace ClosedLoop.Pcb.Tests;

/// <summary>
/// The board, nf.config for the rig board (the defaults with docs/hardware.md's "nf.config for the rig board" block)
/// and docs/hardware.md's pin map name the same GPIO for every pin the firmware uses with the board's converter; a
/// change to any one of the three alone fails here. A key at -1 is a pin not wired (interlock_input by default); the
/// pin map gives such a key's rig-board GPIO as "the rig board: N".
/// </summary>
public class PinMapTests
{
    /// <summary>The [pins] keys that claim a GPIO with acquisition.adc = ads131m02 (the ESP32 ADC channel and I2C are unused).</summary>
    private static readonly string[] InactiveOnTheBoard = ["photodiode_adc_channel", "i2c_sda", "i2c_scl"];

    /// <summary>GPIOs the board uses beyond nf.config's keys: the bootloader strap, the UART, a spare input.</summary>
    private static readonly Dictionary<int, string> BoardOnly = new() { [0] = "ESP_BOOT", [1] = "ESP_TXD", [3] = "ESP_RXD", [36] = "spare_input" };

    [Fact]
    public void The_boards_esp32_pins_are_nf_configs_for_the_rig_board()
    {
        var (_, gpio, _) = BoardTool.Check();

        Assert.Empty(Mismatches(ConfigPins(RigBoardConfig()), gpio));
    }

    [Fact]
    public void The_arm_chain_is_read_back_on_the_gpio_the_rig_boards_config_names()
    {
        var (_, gpio, _) = BoardTool.Check();

        Assert.Equal(-1, RigConfig.Default().Board.InterlockInputPin);
        Assert.Equal("interlock_input", gpio[RigBoardConfig().Board.InterlockInputPin]);
    }

    [Fact]
    public void The_boards_esp32_pins_are_the_hardware_docs_pin_map()
    {
        var (_, gpio, _) = BoardTool.Check();

        Assert.Empty(Mismatches(DocumentedPins(File.ReadAllText(Path.Combine(BoardTool.RepositoryRoot, "docs", "hardware.md"))), gpio));
    }

    [Fact]
    public void A_board_with_one_pin_moved_no_longer_matches_the_config_or_the_docs()
    {
        string copy = BoardTool.BrokenCopy("\"dose_enable\": \"IO19\"", "\"dose_enable\": \"IO17\"");
        try
        {
            var (_, gpio, _) = BoardTool.Check(copy);

            Assert.Contains("dose_enable: nf.config says GPIO19, the board has GPIO19 free and dose_enable on GPIO17", Mismatches(ConfigPins(RigBoardConfig()), gpio));
            Assert.Contains("dose_enable: nf.config says GPIO19, the board has GPIO19 free and dose_enable on GPIO17", Mismatches(DocumentedPins(File.ReadAllText(Path.Combine(BoardTool.RepositoryRoot, "docs", "hardware.md"))), gpio));
        }
        finally
        {
            Directory.Delete(copy, true);
        }
    }

    [Fact]
    public void A_config_default_or_a_docs_row_changed_alone_no_longer_matches_the_board()
    {
        var (_, gpio, _) = BoardTool.Check();
        var moved = ConfigLoader.Load(RigBoardBlock().Replace("[pins]\n", "[pins]\nopto_enable = 19\ndose_enable = 18\n", StringComparison.Ordinal));
        Assert.True(moved.IsValid);
        string docs = File.ReadAllText(Path.Combine(BoardTool.RepositoryRoot, "docs", "hardware.md")).Replace("| `adc_cs` | 23 |", "| `adc_cs` | 17 |", StringComparison.Ordinal);

        Assert.Contains("opto_enable: nf.config says GPIO19, the board has dose_enable on GPIO19", Mismatches(ConfigPins(moved.Config), gpio));
        Assert.Contains("adc_cs: nf.config says GPIO17, the board has GPIO17 free and adc_cs on GPIO23", Mismatches(DocumentedPins(docs), gpio));
    }

    [Fact]
    public void The_boards_pins_pass_the_firmwares_pin_rules_and_a_strapping_pin_would_not()
    {
        var (_, gpio, _) = BoardTool.Check();
        Assert.True(LoadWithBoardPins(gpio).IsValid);

        string copy = BoardTool.BrokenCopy("\"adc_cs\": \"IO23\"", "\"adc_cs\": \"IO5\"");
        try
        {
            var (errors, broken, _) = BoardTool.Check(copy);

            Assert.Contains(errors, e => e.Contains("(IO5) is a flash or strapping pin but is on net adc_cs", StringComparison.Ordinal));
            var refused = Assert.Single(LoadWithBoardPins(broken).Errors);
            Assert.Equal("pins.adc_cs", refused.Field);
            Assert.Contains("not a strapping pin", refused.Expected, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, true);
        }
    }

    [Fact]
    public void The_documented_config_for_the_rig_board_is_valid_and_names_its_converter_and_module()
    {
        var result = ConfigLoader.Load(RigBoardBlock());

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.ToString())));
        Assert.Equal(AdcBackend.Ads131m02, result.Config.Board.Adc);
        Assert.DoesNotContain("PSRAM", ConfigSchema.Boards[result.Config.Values.GetChoice("rig", "board")], StringComparison.Ordinal);
    }

    /// <summary>docs/hardware.md's "nf.config for the rig board" block.</summary>
    private static string RigBoardBlock()
    {
        string doc = File.ReadAllText(Path.Combine(BoardTool.RepositoryRoot, "docs", "hardware.md"));
        var block = Regex.Match(doc, @"### nf\.config for the rig board\s+```ini\n(?<config>.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "docs/hardware.md has no nf.config block for the rig board");
        return block.Groups["config"].Value;
    }

    private static RigConfig RigBoardConfig()
    {
        var result = ConfigLoader.Load(RigBoardBlock());
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.ToString())));
        return result.Config;
    }

    /// <summary>nf.config for the board's module (no PSRAM) with acquisition.adc = ads131m02 and every [pins] key at the board's GPIO for it.</summary>
    private static ConfigLoadResult LoadWithBoardPins(IReadOnlyDictionary<int, string> gpio)
    {
        var lines = gpio.Where(p => !BoardOnly.ContainsKey(p.Key)).Select(p => $"{p.Value} = {p.Key}");
        return ConfigLoader.Load("[rig]\nboard = ESP32_REV3\n[journal]\nframe_capacity = 150\n[pins]\n" + string.Join("\n", lines) + "\n[acquisition]\nadc = ads131m02\n");
    }

    private static Dictionary<string, int> ConfigPins(RigConfig config) =>
        Enumerable.Range(0, ConfigSchema.Count).Select(ConfigSchema.KeyAt)
            .Where(k => k.Section == "pins" && !InactiveOnTheBoard.Contains(k.Name) && config.Values.GetInteger("pins", k.Name) >= 0)
            .ToDictionary(k => k.Name, k => (int)config.Values.GetInteger("pins", k.Name));

    private static Dictionary<string, int> DocumentedPins(string doc)
    {
        var result = new Dictionary<string, int>();
        var rows = Regex.Matches(doc, @"^\| (`[a-z0-9_]+`(?: / `[a-z0-9_]+`)*) \| (-?[0-9]+(?: \([^)]*\))?(?: / [0-9]+)*) \|", RegexOptions.Multiline);
        foreach (Match row in rows)
        {
            var keys = row.Groups[1].Value.Split(" / ").Select(k => k.Trim('`')).ToList();
            var rigBoard = Regex.Match(row.Groups[2].Value, @"the rig board: ([0-9]+)");
            var gpios = rigBoard.Success
                ? [int.Parse(rigBoard.Groups[1].Value, CultureInfo.InvariantCulture)]
                : row.Groups[2].Value.Split(" / ").Select(g => int.Parse(g.Split(' ')[0], CultureInfo.InvariantCulture)).ToList();
            for (int i = 0; i < keys.Count; i++)
            {
                if (!InactiveOnTheBoard.Contains(keys[i]))
                {
                    result[keys[i]] = gpios[i];
                }
            }
        }

        return result;
    }

    /// <summary>Every key whose GPIO on the board differs from <paramref name="expected"/>, and every GPIO net the board has that nothing expects.</summary>
    private static List<string> Mismatches(Dictionary<string, int> expected, IReadOnlyDictionary<int, string> gpio)
    {
        var problems = new List<string>();
        foreach (var (key, pin) in expected)
        {
            string actual = gpio.TryGetValue(pin, out var net) ? net : "nothing";
            if (actual != key)
            {
                var where = gpio.Where(p => p.Value == key).Select(p => $"GPIO{p.Key}").DefaultIfEmpty("no GPIO");
                problems.Add(actual == "nothing"
                    ? $"{key}: nf.config says GPIO{pin}, the board has GPIO{pin} free and {key} on {string.Join(", ", where)}"
                    : $"{key}: nf.config says GPIO{pin}, the board has {actual} on GPIO{pin}");
            }
        }

        foreach (var (pin, net) in gpio)
        {
            if (!expected.ContainsKey(net) && !(BoardOnly.TryGetValue(pin, out var boardNet) && boardNet == net))
            {
                problems.Add($"GPIO{pin}: the board has {net}, which nf.config does not name");
            }
        }

        return problems;
    }
}
