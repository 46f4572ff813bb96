namespace ClosedLoop.Host.Tests;

/// <summary>The store keeps the first payload of a key; a redelivery is ignored, a different payload is a fault.</summary>
public sealed class EventStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-store-test").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static StoredEvent Event(string json) => new("rig-01", 7, 3, 1000, "armed", json);

    [Fact]
    public void A_redelivered_event_is_ignored_and_a_different_one_with_the_same_key_is_kept_as_a_fault()
    {
        using var store = new EventStore(Path.Combine(_folder, "log.sqlite"));
        const string real = """{"v":1,"rig":"rig-01","boot":7,"seq":3,"t_us":1000,"kind":"armed","source":"input"}""";
        const string forged = """{"v":1,"rig":"rig-01","boot":7,"seq":3,"t_us":1000,"kind":"armed","source":"command"}""";

        Assert.Equal(1, store.Store([Event(real)], []));
        Assert.Equal(0, store.Store([Event(real)], []));
        Assert.Equal(0, store.CountFaults());

        Assert.Equal(0, store.Store([Event(forged)], []));

        var fault = Assert.Single(store.Faults());
        Assert.Contains("conflict: rig rig-01 boot 7 seq 3", fault.Reason, StringComparison.Ordinal);
        Assert.Equal([real], store.EventJson("rig-01"));
    }

    [Fact]
    public void A_different_frame_with_a_stored_key_is_a_fault_too()
    {
        using var store = new EventStore(Path.Combine(_folder, "log.sqlite"));
        store.Store([], [], [new StoredFrame("rig-01", 7, 100, 5000, [1, 2, 3])]);
        store.Store([], [], [new StoredFrame("rig-01", 7, 100, 5000, [1, 2, 3])]);
        Assert.Equal(0, store.CountFaults());

        store.Store([], [], [new StoredFrame("rig-01", 7, 100, 5000, [9, 9, 9])]);

        Assert.Contains("frame at cycle 100", Assert.Single(store.Faults()).Reason, StringComparison.Ordinal);
        Assert.Equal(1, store.CountFrames());
    }

    [Fact]
    public void A_fault_keeps_only_a_bounded_prefix_of_a_huge_payload()
    {
        using var store = new EventStore(Path.Combine(_folder, "log.sqlite"));
        store.Store([], [("closedloop/rig-01/events", "not JSON", new byte[10_000_000])]);

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={store.Path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT length(payload) FROM faults";
        Assert.Equal((long)EventStore.FaultPayloadBytes, (long)command.ExecuteScalar()!);
    }
}
