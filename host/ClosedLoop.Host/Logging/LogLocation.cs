using Npgsql;

namespace ClosedLoop.Host.Logging;

/// <summary>
/// Where a log is, as <c>--db</c> takes it: a SQLite file's path, or a PostgreSQL database as
/// <c>postgresql://USER@HOST[:PORT]/DATABASE[?sslmode=require]</c>. A PostgreSQL password never comes on the command
/// line (the process list shows it to every user of the machine): Npgsql takes it from <c>PGPASSWORD</c> or the
/// password file <c>PGPASSFILE</c> (default <c>~/.pgpass</c>), as psql does.
/// </summary>
public sealed class LogLocation
{
    private LogLocation(string text, NpgsqlConnectionStringBuilder? postgres)
    {
        Text = text;
        Postgres = postgres;
    }

    /// <summary>As given.</summary>
    public string Text { get; }

    /// <summary>The PostgreSQL connection, or null for a SQLite file.</summary>
    public NpgsqlConnectionStringBuilder? Postgres { get; }

    public LogEngine Engine => Postgres is null ? LogEngine.Sqlite : LogEngine.PostgreSql;

    /// <summary>How messages name the log: the file's full path, or the address without anything secret.</summary>
    public string Name => Postgres is null ? System.IO.Path.GetFullPath(Text) : $"postgresql://{Postgres.Username}@{Postgres.Host}:{Postgres.Port}/{Postgres.Database}";

    public static bool IsPostgresAddress(string text) =>
        text.StartsWith("postgresql://", StringComparison.Ordinal) || text.StartsWith("postgres://", StringComparison.Ordinal);

    /// <summary>Reads a --db value; a malformed address is an error naming what is wrong.</summary>
    public static LogLocation Parse(string text)
    {
        if (!IsPostgresAddress(text))
        {
            return new LogLocation(text, null);
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            throw new InputException($"--db '{text}': expected postgresql://USER@HOST[:PORT]/DATABASE");
        }

        string[] user = Uri.UnescapeDataString(uri.UserInfo).Split(':', 2);
        if (user.Length > 1)
        {
            throw new InputException("--db: a password in the address would show in the process list to every user of this machine; give it in PGPASSWORD or a password file (PGPASSFILE, default ~/.pgpass)");
        }

        string database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (user[0].Length == 0 || database.Length == 0)
        {
            throw new InputException($"--db '{text}': expected postgresql://USER@HOST[:PORT]/DATABASE (the user and the database are needed)");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Username = user[0],
            Database = database,
            Pooling = false,
            ApplicationName = "closedloop",
        };
        foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            if (kv[0] == "sslmode" && kv.Length == 2 && Enum.TryParse<SslMode>(kv[1].Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var mode))
            {
                builder.SslMode = mode;
            }
            else
            {
                throw new InputException($"--db '{text}': '{pair}' is not an option this program takes (sslmode=disable|prefer|require|verify-ca|verify-full)");
            }
        }

        return new LogLocation(text, builder);
    }

    /// <summary>Opens the log to write into (a file or tables are created, an older log brought up to date).</summary>
    public EventStore OpenForWriting(bool wal = true) => Postgres is null ? new EventStore(Text, wal) : EventStore.OpenPostgres(this, readOnly: false);

    /// <summary>Opens the log to read only; a missing file is an error, as is anything that is not a closedloop log.</summary>
    public EventStore OpenReadOnly()
    {
        if (Postgres is not null)
        {
            return EventStore.OpenPostgres(this, readOnly: true);
        }

        InputFile.Require(new FileInfo(Text), "a closedloop log (SQLite)");
        return EventStore.OpenReadOnly(Text);
    }
}
