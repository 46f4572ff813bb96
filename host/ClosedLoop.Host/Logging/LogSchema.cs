using System.Data.Common;
using Dapper;

namespace ClosedLoop.Host.Logging;

/// <summary>Which database a log is kept in: the same tables, keys and meaning on both (docs/database.md).</summary>
public enum LogEngine
{
    /// <summary>One file, for one room (the default).</summary>
    Sqlite,

    /// <summary>A lab's server, that every host writes and every analyst reads.</summary>
    PostgreSql,
}

/// <summary>
/// The log's tables, versioned (SQLite: <c>PRAGMA user_version</c>; PostgreSQL: the one row of
/// <c>closedloop_schema</c>): each step moves a log one version on, in one transaction with the version it reaches,
/// so a log is always at exactly one version and a step cut short by a kill is simply run again. A log written
/// before versions existed reads 0 and may already hold some later columns: every step checks before it adds. A log
/// newer than this program is refused, never guessed at (docs/database.md). The two engines differ only in their
/// types (BLOB/BYTEA, INTEGER/BIGINT) and in how they say "add if missing".
/// </summary>
public static class LogSchema
{
    /// <summary>The version this program writes and reads.</summary>
    public const int Current = 3;

    // Serialises migrations of one PostgreSQL database by several loggers starting at once (any fixed number).
    private const long MigrationLock = 0x636c6f736564;

    /// <summary>One step: either tables created (each engine's DDL) or one column added (each engine's definition).</summary>
    private sealed record Step(int Version, string What, string? SqliteTables = null, string? PostgreSqlTables = null, (string Table, string Column, string Sqlite, string PostgreSql)? Column = null);

    private static readonly Step[] Steps =
    [
        new(1, "the tables", SqliteTables: Tables("INTEGER", "BLOB", "INTEGER PRIMARY KEY", " WITHOUT ROWID"),
            PostgreSqlTables: Tables("BIGINT", "BYTEA", "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", string.Empty)),

        // Audits name the console's broker account; older rows keep it empty.
        new(2, "console_audit.account", Column: ("console_audit", "account", "TEXT NOT NULL DEFAULT ''", "TEXT NOT NULL DEFAULT ''")),

        // Frames are numbered in their boot; frames logged before keep number 0.
        new(3, "sample_frames.number", Column: ("sample_frames", "number", "INTEGER NOT NULL DEFAULT 0", "BIGINT NOT NULL DEFAULT 0")),
    ];

    private static string Tables(string integer, string blob, string identity, string withoutRowId) => $"""
        CREATE TABLE IF NOT EXISTS events (
            rig TEXT NOT NULL, boot {integer} NOT NULL, seq {integer} NOT NULL,
            t_us {integer} NOT NULL, kind TEXT NOT NULL, json TEXT NOT NULL, received_utc TEXT NOT NULL,
            PRIMARY KEY (rig, boot, seq)){withoutRowId};
        CREATE TABLE IF NOT EXISTS faults (
            id {identity}, received_utc TEXT NOT NULL, topic TEXT NOT NULL, reason TEXT NOT NULL, payload {blob});
        CREATE TABLE IF NOT EXISTS sample_frames (
            rig TEXT NOT NULL, boot {integer} NOT NULL, first_cycle {integer} NOT NULL, t_us {integer} NOT NULL, frame {blob} NOT NULL,
            PRIMARY KEY (rig, boot, first_cycle)){withoutRowId};
        CREATE TABLE IF NOT EXISTS rig_status (
            rig TEXT PRIMARY KEY, json TEXT NOT NULL, received_utc TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS sessions (
            rig TEXT NOT NULL, boot {integer} NOT NULL, rig_t_us {integer} NOT NULL, utc TEXT NOT NULL,
            subject TEXT NOT NULL, experimenter TEXT, note TEXT, PRIMARY KEY (rig, boot, rig_t_us)){withoutRowId};
        CREATE TABLE IF NOT EXISTS yoke_origins (
            rig TEXT NOT NULL, boot {integer} NOT NULL, command_id {integer} NOT NULL, offset_us {integer} NOT NULL,
            partner_rig TEXT NOT NULL, partner_boot {integer} NOT NULL, partner_t_us {integer} NOT NULL, utc TEXT NOT NULL,
            PRIMARY KEY (rig, boot, command_id)){withoutRowId};
        CREATE TABLE IF NOT EXISTS console_audit (
            rig TEXT NOT NULL, boot {integer} NOT NULL, utc TEXT NOT NULL, command TEXT NOT NULL, command_id {integer} NOT NULL,
            "user" TEXT NOT NULL, address TEXT NOT NULL, result TEXT NOT NULL,
            PRIMARY KEY (rig, boot, utc, command)){withoutRowId};
        CREATE TABLE IF NOT EXISTS configs (
            hash TEXT PRIMARY KEY, rig TEXT NOT NULL, text TEXT NOT NULL, received_utc TEXT NOT NULL);
        """;

