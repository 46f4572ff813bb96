using System.Reflection;

namespace ClosedLoop.Engine.Tests;

/// <summary>
/// The engine's surface: the board and the host drive it through <see cref="ClosedLoopEngine"/> and the wire codecs;
/// its parts are internal, and nothing outside it can change a validated setting or a safety flag.
/// </summary>
public class EngineSurfaceTests
{
    private static readonly Assembly Engine = typeof(ClosedLoopEngine).Assembly;

    /// <summary>The parts that hold the engine's state or rules: reachable only by the engine and its tests.</summary>
    public static TheoryData<string> Parts => new()
    {
        "ClosedLoop.Engine.Output.OutputGate",
        "ClosedLoop.Engine.Output.ChannelGate",
        "ClosedLoop.Engine.Output.TimedOutputChannel",
        "ClosedLoop.Engine.Output.RmtPlanner",
        "ClosedLoop.Engine.Output.RmtChannelMap",
        "ClosedLoop.Engine.Detection.ResponseDetector",
        "ClosedLoop.Engine.Encounters.EncounterTracker",
        "ClosedLoop.Engine.Processing.SignalChain",
        "ClosedLoop.Engine.Processing.SignalGuard",
        "ClosedLoop.Engine.Acquisition.AcquisitionMeter",
        "ClosedLoop.Engine.Journal.EventRecord",
        "ClosedLoop.Engine.Config.ConfigValidator",
    };

    [Theory]
    [MemberData(nameof(Parts))]
    public void An_engine_part_is_internal(string name)
    {
        var type = Engine.GetType(name, throwOnError: true)!;

        Assert.False(type.IsVisible, $"{name} is visible outside the engine");
    }

    [Fact]
    public void The_engine_exposes_no_part_and_no_settable_state()
    {
        var exposed = typeof(ClosedLoopEngine).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } || !p.PropertyType.IsVisible)
            .Select(p => p.Name)
            .ToList();

        Assert.Empty(exposed);
        Assert.True(typeof(ClosedLoopEngine).GetProperty("IsArmed")!.GetValue(new RigHarness(RigConfig.Default()).Engine) is false);
    }

    [Fact]
    public void A_validated_setting_cannot_be_changed_outside_the_engine()
    {
        var settingTypes = Engine.GetExportedTypes()
            .Where(t => t.Namespace == "ClosedLoop.Engine.Config" && t.IsClass && (t.Name.EndsWith("Settings", StringComparison.Ordinal) || t == typeof(RigConfig)))
            .ToList();

        var writable = settingTypes
            .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Instance).Where(f => !f.IsInitOnly).Select(f => $"{t.Name}.{f.Name} (field)")
                .Concat(t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true }).Select(p => $"{t.Name}.{p.Name}")))
            .ToList();

        Assert.Contains(typeof(TrainSettings), settingTypes);
        Assert.Contains(typeof(BoardSettings), settingTypes);
        Assert.True(writable.Count == 0, "settable from outside the engine: " + string.Join(", ", writable));
    }
}

/// <summary>Events have names, not positions: one named append per kind, and the engine journals only through them.</summary>
public class NamedAppendTests
{
    [Fact]
    public void Every_event_kind_has_its_named_append()
    {
        var appends = typeof(EventJournal).GetMethods(BindingFlags.NonPublic | BindingFlags.Instance).Select(m => m.Name).ToHashSet();

        var missing = Enum.GetNames<EventKind>().Where(kind => !appends.Contains(kind)).ToList();

        Assert.True(missing.Count == 0, "no named append for: " + string.Join(", ", missing));
    }

    /// <summary>The JSON field names of a kind, in the order EventJson writes them (a lone flag bit by its own name).</summary>
    private static IEnumerable<string> JsonFields(EventLayout layout)
    {
        string?[] fields =
        [
            layout.CodeName,
            layout.FlagsName ?? (layout.FlagBitNames is { Length: 1 } bit ? bit[0] : layout.FlagBitNames is null ? null : "flags"),
            layout.Ref1Name,
            layout.Ref2Name,
            layout.Value1Name,
            layout.Value2Name,
        ];
        return fields.OfType<string>();
    }

    private static string CamelCase(string snake) =>
        string.Concat(snake.Split('_').Select((word, i) => i == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..]));

    [Fact]
    public void Each_named_appends_parameters_are_its_json_fields_in_order()
    {
        var mismatches = new List<string>();
        foreach (var kind in Enum.GetValues<EventKind>())
        {
            var append = typeof(EventJournal).GetMethod(kind.ToString(), BindingFlags.NonPublic | BindingFlags.Instance)!;
            var parameters = append.GetParameters().Skip(1).Select(p => p.Name!).ToList();
            var expected = JsonFields(ClosedLoop.Engine.Wire.EventJson.LayoutOf(kind)!).Select(CamelCase).ToList();
            if (!parameters.SequenceEqual(expected))
            {
                mismatches.Add($"{kind}({string.Join(", ", parameters)}) but JSON ({string.Join(", ", expected)})");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public void The_engine_journals_only_through_the_named_appends()
    {
        string engine = Path.Combine(Paths.RepositoryRoot, "firmware", "ClosedLoop.Engine");
        var positional = Directory.EnumerateFiles(engine, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && Path.GetFileName(f) != "EventJournal.Named.cs")
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetFileName(f), Line: i + 1, Text: line)))
            .Where(l => l.Text.Contains("Append(EventKind.", StringComparison.Ordinal))
            .Select(l => $"{l.File}:{l.Line}")
            .ToList();

        Assert.True(positional.Count == 0, "positional appends at: " + string.Join(", ", positional));
    }
}
