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
    private readonly SqliteConnection _connection;

    // One connection, used by the logger's writer and by whoever reads or caps the log meanwhile (a test, a
    // monitor): SqliteConnection is not thread-safe, so every use takes this lock.
    private readonly Lock _gate = new();

    /// <summary>Opens a log for reading only: nothing in the file is created or changed; not a closedloop log is an error.</summary>
    public static EventStore OpenReadOnly(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        var store = new EventStore(path, connection);
        try
        {
            store.Scalar("SELECT COUNT(*) FROM events WHERE 0");
            store.Scalar("SELECT COUNT(*) FROM sample_frames WHERE 0");
        }
        catch (SqliteException)
        {
            store.Dispose();
            throw;
        }

        return store;
    }

    private EventStore(string path, SqliteConnection connection)
    {
        Path = path;
        _connection = connection;
    }

    public EventStore(string path, bool wal = true)
    {
        Path = path;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute(wal ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;" : "PRAGMA journal_mode=DELETE; PRAGMA synchronous=FULL;");
        Execute("""
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
            """);
        if (Scalar("SELECT COUNT(*) FROM pragma_table_info('sample_frames') WHERE name = 'number'") == 0)
        {
            // Logs written before frames were numbered gain the column; their frames keep number 0.
            Execute("ALTER TABLE sample_frames ADD COLUMN number INTEGER NOT NULL DEFAULT 0");
        }
    }

    public string Path { get; }

    /// <summary>
    /// Caps the file at about <paramref name="maxBytes"/> (never below its present size): a write past it fails as
    /// on a full disk. For a lab that bounds the log's disk use, and for tests of what a full disk does.
    /// </summary>
    public void LimitSize(long maxBytes)
    {
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
        lock (_gate)
        {
            var conflicts = new List<(string Topic, string Reason, byte[] Payload)>();
            using var transaction = _connection.BeginTransaction();
            int added = 0;
            if (events.Count > 0)
            {
                using var insert = _connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT OR IGNORE INTO events (rig, boot, seq, t_us, kind, json, received_utc) VALUES ($rig, $boot, $seq, $t, $kind, $json, $now)";
                var rig = insert.Parameters.Add("$rig", SqliteType.Text);
                var boot = insert.Parameters.Add("$boot", SqliteType.Integer);
                var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
                var time = insert.Parameters.Add("$t", SqliteType.Integer);
                var kind = insert.Parameters.Add("$kind", SqliteType.Text);
                var json = insert.Parameters.Add("$json", SqliteType.Text);
                insert.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("O"));
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
                    if (inserted == 0 && StoredText("SELECT json FROM events WHERE rig = $rig AND boot = $boot AND seq = $seq", transaction, e.Rig, e.Boot, e.Sequence) is string held && held != e.Json)
                    {
                        conflicts.Add(($"{e.Rig}/events", $"conflict: rig {e.Rig} boot {e.Boot} seq {e.Sequence} is already stored with another payload; the first is kept", Encoding.UTF8.GetBytes(e.Json)));
                    }
                }
            }

            foreach (var frame in frames ?? [])
            {
                using var insert = _connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT OR IGNORE INTO sample_frames (rig, boot, first_cycle, t_us, frame, number) VALUES ($rig, $boot, $first, $t, $frame, $number)";
                insert.Parameters.AddWithValue("$number", frame.Number);
                insert.Parameters.AddWithValue("$rig", frame.Rig);
                insert.Parameters.AddWithValue("$boot", frame.Boot);
                insert.Parameters.AddWithValue("$first", frame.FirstCycle);
                insert.Parameters.AddWithValue("$t", frame.TimeUs);
                insert.Parameters.AddWithValue("$frame", frame.Frame);
                if (insert.ExecuteNonQuery() == 0)
                {
                    using var held = _connection.CreateCommand();
                    held.Transaction = transaction;
                    held.CommandText = "SELECT frame FROM sample_frames WHERE rig = $rig AND boot = $boot AND first_cycle = $first";
                    held.Parameters.AddWithValue("$rig", frame.Rig);
                    held.Parameters.AddWithValue("$boot", frame.Boot);
                    held.Parameters.AddWithValue("$first", frame.FirstCycle);
                    if (held.ExecuteScalar() is byte[] first && !first.AsSpan().SequenceEqual(frame.Frame))
                    {
                        conflicts.Add(($"{frame.Rig}/samples", $"conflict: rig {frame.Rig} boot {frame.Boot} frame at cycle {frame.FirstCycle} is already stored with other samples; the first is kept", frame.Frame));
                    }
                }
            }

            foreach (var (topic, reason, payload) in faults.Concat(conflicts))
            {
                using var fault = _connection.CreateCommand();
                fault.Transaction = transaction;
                fault.CommandText = "INSERT INTO faults (received_utc, topic, reason, payload) VALUES ($now, $topic, $reason, $payload)";
                fault.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("O"));
                fault.Parameters.AddWithValue("$topic", topic);
                fault.Parameters.AddWithValue("$reason", reason);
                fault.Parameters.AddWithValue("$payload", payload.Length > FaultPayloadBytes ? payload[..FaultPayloadBytes] : payload);
                fault.ExecuteNonQuery();
            }

            transaction.Commit();
            return added;
        }
    }

    private string? StoredText(string sql, SqliteTransaction transaction, string rig, long boot, long sequence)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.Parameters.AddWithValue("$rig", rig);
        command.Parameters.AddWithValue("$boot", boot);
        command.Parameters.AddWithValue("$seq", sequence);
        return command.ExecuteScalar() as string;
    }

    /// <summary>Keeps who and what a session was about (from `session start --subject`), once per start.</summary>
    public void StoreSession(SessionRecord session)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "INSERT OR IGNORE INTO sessions (rig, boot, rig_t_us, utc, subject, experimenter, note) VALUES ($rig, $boot, $t, $utc, $subject, $experimenter, $note)";
            command.Parameters.AddWithValue("$rig", session.Rig);
            command.Parameters.AddWithValue("$boot", session.Boot);
            command.Parameters.AddWithValue("$t", session.RigTimeUs);
            command.Parameters.AddWithValue("$utc", session.Utc);
            command.Parameters.AddWithValue("$subject", session.Subject);
            command.Parameters.AddWithValue("$experimenter", (object?)session.Experimenter ?? DBNull.Value);
            command.Parameters.AddWithValue("$note", (object?)session.Note ?? DBNull.Value);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>The sessions logged for a rig's boot, in the order they started (none for a log from before sessions were kept).</summary>
    public IReadOnlyList<SessionRecord> Sessions(string rig, long boot)
    {
        lock (_gate)
        {
            var sessions = new List<SessionRecord>();
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT rig_t_us, utc, subject, experimenter, note FROM sessions WHERE rig = $rig AND boot = $boot ORDER BY rig_t_us";
            command.Parameters.AddWithValue("$rig", rig);
            command.Parameters.AddWithValue("$boot", boot);
            try
            {
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    sessions.Add(new SessionRecord(rig, boot, reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                        reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
                }
            }
            catch (SqliteException)
            {
                // A log from before sessions were kept.
            }

            return sessions;
        }
    }

    public void StoreYokeOrigin(YokeOrigin source)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "INSERT OR IGNORE INTO yoke_origins (rig, boot, command_id, offset_us, partner_rig, partner_boot, partner_t_us, utc) VALUES ($rig, $boot, $id, $offset, $prig, $pboot, $pt, $utc)";
            command.Parameters.AddWithValue("$rig", source.Rig);
            command.Parameters.AddWithValue("$boot", source.Boot);
            command.Parameters.AddWithValue("$id", source.CommandId);
            command.Parameters.AddWithValue("$offset", source.OffsetUs);
            command.Parameters.AddWithValue("$prig", source.PartnerRig);
            command.Parameters.AddWithValue("$pboot", source.PartnerBoot);
            command.Parameters.AddWithValue("$pt", source.PartnerTimeUs);
            command.Parameters.AddWithValue("$utc", source.Utc);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>The relayed triggers a yoked rig's boot took, by offset.</summary>
    public IReadOnlyList<YokeOrigin> YokeOrigins(string rig, long boot)
    {
        lock (_gate)
        {
            var list = new List<YokeOrigin>();
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT command_id, offset_us, partner_rig, partner_boot, partner_t_us, utc FROM yoke_origins WHERE rig = $rig AND boot = $boot ORDER BY offset_us";
            command.Parameters.AddWithValue("$rig", rig);
            command.Parameters.AddWithValue("$boot", boot);
            try
            {
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    list.Add(new YokeOrigin(rig, boot, reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetString(5)));
                }
            }
            catch (SqliteException)
            {
                // A log from before yoke sources were kept.
            }

            return list;
        }
    }

    /// <summary>Keeps one console command's record (a repeat of the same message is ignored).</summary>
    public void StoreAudit(CommandAudit audit)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "INSERT OR IGNORE INTO console_audit (rig, boot, utc, command, command_id, user, address, result) VALUES ($rig, $boot, $utc, $command, $id, $user, $address, $result)";
            command.Parameters.AddWithValue("$rig", audit.Rig);
            command.Parameters.AddWithValue("$boot", audit.Boot);
            command.Parameters.AddWithValue("$utc", audit.Utc);
            command.Parameters.AddWithValue("$command", audit.Command);
            command.Parameters.AddWithValue("$id", audit.CommandId);
            command.Parameters.AddWithValue("$user", audit.User);
            command.Parameters.AddWithValue("$address", audit.Address);
            command.Parameters.AddWithValue("$result", audit.Result);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>The commands sent from the console to a rig's boot, oldest first.</summary>
    public IReadOnlyList<CommandAudit> Audits(string rig, long boot)
    {
        lock (_gate)
        {
            var list = new List<CommandAudit>();
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT command_id, command, user, address, result, utc FROM console_audit WHERE rig = $rig AND boot = $boot ORDER BY utc";
            command.Parameters.AddWithValue("$rig", rig);
            command.Parameters.AddWithValue("$boot", boot);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                list.Add(new CommandAudit(rig, boot, reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5)));
            }

            return list;
        }
    }

    /// <summary>Keeps a rig's applied config (whole, without secrets) once per hash.</summary>
    public void StoreConfig(string rig, string hash, string text)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "INSERT OR IGNORE INTO configs (hash, rig, text, received_utc) VALUES ($hash, $rig, $text, $now)";
            command.Parameters.AddWithValue("$hash", hash);
            command.Parameters.AddWithValue("$rig", rig);
            command.Parameters.AddWithValue("$text", text);
            command.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("O"));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>The config text logged for <paramref name="hash"/>, or null (not logged, or a log from before configs were kept).</summary>
    public string? ConfigText(string hash)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT text FROM configs WHERE hash = $hash";
            command.Parameters.AddWithValue("$hash", hash);
            try
            {
                return command.ExecuteScalar() as string;
            }
            catch (SqliteException)
            {
                return null;
            }
        }
    }

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

    public void StoreStatus(string rig, string json)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "INSERT INTO rig_status (rig, json, received_utc) VALUES ($rig, $json, $now) ON CONFLICT(rig) DO UPDATE SET json = excluded.json, received_utc = excluded.received_utc";
            command.Parameters.AddWithValue("$rig", rig);
            command.Parameters.AddWithValue("$json", json);
            command.Parameters.AddWithValue("$now", DateTime.UtcNow.ToString("O"));
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Every stored sequence of one rig and boot, ascending.</summary>
    public IReadOnlyList<long> Sequences(string rig, long boot)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT seq FROM events WHERE rig = $rig AND boot = $boot ORDER BY seq";
            command.Parameters.AddWithValue("$rig", rig);
            command.Parameters.AddWithValue("$boot", boot);
            var list = new List<long>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                list.Add(reader.GetInt64(0));
            }

            return list;
        }
    }

    /// <summary>For each (rig, boot): the highest sequence below which nothing is missing.</summary>
    /// <summary>Per rig and boot, the highest frame number below which every numbered frame is stored.</summary>
    public IReadOnlyDictionary<(string Rig, long Boot), long> ContiguousFrameHighs()
    {
        lock (_gate)
        {
            var result = new Dictionary<(string, long), long>();
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT rig, boot, number FROM sample_frames WHERE number > 0 ORDER BY rig, boot, number";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var key = (reader.GetString(0), reader.GetInt64(1));
                long high = result.GetValueOrDefault(key);
                if (reader.GetInt64(2) == high + 1)
                {
                    result[key] = high + 1;
                }
                else if (!result.ContainsKey(key))
                {
                    result[key] = 0;
                }
            }

            return result;
        }
    }

    /// <summary>Per rig and boot: the frame numbers missing below the highest stored one, as (first, last) runs.</summary>
    public IReadOnlyList<(long First, long Last)> MissingFrames(string rig, long boot)
    {
        lock (_gate)
        {
            var missing = new List<(long, long)>();
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT number FROM sample_frames WHERE rig = $rig AND boot = $boot AND number > 0 ORDER BY number";
            command.Parameters.AddWithValue("$rig", rig);
            command.Parameters.AddWithValue("$boot", boot);
            using var reader = command.ExecuteReader();
            long expected = 1;
            while (reader.Read())
            {
                long number = reader.GetInt64(0);
                if (number > expected)
                {
                    missing.Add((expected, number - 1));
                }

                expected = Math.Max(expected, number + 1);
            }

            return missing;
        }
    }

    public IReadOnlyDictionary<(string Rig, long Boot), long> ContiguousHighs()
    {
        lock (_gate)
        {
            var result = new Dictionary<(string, long), long>();
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT DISTINCT rig, boot FROM events";
            var keys = new List<(string, long)>();
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    keys.Add((reader.GetString(0), reader.GetInt64(1)));
                }
            }

            foreach (var (rig, boot) in keys)
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
    }

    public long CountEvents() => Scalar("SELECT COUNT(*) FROM events");

    /// <summary>Every rig that logged an event, by name.</summary>
    public IReadOnlyList<string> Rigs()
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT DISTINCT rig FROM events ORDER BY rig";
            var list = new List<string>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                list.Add(reader.GetString(0));
            }

            return list;
        }
    }

    /// <summary>The boots of a rig that logged anything, ascending.</summary>
    public IReadOnlyList<long> Boots(string rig)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT boot FROM events WHERE rig = $rig UNION SELECT boot FROM sample_frames WHERE rig = $rig ORDER BY 1";
            command.Parameters.AddWithValue("$rig", rig);
            var list = new List<long>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                list.Add(reader.GetInt64(0));
            }

            return list;
        }
    }

    /// <summary>Every event of one boot of a rig: (sequence, device µs, kind, JSON as received), in sequence order.</summary>
    public IReadOnlyList<(long Sequence, long TimeUs, string Kind, string Json)> Events(string rig, long boot)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT seq, t_us, kind, json FROM events WHERE rig = $rig AND boot = $boot ORDER BY seq";
            command.Parameters.AddWithValue("$rig", rig);
            command.Parameters.AddWithValue("$boot", boot);
            var list = new List<(long, long, string, string)>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                list.Add((reader.GetInt64(0), reader.GetInt64(1), reader.GetString(2), reader.GetString(3)));
            }

            return list;
        }
    }

    /// <summary>When the logger received the boot's first event, and that event's device µs (null when the boot logged no event).</summary>
    public (DateTimeOffset ReceivedUtc, long TimeUs)? FirstEventReceived(string rig, long boot)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT received_utc, t_us FROM events WHERE rig = $rig AND boot = $boot ORDER BY seq LIMIT 1";
            command.Parameters.AddWithValue("$rig", rig);
            command.Parameters.AddWithValue("$boot", boot);
            using var reader = command.ExecuteReader();
            return reader.Read()
                ? (DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal), reader.GetInt64(1))
                : null;
        }
    }

    /// <summary>Every sample frame of one boot of a rig, in cycle order.</summary>
    public IReadOnlyList<byte[]> Frames(string rig, long boot)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT frame FROM sample_frames WHERE rig = $rig AND boot = $boot ORDER BY first_cycle";
            command.Parameters.AddWithValue("$rig", rig);
            command.Parameters.AddWithValue("$boot", boot);
            var list = new List<byte[]>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                list.Add((byte[])reader.GetValue(0));
            }

            return list;
        }
    }

    /// <summary>The stored JSON of every event of a rig, in (boot, sequence) order.</summary>
    public IReadOnlyList<string> EventJson(string rig)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT json FROM events WHERE rig = $rig ORDER BY boot, seq";
            command.Parameters.AddWithValue("$rig", rig);
            var list = new List<string>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                list.Add(reader.GetString(0));
            }

            return list;
        }
    }

    public long CountFaults() => Scalar("SELECT COUNT(*) FROM faults");

    public long CountFrames() => Scalar("SELECT COUNT(*) FROM sample_frames");

    public IReadOnlyList<(string Topic, string Reason)> Faults()
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT topic, reason FROM faults ORDER BY id";
            var list = new List<(string, string)>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                list.Add((reader.GetString(0), reader.GetString(1)));
            }

            return list;
        }
    }

    public string JournalMode()
    {
        lock (_gate)
        {
            return (string)new SqliteCommand("PRAGMA journal_mode", _connection).ExecuteScalar()!;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _connection.Dispose();
        }
    }

    private long Scalar(string sql)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            return (long)command.ExecuteScalar()!;
        }
    }

    private void Execute(string sql)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            command.ExecuteNonQuery();
        }
    }
}