    /// <summary>The log's version (0: written before versions, or empty).</summary>
    public static long VersionOf(DbConnection connection, LogEngine engine = LogEngine.Sqlite, DbTransaction? transaction = null) =>
        engine == LogEngine.Sqlite
            ? connection.ExecuteScalar<long>("PRAGMA user_version", transaction: transaction)
            : connection.ExecuteScalar<string?>("SELECT to_regclass('closedloop_schema')::text", transaction: transaction) is null ? 0
            : connection.ExecuteScalar<long?>("SELECT MAX(version) FROM closedloop_schema", transaction: transaction) ?? 0;

    /// <summary>Refuses a log newer than this program: its tables may mean what this program cannot know.</summary>
    public static void RefuseNewer(DbConnection connection, string path, LogEngine engine = LogEngine.Sqlite)
    {
        long version = VersionOf(connection, engine);
        if (version > Current)
        {
            throw new InvalidDataException($"the log {path} has schema version {version}; this closedloop knows versions up to {Current}: read it with the closedloop that wrote it, or a newer one");
        }
    }

    /// <summary>Brings a writable log to <see cref="Current"/>, one step per transaction; returns the steps an existing log took (none for a new one).</summary>
    public static IReadOnlyList<string> Migrate(DbConnection connection, string path, LogEngine engine = LogEngine.Sqlite)
    {
        RefuseNewer(connection, path, engine);
        bool created = engine == LogEngine.Sqlite
            ? connection.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_master") == 0
            : connection.ExecuteScalar<long>("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'events'") == 0;
        var taken = new List<string>();
        foreach (var step in Steps)
        {
            int version = step.Version;
            using var transaction = connection.BeginTransaction();
            if (engine == LogEngine.PostgreSql)
            {
                connection.Execute("SELECT pg_advisory_xact_lock(@key); CREATE TABLE IF NOT EXISTS closedloop_schema (version INTEGER NOT NULL)", new { key = MigrationLock }, transaction);
            }

            // Read under the lock: another logger may have taken this step meanwhile.
            if (VersionOf(connection, engine, transaction) >= version)
            {
                continue;
            }

            if (step.Column is var (table, column, sqlite, postgreSql))
            {
                AddColumn(connection, engine, transaction, table, column, engine == LogEngine.Sqlite ? sqlite : postgreSql);
            }
            else
            {
                connection.Execute(engine == LogEngine.Sqlite ? step.SqliteTables! : step.PostgreSqlTables!, transaction: transaction);
            }

            connection.Execute(engine == LogEngine.Sqlite ? $"PRAGMA user_version = {version}" : $"DELETE FROM closedloop_schema; INSERT INTO closedloop_schema VALUES ({version})", transaction: transaction);
            transaction.Commit();
            taken.Add($"{version}: {step.What}");
        }

        return created ? [] : taken;
    }

    /// <summary>Adds the column unless a log from before versions already has it.</summary>
    private static void AddColumn(DbConnection connection, LogEngine engine, DbTransaction transaction, string table, string column, string definition)
    {
        if (engine == LogEngine.PostgreSql)
        {
            connection.Execute($"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {definition}", transaction: transaction);
        }
        else if (connection.ExecuteScalar<long>($"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'", transaction: transaction) == 0)
        {
            connection.Execute($"ALTER TABLE {table} ADD COLUMN {column} {definition}", transaction: transaction);
        }
    }
}
