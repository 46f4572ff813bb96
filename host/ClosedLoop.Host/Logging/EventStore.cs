using System.Data;
using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace ClosedLoop.Host.Logging;

/// <summary>A sample frame as stored: <paramref name="Number"/> is the frame's number in its boot (0 for version 1 frames, which had none).</summary>
public sealed record StoredFrame(string Rig, long Boot, long FirstCycle, long TimeUs, byte[] Frame, long Number = 0);

/// <summary>Who and what one session was about, with the host's UTC time and the rig's µs of its start.</summary>
public sealed record SessionRecord(string Rig, long Boot, long RigTimeUs, string Utc, string Subject, string? Experimenter, string? Note);

/// <summary>
/// Where a trigger relayed to a yoked rig came from: the yoke command the rig took (its id and offset after the
/// session start) and the partner rig's train (rig, boot, device µs) whose time it carries.
/// </summary>
public sealed record YokeOrigin(string Rig, long Boot, long CommandId, long OffsetUs, string PartnerRig, long PartnerBoot, long PartnerTimeUs, string Utc);

/// <summary>One event as the logger stores it: its unique key, time, kind and the JSON exactly as received.</summary>
public sealed record StoredEvent(string Rig, long Boot, long Sequence, long TimeUs, string Kind, string Json);

/// <summary>
/// The logger's SQLite database (WAL by default). Events are keyed by (rig, boot, sequence), so a repeat is
/// ignored; faults record what could not be stored and why. Batches are written in one transaction, and the
/// caller acknowledges the messages only after <see cref="Store"/> returns.
/// </summary>
public sealed class EventStore : IDisposable
{
    private readonly DbConnection _connection;

    // One connection, used by the logger's writer and by whoever reads or caps the log meanwhile (a test, a
    // monitor): SqliteConnection is not thread-safe, so every use takes this lock.
    private readonly Lock _gate = new();

    /// <summary>
    /// Opens a PostgreSQL log (<paramref name="location"/>'s address): to write, its tables are created or brought up to
    /// date; to read, the session is read-only and a database without closedloop's tables is an error.
    /// </summary>
    public static EventStore OpenPostgres(LogLocation location, bool readOnly)
    {
        var connection = new Npgsql.NpgsqlConnection(location.Postgres!.ConnectionString);
        try
        {
            connection.Open();
        }
        catch (Npgsql.NpgsqlException e)
        {
            connection.Dispose();
            throw new InputException($"{location.Name}: cannot connect ({e.Message}); the password comes from PGPASSWORD or PGPASSFILE");
        }

        var store = new EventStore(location.Name, connection, LogEngine.PostgreSql);
        try
        {
            if (readOnly)
            {
                connection.Execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
                LogSchema.RefuseNewer(connection, location.Name, LogEngine.PostgreSql);
                store.Scalar("SELECT COUNT(*) FROM events WHERE 1 = 0");
            }
            else
            {
                store.Migrations = LogSchema.Migrate(connection, location.Name, LogEngine.PostgreSql);
            }
        }
        catch (Exception e) when (e is DbException or InvalidDataException)
        {
            store.Dispose();
            throw;
        }

        return store;
    }

