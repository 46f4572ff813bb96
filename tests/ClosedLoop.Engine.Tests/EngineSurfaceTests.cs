using System.Reflection;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Tests.Support;

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
