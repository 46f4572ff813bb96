using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Wire;
using ClosedLoop.Host.Logging;
using ClosedLoop.Host.WebConsole;

namespace ClosedLoop.Host.Tests.Console;

/// <summary>The console's list of logged boots: counts kept between looks, and read again when the boot changes.</summary>
public sealed class LoggedSessionsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-logged-sessions").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Database => Path.Combine(_folder, "log.sqlite");

    private static StoredEvent Event(long boot, JournalEvent e)
    {
        var buffer = new byte[EventJson.MaxEventBytes];
        string json = Encoding.UTF8.GetString(buffer, 0, new EventJson().Write("rig-a", boot, e, buffer, 0));
        return new StoredEvent("rig-a", boot, e.Sequence, e.TimeUs, EventJson.LayoutOf(e.Kind)!.KindName, json);
    }

    private static JournalEvent Deficit(long sequence) =>
        new() { Kind = EventKind.Decision, Sequence = sequence, TimeUs = sequence * 1_000_000, Code = (int)ClosedLoop.Engine.Detection.DecisionOutcome.Deficit, Ref1 = 1, Value1 = -0.5 };

    [Fact]
    public void A_boots_counts_follow_what_is_stored_after_the_list_was_read()
    {
        using (var store = new EventStore(Database))
        {
            store.Store([Event(7, Deficit(1)), Event(7, new JournalEvent { Kind = EventKind.OutputStarted, Sequence = 4, TimeUs = 4_000_000, Flags = OutputFlags.Sham })], []);
            store.Store([Event(8, Deficit(1))], []);
        }

        var sessions = new LoggedSessions(Database);
        var first = sessions.List();
        Assert.Equal([(8L, 1, 0, 0), (7L, 1, 0, 1)], first.Select(b => (b.Boot, b.Deficits, b.Trains, b.ShamTrains!.Value)));

        using (var store = new EventStore(Database))
        {
            // A late event fills the gap below the highest sequence: the same highest, one event more.
            store.Store([Event(7, Deficit(2))], []);
            store.StoreSession(new SessionRecord("rig-a", 7, 500_000, "2026-11-30T09:00:00Z", "m17", null, null));
        }

        var second = sessions.List();
        var boot7 = second.Single(b => b.Boot == 7);
        Assert.Equal((2, 0, 1, "m17"), (boot7.Deficits, boot7.Trains, boot7.ShamTrains!.Value, Assert.Single(boot7.Subjects)));
        Assert.Equal(first.Single(b => b.Boot == 8), second.Single(b => b.Boot == 8));

        // Blinded, the kept counts still give one train count and no sham count.
        var blinded = sessions.List(blind: true).Single(b => b.Boot == 7);
        Assert.Equal((1, (int?)null), (blinded.Trains, blinded.ShamTrains));
    }

    [Fact]
    public void Rigs_and_boots_are_found_in_events_and_in_sample_frames()
    {
        using var store = new EventStore(Database);
        store.Store([Event(3, Deficit(1)), Event(1, Deficit(1))], [], [new StoredFrame("rig-a", 2, 0, 0, [1]), new StoredFrame("rig-c", 9, 0, 0, [1])]);
        store.Store([new StoredEvent("rig-b", 5, 1, 0, "armed", "{}")], []);

        Assert.Equal(["rig-a", "rig-b"], store.Rigs());
        Assert.Equal([1L, 2, 3], store.Boots("rig-a"));
        Assert.Equal([5L], store.Boots("rig-b"));
        Assert.Equal([9L], store.Boots("rig-c"));
        Assert.Empty(store.Boots("rig-z"));
    }
}
