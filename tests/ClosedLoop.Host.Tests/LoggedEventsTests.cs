using ClosedLoop.Engine.Detection;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Wire;

namespace ClosedLoop.Host.Tests;

/// <summary>The host reads logged events once, through the engine's codec, into typed records.</summary>
public sealed class LoggedEventsTests
{
    private static string Json(JournalEvent e)
    {
        var buffer = new byte[EventJson.MaxEventBytes];
        return Encoding.UTF8.GetString(buffer, 0, new EventJson().Write("rig-01", 7, e, buffer, 0));
    }

    [Fact]
    public void Each_kind_the_host_reads_comes_back_as_its_typed_record()
    {
        string[] json =
        [
            Json(new JournalEvent { Kind = EventKind.Boot, Sequence = 1, TimeUs = 1, Ref1 = 0x0123456789abcdef }),
            Json(new JournalEvent { Kind = EventKind.EncounterOn, Sequence = 2, TimeUs = 10_600_000, Code = 1, Ref1 = 10_000_000 }),
            Json(new JournalEvent { Kind = EventKind.Decision, Sequence = 3, TimeUs = 10_500_000, Code = 1, Flags = (int)DecisionFlags.Early, Ref1 = 10_000_000, Ref2 = 500_000, Value1 = 0.2, Value2 = -0.1 }),
            Json(new JournalEvent { Kind = EventKind.OutputStarted, Sequence = 4, TimeUs = 10_500_000, Code = 0, Flags = OutputFlags.Sham, Ref1 = 15_500_000, Ref2 = 100 }),
            Json(new JournalEvent { Kind = EventKind.EncounterOff, Sequence = 5, TimeUs = 12_100_000, Ref1 = 12_000_000, Ref2 = 10_000_000 }),
            Json(new JournalEvent { Kind = EventKind.DecisionScored, Sequence = 6, TimeUs = 13_000_000, Code = 0, Flags = 1, Ref1 = 10_000_000, Ref2 = 500_000, Value1 = 1.4, Value2 = 1 }),
            Json(new JournalEvent { Kind = EventKind.OutputRefused, Sequence = 7, TimeUs = 14_000_000, Code = 1, Flags = (int)ClosedLoop.Engine.Output.RefusalReason.MinInterval, Value1 = 4_100_000, Value2 = 10_000_000 }),
            Json(new JournalEvent { Kind = EventKind.Fault, Sequence = 8, TimeUs = 15_000_000, Code = (int)FaultCode.SignalLost, Ref1 = 2 }),
            Json(new JournalEvent { Kind = EventKind.SyncStarted, Sequence = 9, TimeUs = 1_204_000, Ref1 = 1_000_000, Ref2 = 10_000 }),
        ];

        var events = LoggedEvents.From(json, "test");

        Assert.Equal(new LoggedDecision(10_500_000, DecisionOutcome.Deficit, true, 10_000_000, 500_000, 0.2, -0.1), Assert.Single(events.Decisions));
        Assert.Equal(new LoggedScore(13_000_000, DecisionOutcome.Response, DecisionOutcome.Deficit, 10_000_000, 500_000, 1.4, 1), Assert.Single(events.Scores));
        Assert.Equal([(10_000_000L, true), (12_000_000L, false)], events.EncounterEdges);
        Assert.Equal(new LoggedEncounterEnd(12_100_000, 12_000_000, 10_000_000), Assert.Single(events.EncounterEnds));
        Assert.Equal(new LoggedTrain(10_500_000, "opto", true), Assert.Single(events.Trains));
        Assert.Equal(new LoggedRefusal(14_000_000, "dose", "min_interval", 4_100_000, 10_000_000), Assert.Single(events.Refusals));
        Assert.Equal(new LoggedFault(15_000_000, "signal_lost", 2), Assert.Single(events.Faults));
        Assert.Equal(["0123456789abcdef"], events.ConfigHashes);
        Assert.Equal((1_204_000L, 1_000_000L), events.Sync);
    }

    [Fact]
    public void Each_encounter_is_joined_with_its_partner_mark_its_whole_window_dz_and_its_contact()
    {
        long Partner(string name) => SenderName.Pack(name);
        string[] json =
        [
            Json(new JournalEvent { Kind = EventKind.EncounterOn, Sequence = 1, TimeUs = 10_500_000, Flags = 2, Ref1 = 10_000_000, Ref2 = Partner("stranger") }),
            Json(new JournalEvent { Kind = EventKind.Decision, Sequence = 2, TimeUs = 13_000_000, Code = 0, Ref1 = 10_000_000, Ref2 = 3_000_000, Value1 = 4.0 }),
            Json(new JournalEvent { Kind = EventKind.EncounterOff, Sequence = 3, TimeUs = 17_000_000, Ref1 = 16_000_000, Ref2 = 10_000_000 }),
            Json(new JournalEvent { Kind = EventKind.EncounterOn, Sequence = 4, TimeUs = 30_500_000, Flags = 1, Ref1 = 30_000_000, Ref2 = Partner("cagemate") }),
            Json(new JournalEvent { Kind = EventKind.Decision, Sequence = 5, TimeUs = 31_000_000, Code = 1, Flags = (int)DecisionFlags.Early, Ref1 = 30_000_000, Ref2 = 1_000_000, Value1 = -2 }),
            Json(new JournalEvent { Kind = EventKind.DecisionScored, Sequence = 6, TimeUs = 33_000_000, Code = 0, Flags = 1, Ref1 = 30_000_000, Ref2 = 1_000_000, Value1 = 1.0 }),
            Json(new JournalEvent { Kind = EventKind.EncounterOff, Sequence = 7, TimeUs = 35_000_000, Ref1 = 34_000_000, Ref2 = 30_000_000 }),
            Json(new JournalEvent { Kind = EventKind.EncounterOn, Sequence = 8, TimeUs = 50_500_000, Flags = 1, Ref1 = 50_000_000, Ref2 = Partner("cagemate") }),
            Json(new JournalEvent { Kind = EventKind.Decision, Sequence = 9, TimeUs = 50_600_000, Code = (int)DecisionOutcome.Insufficient, Ref1 = 50_000_000 }),
        ];

        var partners = PartnerEncounters.Read(LoggedEvents.From(json, "test"));
        var recognition = Discrimination.Of(partners)!;

        Assert.Equal(
            [
                new PartnerEncounter(10_000_000, ClosedLoop.Engine.Encounters.Novelty.Novel, "stranger", 4.0, 6.0),
                new PartnerEncounter(30_000_000, ClosedLoop.Engine.Encounters.Novelty.Familiar, "cagemate", 1.0, 4.0),
                new PartnerEncounter(50_000_000, ClosedLoop.Engine.Encounters.Novelty.Familiar, "cagemate", double.NaN, double.NaN),
            ],
            partners);
        Assert.Equal((1, 2, 3.0, (6.0 - 4.0) / 10.0), (recognition.NovelEncounters, recognition.FamiliarEncounters, recognition.DeltaZDifference, recognition.ContactIndex));
        Assert.Null(Discrimination.Of(partners.Where(p => p.Novelty == ClosedLoop.Engine.Encounters.Novelty.Familiar)));
    }

    [Fact]
    public void An_event_that_does_not_decode_names_the_log_and_the_reason()
    {
        var error = Assert.Throws<InvalidDataException>(() => LoggedEvents.From(["""{"v":1,"kind":"decision"}"""], "log.sqlite"));

        Assert.StartsWith("log.sqlite: a stored event does not decode: ", error.Message, StringComparison.Ordinal);
    }
}
