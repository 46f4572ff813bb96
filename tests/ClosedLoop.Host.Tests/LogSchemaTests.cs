using Microsoft.Data.Sqlite;

namespace ClosedLoop.Host.Tests;

/// <summary>The log's schema is versioned: older logs are brought up to date step by step, keeping every row; newer ones are refused.</summary>
public sealed class LogSchemaTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-schema-test").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private string Log => Path.Combine(_folder, "log.sqlite");

    private void Sql(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Log};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private long Version()
    {
        using var connection = new SqliteConnection($"Data Source={Log};Pooling=False;Mode=ReadOnly");
        connection.Open();
        return LogSchema.VersionOf(connection);
    }

    /// <summary>A log as closedloop wrote it before versions: user_version 0, no audit account, no frame numbers.</summary>
    private void WriteUnversionedLog() => Sql("""
        CREATE TABLE events (rig TEXT NOT NULL, boot INTEGER NOT NULL, seq INTEGER NOT NULL, t_us INTEGER NOT NULL, kind TEXT NOT NULL, json TEXT NOT NULL, received_utc TEXT NOT NULL, PRIMARY KEY (rig, boot, seq)) WITHOUT ROWID;
        CREATE TABLE sample_frames (rig TEXT NOT NULL, boot INTEGER NOT NULL, first_cycle INTEGER NOT NULL, t_us INTEGER NOT NULL, frame BLOB NOT NULL, PRIMARY KEY (rig, boot, first_cycle)) WITHOUT ROWID;
        CREATE TABLE console_audit (rig TEXT NOT NULL, boot INTEGER NOT NULL, utc TEXT NOT NULL, command TEXT NOT NULL, command_id INTEGER NOT NULL, user TEXT NOT NULL, address TEXT NOT NULL, result TEXT NOT NULL, PRIMARY KEY (rig, boot, utc, command)) WITHOUT ROWID;
        INSERT INTO events VALUES ('rig-01', 7, 1, 1000, 'armed', '{"v":1,"rig":"rig-01","boot":7,"seq":1,"t_us":1000,"kind":"armed","source":"input"}', '2026-01-01T00:00:00Z');
        INSERT INTO sample_frames VALUES ('rig-01', 7, 0, 1000, x'010203');
        INSERT INTO console_audit VALUES ('rig-01', 7, '2026-01-01T00:00:01Z', 'arm', 5, 'alice', '127.0.0.1', 'accepted');
        """);

    [Fact]
    public void A_new_log_is_created_at_the_current_version_and_reopens_without_a_step()
    {
        using (var store = new EventStore(Log))
        {
            Assert.Empty(store.Migrations);
        }

        Assert.Equal(LogSchema.Current, Version());
        using var again = new EventStore(Log);
        Assert.Empty(again.Migrations);
    }

    [Fact]
    public void A_log_from_before_versions_is_brought_up_to_date_keeping_every_row()
    {
        WriteUnversionedLog();

        using (var store = new EventStore(Log))
        {
            Assert.Equal(["1: the tables", "2: console_audit.account", "3: sample_frames.number"], store.Migrations);
            Assert.Equal(["rig-01"], store.Rigs());
            Assert.Single(store.EventJson("rig-01"));
            Assert.Equal(new byte[] { 1, 2, 3 }, Assert.Single(store.Frames("rig-01", 7)));
            Assert.Empty(store.MissingFrames("rig-01", 7));
            var audit = Assert.Single(store.Audits("rig-01", 7));
            Assert.Equal(("alice", string.Empty), (audit.User, audit.Account));
        }

        Assert.Equal(LogSchema.Current, Version());
        using var again = new EventStore(Log);
        Assert.Empty(again.Migrations);
    }

    [Fact]
    public void A_log_half_way_takes_only_the_steps_it_lacks()
    {
        WriteUnversionedLog();
        Sql("ALTER TABLE console_audit ADD COLUMN account TEXT NOT NULL DEFAULT ''; PRAGMA user_version = 2;");

        using var store = new EventStore(Log);

        Assert.Equal(["3: sample_frames.number"], store.Migrations);
    }

    [Fact]
    public void A_log_newer_than_this_program_is_refused_for_writing_and_reading_and_left_as_it_was()
    {
        using (new EventStore(Log))
        {
        }

        Sql($"PRAGMA user_version = {LogSchema.Current + 1}");

        var writing = Assert.Throws<InvalidDataException>(() => new EventStore(Log));
        var reading = Assert.Throws<InvalidDataException>(() => EventStore.OpenReadOnly(Log));

        string expected = $"has schema version {LogSchema.Current + 1}; this closedloop knows versions up to {LogSchema.Current}";
        Assert.Contains(expected, writing.Message, StringComparison.Ordinal);
        Assert.Contains(expected, reading.Message, StringComparison.Ordinal);
        Assert.Equal(LogSchema.Current + 1, Version());
    }
}
