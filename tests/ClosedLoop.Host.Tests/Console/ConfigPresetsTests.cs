using ClosedLoop.Host.WebConsole;

namespace ClosedLoop.Host.Tests.Console;

public sealed class ConfigPresetsTests
{
    private readonly ConfigPresets _presets = new(Directory.CreateTempSubdirectory("closedloop-presets-unit").FullName);

    [Fact]
    public void A_preset_never_carries_a_rigs_identity_condition_or_wiring_even_written_by_hand()
    {
        File.WriteAllText(Path.Combine(_presets.Folder, "by-hand.nf.config"),
            "[rig]\nid = rig-01\n[pins]\nopto_ttl = 26\n[output]\nmode = sham\nrefractory_ms = 5000\n[detector]\ndeficit_threshold = 1.5\n");

        var read = _presets.Read("by-hand");

        Assert.Equal(new Dictionary<string, string> { ["detector.deficit_threshold"] = "1.5", ["output.refractory_ms"] = "5000" }, read);
    }

    [Fact]
    public void Saving_keeps_only_what_a_preset_carries_and_nothing_the_engine_refuses()
    {
        var carried = ConfigPresets.Carried([new("output.mode", "closed_loop"), new("pins.opto_ttl", "26"), new("detector.post_ms", "2000")]);
        Assert.Empty(_presets.Save("short-window", carried));
        Assert.Equal(new Dictionary<string, string> { ["detector.post_ms"] = "2000" }, _presets.Read("short-window"));

        var refused = _presets.Save("too-short", new Dictionary<string, string> { ["detector.post_ms"] = "5" });
        Assert.Equal("detector.post_ms", Assert.Single(refused).Field);
        Assert.Null(_presets.Read("too-short"));
        Assert.Equal(["short-window"], _presets.Names());
        Assert.Throws<ArgumentException>(() => _presets.Save("../escape", carried));
    }
}
