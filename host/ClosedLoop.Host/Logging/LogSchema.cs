using Microsoft.Data.Sqlite;

namespace ClosedLoop.Host.Logging;

/// <summary>
/// The log's tables, versioned in SQLite's <c>PRAGMA user_version</c>: each step moves a log one version on, in one
/// transaction with the version it reaches, so a log is always at exactly one version and a step cut short by a kill
/// is simply run again. A log written before versions existed reads 0 and may already hold some later columns: every
/// step checks before it adds. A log newer than this program is refused, never guessed at (docs/database.md).
/// </summary>
public static class LogSchema
{
    /// <summary>The version this program writes and reads.</summary>
    public const int Current = 3;

    private static readonly (int Version, string What, Action<SqliteConnection> Apply)[] Steps =
    [
        (1, "the tables", connection => Run(connection, """
            CREATE TABLE IF NOT EXISTS events (
                rig TEXT NOT NULL, boot INTEGER NOT NULL, seq INTEGER NOT NULL,
                t_us INTEGER NOT NULL, kind TEXT NOT NULL, json TEXT NOT NULL, received_utc TEXT NOT NULL,
                PRIMARY KEY (rig, boot, seq)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS faults (
                id INTEGER PRIMARY KEY, received_utc TEXT NOT NULL, topic TEXT NOT NULL, reason TEXT NOT NULL, payload BLOB);
            CREATE TABLE IF NOT EXISTS sample_frames (
                rig TEXT NOT NULL, boot INTEGER NOT NULL, first_cycle INTEGER NOT NULL, t_us INTEGER NOT NULL, frame BLOB NOT NULL,
                PRIMARY KEY (rig, boot, first_cycle)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS rig_status (
                rig TEXT PRIMARY KEY, json TEXT NOT NULL, received_utc TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS sessions (
                rig TEXT NOT NULL, boot INTEGER NOT NULL, rig_t_us INTEGER NOT NULL, utc TEXT NOT NULL,
                subject TEXT NOT NULL, experimenter TEXT, note TEXT, PRIMARY KEY (rig, boot, rig_t_us)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS yoke_origins (
                rig TEXT NOT NULL, boot INTEGER NOT NULL, command_id INTEGER NOT NULL, offset_us INTEGER NOT NULL,
                partner_rig TEXT NOT NULL, partner_boot INTEGER NOT NULL, partner_t_us INTEGER NOT NULL, utc TEXT NOT NULL,
                PRIMARY KEY (rig, boot, command_id)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS console_audit (
                rig TEXT NOT NULL, boot INTEGER NOT NULL, utc TEXT NOT NULL, command TEXT NOT NULL, command_id INTEGER NOT NULL,
                user TEXT NOT NULL, address TEXT NOT NULL, result TEXT NOT NULL,
                PRIMARY KEY (rig, boot, utc, command)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS configs (
                hash TEXT PRIMARY KEY, rig TEXT NOT NULL, text TEXT NOT NULL, received_utc TEXT NOT NULL);
            """)),

        // Audits name the console's broker account; older rows keep it empty.
        (2, "console_audit.account", connection => AddColumn(connection, "console_audit", "account", "TEXT NOT NULL DEFAULT ''")),

        // Frames are numbered in their boot; frames logged before keep number 0.
        (3, "sample_frames.number", connection => AddColumn(connection, "sample_frames", "number", "INTEGER NOT NULL DEFAULT 0")),
    ];

    /// <summary>The log's version (0: written before versions, or empty).</summary>
    public static long VersionOf(SqliteConnection connection) => Scalar(connection, "PRAGMA user_version");

    /// <summary>Refuses a log newer than this program: its tables may mean what this program cannot know.</summary>
    public static void RefuseNewer(SqliteConnection connection, string path)
    {
        long version = VersionOf(connection);
        if (version > Current)
        {
            throw new InvalidDataException($"the log {path} has schema version {version}; this closedloop knows versions up to {Current}: read it with the closedloop that wrote it, or a newer one");
        }
    }

    /// <summary>Brings a writable log to <see cref="Current"/>, one step per transaction; returns the steps an existing log took (none for a new one).</summary>
    public static IReadOnlyList<string> Migrate(SqliteConnection connection, string path)
    {
        RefuseNewer(connection, path);
        bool created = Scalar(connection, "SELECT COUNT(*) FROM sqlite_master") == 0;
        var taken = new List<string>();
        foreach (var (version, what, apply) in Steps.Where(s => s.Version > VersionOf(connection)))
        {
            using var transaction = connection.BeginTransaction();
            apply(connection);
            Run(connection, $"PRAGMA user_version = {version}");
            transaction.Commit();
            taken.Add($"{version}: {what}");
        }

        return created ? [] : taken;
    }

    private static void AddColumn(SqliteConnection connection, string table, string column, string definition)
    {
        if (Scalar(connection, $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'") == 0)
        {
            Run(connection, $"ALTER TABLE {table} ADD COLUMN {column} {definition}");
        }
    }

    private static void Run(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }
}
