using System.Text.RegularExpressions;

namespace ClosedLoop.Engine.Tests;

/// <summary>
/// Every word list the wire or nf.config uses for an enum says, at each enum value's number, that value's name in
/// snake case (the e-stop spelled "estop"), and nothing beyond: adding an enum value without its word fails here.
/// </summary>
public sealed partial class WordListTests
{
    public static TheoryData<string, string[], Type> Lists => new()
    {
        { "faults", EventJson.Faults, typeof(FaultCode) },
        { "refusal reasons", EventJson.Reasons, typeof(RefusalReason) },
        { "decision outcomes", EventJson.Outcomes, typeof(DecisionOutcome) },
        { "control sources", EventJson.Sources, typeof(ControlSource) },
        { "self-test results", EventJson.SelfTestResults, typeof(SelfTestResult) },
        { "commands", CommandJson.Names, typeof(CommandKind) },
        { "output modes", ConfigSchema.OutputModes, typeof(OutputMode) },
        { "output targets", ConfigSchema.OutputTargets, typeof(OutputTarget) },
        { "trigger rules", ConfigSchema.Triggers, typeof(TriggerRule) },
        { "decision rules", ConfigSchema.DecisionRules, typeof(DecisionRule) },
        { "adc backends", ConfigSchema.AdcBackends, typeof(AdcBackend) },
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public void A_word_list_names_every_value_of_its_enum_at_its_number(string what, string[] words, Type enumType)
    {
        var values = Enum.GetValues(enumType).Cast<object>().Select(v => (Number: Convert.ToInt32(v, System.Globalization.CultureInfo.InvariantCulture), Name: v.ToString()!)).ToList();

        Assert.True(words.Length == values.Max(v => v.Number) + 1, $"{what}: {words.Length} words for enum values up to {values.Max(v => v.Number)}");
        Assert.All(values, v => Assert.Equal(Spellings.TryGetValue((what, v.Name), out var word) ? word : Snake(v.Name), words[v.Number]));
    }

    /// <summary>Words that keep an older spelling on the wire (docs/protocol.md uses them).</summary>
    private static readonly Dictionary<(string List, string Value), string> Spellings = new()
    {
        [("commands", "SelfTest")] = "selftest",
    };

    [Fact]
    public void The_event_kinds_each_have_a_layout_named_in_snake_case()
    {
        foreach (var kind in Enum.GetValues<EventKind>())
        {
            var layout = EventJson.LayoutOf(kind);
            Assert.NotNull(layout);
            Assert.Equal(kind, EventJson.KindNamed(layout.KindName));
        }
    }

    private static string Snake(string name) => SnakeBoundary().Replace(name.Replace("EStop", "Estop", StringComparison.Ordinal), "_$1").ToLowerInvariant();

    [GeneratedRegex("(?<=[a-z0-9])([A-Z])")]
    private static partial Regex SnakeBoundary();
}
