using System.Data.Common;
using Dapper;

namespace ClosedLoop.Host.Logging;

/// <summary>How much of one table a migration copied, and how much the target already held.</summary>
public sealed record TableCopy(string Table, long Copied, long AlreadyThere);

/// <summary>
/// Copies a lab's log from one store to another (a SQLite file into PostgreSQL, as `log migrate` does), every row as
/// it was received (its received_utc kept). Idempotent and resumable: rows are read in key order a page at a time,
/// each page written in one transaction, and a row the target already holds (by the table's key; a fault by its
/// time, topic and reason, having no key of its own) is left as it is, so a migration cut short is simply run again.
/// A rig's latest status is not replaced by an older one.
/// </summary>
public static class LogMigration
{
    public const int PageRows = 2000;

    private sealed record Table(string Name, string[] Columns, string[] Key);

    private static readonly Table[] Tables =
    [
        new("events", ["rig", "boot", "seq", "t_us", "kind", "json", "received_utc"], ["rig", "boot", "seq"]),
        new("sample_frames", ["rig", "boot", "first_cycle", "t_us", "frame", "number"], ["rig", "boot", "first_cycle"]),
        new("rig_status", ["rig", "json", "received_utc"], ["rig"]),
        new("sessions", ["rig", "boot", "rig_t_us", "utc", "subject", "experimenter", "note"], ["rig", "boot", "rig_t_us"]),
        new("yoke_origins", ["rig", "boot", "command_id", "offset_us", "partner_rig", "partner_boot", "partner_t_us", "utc"], ["rig", "boot", "command_id"]),
        new("console_audit", ["rig", "boot", "utc", "command", "command_id", "\"user\"", "address", "result", "account"], ["rig", "boot", "utc", "command"]),
        new("configs", ["hash", "rig", "text", "received_utc"], ["hash"]),
        new("faults", ["id", "received_utc", "topic", "reason", "payload"], ["id"]),
    ];

    /// <summary>Copies every table; <paramref name="progress"/> hears each page (table, rows so far).</summary>
    public static IReadOnlyList<TableCopy> Copy(EventStore from, EventStore to, Action<string, long>? progress = null) =>
        [.. Tables.Select(table => CopyTable(from, to, table, progress))];

    private static TableCopy CopyTable(EventStore from, EventStore to, Table table, Action<string, long>? progress)
    {
        // Faults carry a row id of their own store: copied without it, and known again by when, where and why.
        string[] written = table.Name == "faults" ? [.. table.Columns.Skip(1)] : table.Columns;
        string columns = string.Join(", ", written);
        string values = string.Join(", ", written.Select(c => "@" + c.Trim('"')));
        string insert = table.Name == "faults"
            ? $"INSERT INTO faults ({columns}) SELECT {values} WHERE NOT EXISTS (SELECT 1 FROM faults WHERE received_utc = @received_utc AND topic = @topic AND reason = @reason)"
            : $"INSERT INTO {table.Name} ({columns}) VALUES ({values}) ON CONFLICT DO NOTHING";
        string key = string.Join(", ", table.Key);
        string after = string.Join(", ", table.Key.Select(k => "@after_" + k));
        long copied = 0;
        long seen = 0;
        IDictionary<string, object>? last = null;
        while (true)
        {
            var page = from.ReadPage(
                $"SELECT {string.Join(", ", table.Columns)} FROM {table.Name}{(last is null ? string.Empty : $" WHERE ({key}) > ({after})")} ORDER BY {key} LIMIT {PageRows}",
                last is null ? null : new DynamicParameters(table.Key.ToDictionary(k => "after_" + k, k => last[k])));
            if (page.Count == 0)
            {
                break;
            }

            copied += to.WritePage(insert, page.Select(row => new DynamicParameters(row.Where(c => table.Name != "faults" || c.Key != "id").ToDictionary(c => c.Key, c => c.Value))));
            seen += page.Count;
            last = page[^1];
            progress?.Invoke(table.Name, seen);
        }

        return new TableCopy(table.Name, copied, seen - copied);
    }
}