    /// <summary>Opens a log for reading only: nothing in the file is created or changed; not a closedloop log is an error.</summary>
    public static EventStore OpenReadOnly(string path)
    {
        if (LogLocation.IsPostgresAddress(path))
        {
            return LogLocation.Parse(path).OpenReadOnly();
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        var store = new EventStore(path, connection, LogEngine.Sqlite);
        try
        {
            LogSchema.RefuseNewer(connection, path);
            store.Scalar("SELECT COUNT(*) FROM events WHERE 1 = 0");
            store.Scalar("SELECT COUNT(*) FROM sample_frames WHERE 1 = 0");
        }
        catch (Exception e) when (e is SqliteException or InvalidDataException)
        {
            store.Dispose();
            throw;
        }

        return store;
    }

    private EventStore(string path, DbConnection connection, LogEngine engine)
    {
        Path = path;
        _connection = connection;
        Engine = engine;
    }

    /// <summary>Which database the log is kept in.</summary>
    public LogEngine Engine { get; }

    public EventStore(string path, bool wal = true)
    {
        Path = path;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute(wal ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" : "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;");
        // An existing log SQLite could open only for reading (no write permission, an immutable or read-only mount)
        // opens without complaint: find out now, not at the first batch. (BEGIN IMMEDIATE alone succeeds on such a
        // file; rewriting the header's user version, undone at once, does not.) Then the schema is brought up to date.
        try
        {
            long version = Scalar("PRAGMA user_version");
            Execute($"BEGIN IMMEDIATE; PRAGMA user_version = {version}; ROLLBACK;");
            Migrations = LogSchema.Migrate(_connection, path);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SqliteReadOnly)
        {
            _connection.Dispose();
            throw new SqliteException($"the log {path} is read-only: give --db a file this user may write ({e.Message})", SqliteReadOnly);
        }
        catch (InvalidDataException)
        {
            _connection.Dispose();
            throw;
        }
    }

    /// <summary>The schema steps opening this log took to bring it to <see cref="LogSchema.Current"/> (none for a current log).</summary>
    public IReadOnlyList<string> Migrations { get; private set; } = [];

    /// <summary>SQLite's SQLITE_READONLY: a write to a database opened (or only openable) for reading.</summary>
    public const int SqliteReadOnly = 8;

    public string Path { get; }

    /// <summary>
    /// Caps the file at about <paramref name="maxBytes"/> (never below its present size): a write past it fails as
    /// on a full disk. For a lab that bounds the log's disk use, and for tests of what a full disk does.
    /// </summary>
    public void LimitSize(long maxBytes)
    {
        if (Engine == LogEngine.PostgreSql)
        {
            throw new NotSupportedException("a PostgreSQL log's size is its server's to limit");
        }

        lock (_gate)
        {
            long pageSize = Scalar("PRAGMA page_size");
            Execute($"PRAGMA max_page_count = {Math.Max(1, maxBytes / pageSize)}");
        }
    }

    /// <summary>How much of a payload a fault row keeps: enough to inspect, never a whole flood.</summary>
    public const int FaultPayloadBytes = 4096;

    /// <summary>
    /// Writes a batch in one transaction; returns how many events were new. A repeat of a stored key with the same
    /// payload is a redelivery and is ignored; with another payload it is a conflict (a forged or a confused
    /// rig), kept as a fault row beside the first, never silently dropped.
    /// </summary>
    public int Store(IReadOnlyList<StoredEvent> events, IReadOnlyList<(string Topic, string Reason, byte[] Payload)> faults, IReadOnlyList<StoredFrame>? frames = null)
    {
        var batch = new LogBatch();
        batch.Events.AddRange(events);
        batch.Faults.AddRange(faults);
        batch.Frames.AddRange(frames ?? []);
        return Store(batch);
    }

    /// <summary>
    /// Writes everything a batch of messages adds (events, frames, faults, statuses, session notes, yoke origins,
    /// console audits, applied configs) in one transaction: a batch is in the log whole or not at all, so the logger
    /// acknowledges none of its messages until all of them are kept. Returns how many events were new.
    /// </summary>
    public int Store(LogBatch batch)
    {
        var events = batch.Events;
        var faults = batch.Faults;
        var frames = batch.Frames;
        lock (_gate)
        {
            if (Engine == LogEngine.PostgreSql && _connection.State != ConnectionState.Open)
            {
                // The server restarted or the network dropped: a new connection, and the batch is tried again on it.
                _connection.Close();
                _connection.Open();
            }

            var conflicts = new List<(string Topic, string Reason, byte[] Payload)>();
            using var transaction = _connection.BeginTransaction();
            int added = 0;
            if (events.Count > 0)
            {
                // Events come in thousands a batch: one prepared insert with its parameters rebound per event.
                using var insert = _connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO events (rig, boot, seq, t_us, kind, json, received_utc) VALUES (@rig, @boot, @seq, @t, @kind, @json, @now) ON CONFLICT DO NOTHING";
                var rig = Parameter(insert, "rig", DbType.String);
                var boot = Parameter(insert, "boot", DbType.Int64);
                var seq = Parameter(insert, "seq", DbType.Int64);
                var time = Parameter(insert, "t", DbType.Int64);
                var kind = Parameter(insert, "kind", DbType.String);
                var json = Parameter(insert, "json", DbType.String);
                Parameter(insert, "now", DbType.String).Value = UtcNow();
                foreach (var e in events)
                {
                    rig.Value = e.Rig;
                    boot.Value = e.Boot;
                    seq.Value = e.Sequence;
                    time.Value = e.TimeUs;
                    kind.Value = e.Kind;
                    json.Value = e.Json;
                    int inserted = insert.ExecuteNonQuery();
                    added += inserted;
                    if (inserted == 0
                        && _connection.ExecuteScalar<string>("SELECT json FROM events WHERE rig = @Rig AND boot = @Boot AND seq = @Sequence", e, transaction) is string held
                        && held != e.Json)
                    {
                        conflicts.Add(($"{e.Rig}/events", $"conflict: rig {e.Rig} boot {e.Boot} seq {e.Sequence} is already stored with another payload; the first is kept", Encoding.UTF8.GetBytes(e.Json)));
                    }
                }
            }

            foreach (var frame in frames)
            {
                if (_connection.Execute("INSERT INTO sample_frames (rig, boot, first_cycle, t_us, frame, number) VALUES (@Rig, @Boot, @FirstCycle, @TimeUs, @Frame, @Number) ON CONFLICT DO NOTHING", frame, transaction) == 0
                    && _connection.ExecuteScalar<byte[]>("SELECT frame FROM sample_frames WHERE rig = @Rig AND boot = @Boot AND first_cycle = @FirstCycle", frame, transaction) is byte[] first
                    && !first.AsSpan().SequenceEqual(frame.Frame))
                {
                    conflicts.Add(($"{frame.Rig}/samples", $"conflict: rig {frame.Rig} boot {frame.Boot} frame at cycle {frame.FirstCycle} is already stored with other samples; the first is kept", frame.Frame));
                }
            }

            foreach (var (topic, reason, payload) in faults.Concat(conflicts))
            {
                _connection.Execute(
                    "INSERT INTO faults (received_utc, topic, reason, payload) VALUES (@now, @topic, @reason, @payload)",
                    new { now = UtcNow(), topic, reason, payload = payload.Length > FaultPayloadBytes ? payload[..FaultPayloadBytes] : payload },
                    transaction);
            }

            foreach (var (rig, json, _) in batch.Statuses)
            {
                _connection.Execute(StatusSql, new { rig, json, now = UtcNow() }, transaction);
            }

            _connection.Execute(SessionSql, batch.Sessions, transaction);
            _connection.Execute(YokeOriginSql, batch.YokeOrigins, transaction);
            _connection.Execute(AuditSql, batch.Audits, transaction);
            foreach (var (rig, hash, text) in batch.Configs)
            {
                _connection.Execute(ConfigSql, new { hash, rig, text, now = UtcNow() }, transaction);
            }

            transaction.Commit();
            return added;
        }
    }

    /// <summary>Keeps who and what a session was about (from `session start --subject`), once per start.</summary>
    public void StoreSession(SessionRecord session) => Execute(SessionSql, session);

    private const string SessionSql =
        "INSERT INTO sessions (rig, boot, rig_t_us, utc, subject, experimenter, note) VALUES (@Rig, @Boot, @RigTimeUs, @Utc, @Subject, @Experimenter, @Note) ON CONFLICT DO NOTHING";

    /// <summary>The sessions logged for a rig's boot, in the order they started (none for a log from before sessions were kept).</summary>
    public IReadOnlyList<SessionRecord> Sessions(string rig, long boot) => QueryIfKept<SessionRecord>(
        "SELECT rig, boot, rig_t_us AS RigTimeUs, utc, subject, experimenter, note FROM sessions WHERE rig = @rig AND boot = @boot ORDER BY rig_t_us",
        new { rig, boot });

    public void StoreYokeOrigin(YokeOrigin source) => Execute(YokeOriginSql, source);

    private const string YokeOriginSql =
        "INSERT INTO yoke_origins (rig, boot, command_id, offset_us, partner_rig, partner_boot, partner_t_us, utc) VALUES (@Rig, @Boot, @CommandId, @OffsetUs, @PartnerRig, @PartnerBoot, @PartnerTimeUs, @Utc) ON CONFLICT DO NOTHING";

    /// <summary>The relayed triggers a yoked rig's boot took, by offset (none for a log from before they were kept).</summary>
    public IReadOnlyList<YokeOrigin> YokeOrigins(string rig, long boot) => QueryIfKept<YokeOrigin>(
        "SELECT rig, boot, command_id AS CommandId, offset_us AS OffsetUs, partner_rig AS PartnerRig, partner_boot AS PartnerBoot, partner_t_us AS PartnerTimeUs, utc FROM yoke_origins WHERE rig = @rig AND boot = @boot ORDER BY offset_us",
        new { rig, boot });

    /// <summary>Keeps one console command's record (a repeat of the same message is ignored).</summary>
    public void StoreAudit(CommandAudit audit) => Execute(AuditSql, audit);

    private const string AuditSql =
        "INSERT INTO console_audit (rig, boot, utc, command, command_id, \"user\", address, result, account) VALUES (@Rig, @Boot, @Utc, @Command, @CommandId, @User, @Address, @Result, @Account) ON CONFLICT DO NOTHING";

    /// <summary>The commands sent from the console to a rig's boot, oldest first.</summary>
    public IReadOnlyList<CommandAudit> Audits(string rig, long boot) => Query<CommandAudit>(
        "SELECT rig, boot, command_id AS CommandId, command, \"user\", address, result, utc, account FROM console_audit WHERE rig = @rig AND boot = @boot ORDER BY utc",
        new { rig, boot });

    /// <summary>Keeps a rig's applied config (whole, without secrets) once per hash.</summary>
    public void StoreConfig(string rig, string hash, string text) => Execute(ConfigSql, new { hash, rig, text, now = UtcNow() });

    private const string ConfigSql = "INSERT INTO configs (hash, rig, text, received_utc) VALUES (@hash, @rig, @text, @now) ON CONFLICT DO NOTHING";

    /// <summary>The config text logged for <paramref name="hash"/>, or null (not logged, or a log from before configs were kept).</summary>
    public string? ConfigText(string hash) => QueryIfKept<string>("SELECT text FROM configs WHERE hash = @hash", new { hash }).SingleOrDefault();

    /// <summary>
    /// The hash of the config a boot's session ran with: the last boot or config_applied event before its first
    /// session_started (a config cannot change during a session), or the last of the boot when it had no session.
    /// </summary>
    public string? SessionConfigHash(string rig, long boot)
    {
        string? hash = null;
        foreach (var e in Events(rig, boot))
        {
            if (e.Kind == "session_started")
            {
                break;
            }

            if (e.Kind is "boot" or "config_applied")
            {
                using var document = System.Text.Json.JsonDocument.Parse(e.Json);
                hash = document.RootElement.GetProperty("config").GetString();
            }
        }

        return hash;
    }

    /// <summary>The config a boot's session ran with, whole and without secrets, when the log holds it.</summary>
    public string? SessionConfigText(string rig, long boot) => SessionConfigHash(rig, boot) is string hash ? ConfigText(hash) : null;

    public void StoreStatus(string rig, string json) => Execute(StatusSql, new { rig, json, now = UtcNow() });

    private const string StatusSql =
        "INSERT INTO rig_status (rig, json, received_utc) VALUES (@rig, @json, @now) ON CONFLICT(rig) DO UPDATE SET json = excluded.json, received_utc = excluded.received_utc";

    /// <summary>The stored sequences of one rig and boot above <paramref name="high"/>, ascending.</summary>
    public IReadOnlyList<long> SequencesAbove(string rig, long boot, long high) =>
        Query<long>("SELECT seq FROM events WHERE rig = @rig AND boot = @boot AND seq > @high ORDER BY seq", new { rig, boot, high });

    /// <summary>The stored frame numbers of one rig and boot above <paramref name="high"/>, ascending.</summary>
    public IReadOnlyList<long> FrameNumbersAbove(string rig, long boot, long high) =>
        Query<long>("SELECT number FROM sample_frames WHERE rig = @rig AND boot = @boot AND number > @high ORDER BY number", new { rig, boot, high });

    /// <summary>Every stored sequence of one rig and boot, ascending.</summary>
    public IReadOnlyList<long> Sequences(string rig, long boot) =>
        Query<long>("SELECT seq FROM events WHERE rig = @rig AND boot = @boot ORDER BY seq", new { rig, boot });

    /// <summary>Per rig and boot, the highest frame number below which every numbered frame is stored.</summary>
    public IReadOnlyDictionary<(string Rig, long Boot), long> ContiguousFrameHighs()
    {
        var result = new Dictionary<(string, long), long>();
        foreach (var (rig, boot, number) in Query<(string, long, long)>("SELECT rig, boot, number FROM sample_frames WHERE number > 0 ORDER BY rig, boot, number"))
        {
            long high = result.GetValueOrDefault((rig, boot));
            if (number == high + 1)
            {
                result[(rig, boot)] = high + 1;
            }
            else if (!result.ContainsKey((rig, boot)))
            {
                result[(rig, boot)] = 0;
            }
        }

        return result;
    }

    /// <summary>Per rig and boot: the frame numbers missing below the highest stored one, as (first, last) runs.</summary>
    public IReadOnlyList<(long First, long Last)> MissingFrames(string rig, long boot)
    {
        var missing = new List<(long, long)>();
        long expected = 1;
        foreach (long number in Query<long>("SELECT number FROM sample_frames WHERE rig = @rig AND boot = @boot AND number > 0 ORDER BY number", new { rig, boot }))
        {
            if (number > expected)
            {
                missing.Add((expected, number - 1));
            }

            expected = Math.Max(expected, number + 1);
        }

        return missing;
    }

    /// <summary>For each (rig, boot): the highest sequence below which nothing is missing.</summary>
    public IReadOnlyDictionary<(string Rig, long Boot), long> ContiguousHighs()
    {
        var result = new Dictionary<(string, long), long>();
        foreach (var (rig, boot) in Query<(string, long)>("SELECT DISTINCT rig, boot FROM events"))
        {
            long high = 0;
            foreach (long s in Sequences(rig, boot))
            {
                if (s != high + 1)
                {
                    break;
                }

                high = s;
            }

            result[(rig, boot)] = high;
        }

        return result;
    }

    public long CountEvents() => Scalar("SELECT COUNT(*) FROM events");

    // Rigs and boots are found by skipping along the tables' keys (rig, boot, ...) from one value to the next, one
    // index seek each, instead of a DISTINCT that reads every row: a year of a lab's frames is tens of millions.

    /// <summary>Every rig that logged an event, by name.</summary>
    public IReadOnlyList<string> Rigs() => Query<string>("""
        WITH RECURSIVE r(rig) AS (
            SELECT MIN(rig) FROM events
            UNION ALL SELECT (SELECT MIN(rig) FROM events WHERE rig > r.rig) FROM r WHERE r.rig IS NOT NULL)
        SELECT rig FROM r WHERE rig IS NOT NULL
        """);

    /// <summary>The boots of a rig that logged anything, ascending.</summary>
    public IReadOnlyList<long> Boots(string rig) => Query<long>("""
        WITH RECURSIVE
            e(boot) AS (
                SELECT MIN(boot) FROM events WHERE rig = @rig
                UNION ALL SELECT (SELECT MIN(boot) FROM events WHERE rig = @rig AND boot > e.boot) FROM e WHERE e.boot IS NOT NULL),
            f(boot) AS (
                SELECT MIN(boot) FROM sample_frames WHERE rig = @rig
                UNION ALL SELECT (SELECT MIN(boot) FROM sample_frames WHERE rig = @rig AND boot > f.boot) FROM f WHERE f.boot IS NOT NULL)
        SELECT boot FROM e WHERE boot IS NOT NULL UNION SELECT boot FROM f WHERE boot IS NOT NULL ORDER BY 1
        """, new { rig });

    /// <summary>
    /// For every boot that logged events: how many, and its highest sequence; with the boot's session count, what
    /// changes whenever anything a boot's summary depends on is stored (a late event fills a gap: the count moves).
    /// </summary>
    public IReadOnlyDictionary<(string Rig, long Boot), (long Events, long HighestSequence, long Sessions)> BootFingerprints()
    {
        var sessions = QueryIfKept<(string Rig, long Boot, long Count)>("SELECT rig, boot, COUNT(*) FROM sessions GROUP BY rig, boot", new { })
            .ToDictionary(s => (s.Rig, s.Boot), s => s.Count);
        return Query<(string Rig, long Boot, long Count, long High)>("SELECT rig, boot, COUNT(*), MAX(seq) FROM events GROUP BY rig, boot")
            .ToDictionary(b => (b.Rig, b.Boot), b => (b.Count, b.High, sessions.GetValueOrDefault((b.Rig, b.Boot))));
    }

    /// <summary>Every event of one boot of a rig: (sequence, device µs, kind, JSON as received), in sequence order.</summary>
    public IReadOnlyList<(long Sequence, long TimeUs, string Kind, string Json)> Events(string rig, long boot) =>
        Query<(long, long, string, string)>("SELECT seq, t_us, kind, json FROM events WHERE rig = @rig AND boot = @boot ORDER BY seq", new { rig, boot });

    /// <summary>When the logger received the boot's first event, and that event's device µs (null when the boot logged no event).</summary>
    public (DateTimeOffset ReceivedUtc, long TimeUs)? FirstEventReceived(string rig, long boot)
    {
        var first = Query<(string ReceivedUtc, long TimeUs)>("SELECT received_utc, t_us FROM events WHERE rig = @rig AND boot = @boot ORDER BY seq LIMIT 1", new { rig, boot });
        return first.Count == 0
            ? null
            : (DateTimeOffset.Parse(first[0].ReceivedUtc, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), first[0].TimeUs);
    }

    /// <summary>Every sample frame of one boot of a rig, in cycle order.</summary>
    public IReadOnlyList<byte[]> Frames(string rig, long boot) =>
        Query<byte[]>("SELECT frame FROM sample_frames WHERE rig = @rig AND boot = @boot ORDER BY first_cycle", new { rig, boot });

    /// <summary>The stored JSON of every event of a rig, in (boot, sequence) order.</summary>
    public IReadOnlyList<string> EventJson(string rig) => Query<string>("SELECT json FROM events WHERE rig = @rig ORDER BY boot, seq", new { rig });

    public long CountFaults() => Scalar("SELECT COUNT(*) FROM faults");

    /// <summary>One page of rows, each as column name to value (for <see cref="LogMigration"/>).</summary>
    internal List<IDictionary<string, object>> ReadPage(string sql, object? parameters)
    {
        lock (_gate)
        {
            return [.. _connection.Query(sql, parameters).Select(row => (IDictionary<string, object>)row)];
        }
    }

    /// <summary>Writes rows with one statement each in one transaction; returns how many were new.</summary>
    internal long WritePage(string sql, IEnumerable<object> rows)
    {
        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            long written = rows.Sum(row => (long)_connection.Execute(sql, row, transaction));
            transaction.Commit();
            return written;
        }
    }

    public long CountFrames() => Scalar("SELECT COUNT(*) FROM sample_frames");

    public IReadOnlyList<(string Topic, string Reason)> Faults() => Query<(string, string)>("SELECT topic, reason FROM faults ORDER BY id");

    public string JournalMode()
    {
        lock (_gate)
        {
            return Engine == LogEngine.PostgreSql ? "postgresql" : _connection.ExecuteScalar<string>("PRAGMA journal_mode")!;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
        }
    }

    private static string UtcNow() => DateTime.UtcNow.ToString("O");

    private static DbParameter Parameter(DbCommand command, string name, DbType type)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        command.Parameters.Add(parameter);
        return parameter;
    }

    private List<T> Query<T>(string sql, object? parameters = null)
    {
        lock (_gate)
        {
            return _connection.Query<T>(sql, parameters).AsList();
        }
    }

    /// <summary>A query of a table a log from an earlier version may not have: nothing from such a log.</summary>
    private List<T> QueryIfKept<T>(string sql, object parameters)
    {
        try
        {
            return Query<T>(sql, parameters);
        }
        catch (DbException)
        {
            return [];
        }
    }

    private long Scalar(string sql)
    {
        lock (_gate)
        {
            return _connection.ExecuteScalar<long>(sql);
        }
    }

    private void Execute(string sql, object? parameters = null)
    {
        lock (_gate)
        {
            _connection.Execute(sql, parameters);
        }
    }
}
