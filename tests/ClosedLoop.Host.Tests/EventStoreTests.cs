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
    public void A_batch_is_stored_whole_or_not_at_all_its_notes_statuses_and_configs_included()
    {
        string path = Path.Combine(_folder, "log.sqlite");
        using var store = new EventStore(path);
        var batch = new LogBatch();
        batch.Events.Add(Event("""{"v":1,"rig":"rig-01","boot":7,"seq":3,"t_us":1000,"kind":"armed","source":"input"}"""));
        batch.Statuses.Add(("rig-01", """{"v":1,"rig":"rig-01","boot":7,"online":true}""", new RigStatus("rig-01", true, 7)));
        batch.Sessions.Add(new SessionRecord("rig-01", 7, 500, "2026-12-07T10:00:00Z", "m01", "tester", null));
        batch.YokeOrigins.Add(new YokeOrigin("rig-01", 7, 9, 1000, "rig-02", 3, 2000, "2026-12-07T10:00:01Z"));
        batch.Audits.Add(new CommandAudit("rig-01", 7, 9, "arm", "alice", "127.0.0.1", "accepted", "2026-12-07T10:00:02Z", "alice"));
        batch.Configs.Add(("rig-01", "0123456789abcdef", "[rig]\nid = rig-01\n"));

        // Frames past the size the log may grow to: the batch's transaction cannot commit, as on a full disk.
        store.LimitSize(new FileInfo(path).Length + (64 * 1024));
        var tooMuch = new LogBatch();
        tooMuch.Events.AddRange(batch.Events);
        tooMuch.Statuses.AddRange(batch.Statuses);
        tooMuch.Sessions.AddRange(batch.Sessions);
        tooMuch.YokeOrigins.AddRange(batch.YokeOrigins);
        tooMuch.Audits.AddRange(batch.Audits);
        tooMuch.Configs.AddRange(batch.Configs);
        tooMuch.Frames.AddRange(Enumerable.Range(0, 64).Select(i => new StoredFrame("rig-01", 7, i * 10, i * 1000, new byte[4096], i + 1)));

        Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => store.Store(tooMuch));

        long Rows(string table)
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT COUNT(*) FROM {table}";
            return (long)command.ExecuteScalar()!;
        }

        string[] tables = ["events", "sample_frames", "rig_status", "sessions", "yoke_origins", "console_audit", "configs"];
        Assert.All(tables, table => Assert.Equal(0, Rows(table)));

        Assert.Equal(1, store.Store(batch));
        Assert.Equal([1L, 0L, 1L, 1L, 1L, 1L, 1L], tables.Select(Rows));
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
