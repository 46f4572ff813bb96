using System.Text;
using ClosedLoop.Engine.Encounters;

namespace ClosedLoop.Engine.Tests;

/// <summary>
/// An encounter mark carries its partner (who, and familiar or novel) from a tracker's encounter_start, or from the
/// TTL input's configured novelty, into the journal's encounter_on, as JSON a host reads back.
/// </summary>
public sealed class EncounterPartnerTests
{
    private const long Boot = 7;
    private long _nextId = 1;

    private static RigHarness Rig(params string[] settings) =>
        new(TestConfig.With(["encounter.min_duration_ms = 0", "encounter.min_gap_ms = 0", "encounter.debounce_ms = 0", .. settings]));

    private RefusalReason EncounterStart(RigHarness rig, CommandDispatcher dispatcher, string? partner, Novelty novelty)
    {
        var buffer = new byte[CommandJson.MaxBytes];
        int length = new CommandJson().Write(CommandKind.EncounterStart, 0, _nextId++, "tracker", Boot, rig.Clock.NowMicros + 5_000_000, partner, novelty, buffer, 0);
        return dispatcher.Dispatch(buffer, 0, length, false, "tracker", false);
    }

    private static string Json(JournalEvent e)
    {
        var buffer = new byte[EventJson.MaxEventBytes];
        return Encoding.UTF8.GetString(buffer, 0, new EventJson().Write("rig-01", Boot, e, buffer, 0));
    }

    private static JournalEvent Read(string json)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        var e = new JournalEvent();
        Assert.Null(new EventJson().TryRead(bytes, 0, bytes.Length, e, new EventIdentity()));
        return e;
    }

    [Fact]
    public void A_trackers_encounter_start_puts_its_partner_and_novelty_on_the_journaled_encounter()
    {
        var rig = Rig();
        var dispatcher = new CommandDispatcher(rig.Engine, new NoEffects());
        rig.RunFor(1_000_000);

        Assert.Equal(RefusalReason.None, EncounterStart(rig, dispatcher, "stim-02", Novelty.Novel));

        var on = Assert.Single(rig.Events(EventKind.EncounterOn));
        string json = Json(on);
        Assert.Contains("\"novelty\":\"novel\"", json, StringComparison.Ordinal);
        Assert.Contains("\"partner\":\"stim-02\"", json, StringComparison.Ordinal);
        var read = Read(json);
        Assert.Equal((int)Novelty.Novel, read.Flags);
        Assert.Equal("stim-02", SenderName.Unpack(read.Ref2));
        Assert.Equal(on.Ref1, read.Ref1);
    }

    [Fact]
    public void The_ttl_inputs_encounters_carry_the_configured_novelty_and_no_partner()
    {
        var rig = Rig("encounter.input_novelty = familiar");
        rig.RunFor(1_000_000);

        rig.EncounterInput(true);

        var on = Assert.Single(rig.Events(EventKind.EncounterOn));
        Assert.Equal((int)Novelty.Familiar, on.Flags);
        Assert.Equal(0, on.Ref2);

        using var json = System.Text.Json.JsonDocument.Parse(Json(on));
        var root = json.RootElement;
        Assert.Equal(("familiar", on.Ref1, ""), (root.GetProperty("novelty").GetString(), root.GetProperty("onset_us").GetInt64(), root.GetProperty("partner").GetString()));
    }

    [Theory]
    [InlineData("\"partner\":\"Stim 2\"", "'partner' must be a partner id")]
    [InlineData("\"partner\":12", "'partner' must be a partner id")]
    [InlineData("\"novelty\":\"strange\"", "'novelty' must be familiar, novel or unmarked")]
    public void A_start_with_a_partner_it_cannot_carry_is_refused_by_name_and_starts_nothing(string field, string error)
    {
        var rig = Rig();
        var dispatcher = new CommandDispatcher(rig.Engine, new NoEffects());
        rig.RunFor(1_000_000);
        string json = $$"""{"v":1,"cmd":"encounter_start","id":5,"from":"tracker","boot":7,"until_us":{{rig.Clock.NowMicros + 5_000_000}},{{field}}}""";
        byte[] bytes = Encoding.UTF8.GetBytes(json);

        Assert.Equal(RefusalReason.Malformed, dispatcher.Dispatch(bytes, 0, bytes.Length, false, "tracker", false));

        Assert.Contains(error, dispatcher.LastError, StringComparison.Ordinal);
        Assert.Empty(rig.Events(EventKind.EncounterOn));
    }

    [Fact]
    public void An_encounter_on_logged_before_partners_existed_reads_as_unmarked()
    {
        var e = Read("""{"v":1,"rig":"rig-01","boot":7,"seq":42,"t_us":183500000,"kind":"encounter_on","source":"input","onset_us":180400000}""");

        Assert.Equal((EventKind.EncounterOn, 180400000L, 0, 0L), (e.Kind, e.Ref1, e.Flags, e.Ref2));
    }

    [Fact]
    public void An_encounter_start_written_without_a_partner_says_nothing_of_one()
    {
        var buffer = new byte[CommandJson.MaxBytes];
        string json = Encoding.UTF8.GetString(buffer, 0, new CommandJson().Write(CommandKind.EncounterStart, 0, 9, "tracker", Boot, 100, buffer, 0));

        Assert.DoesNotContain("partner", json, StringComparison.Ordinal);
        Assert.DoesNotContain("novelty", json, StringComparison.Ordinal);
    }

    private sealed class NoEffects : ICommandEffects
    {
        public void Replay(long fromSequence) => throw new InvalidOperationException("no replay expected");

        public void ReplayFrames(long fromFrame) => throw new InvalidOperationException("no replay expected");

        public void SelfTest() => throw new InvalidOperationException("no self-test expected");
    }
}
