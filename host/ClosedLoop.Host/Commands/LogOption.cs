namespace ClosedLoop.Host.Commands;

/// <summary>The <c>--db</c> option every command that reads or writes the log takes: a SQLite file or a postgresql:// address (<see cref="Logging.LogLocation"/>).</summary>
internal static class LogOption
{
    public const string Default = "closedloop.sqlite";

    public const string ReaderDescription = "The log: the logger's SQLite file, or its PostgreSQL database as postgresql://USER@HOST[:PORT]/DATABASE (password from PGPASSWORD or PGPASSFILE)";

    public static Option<string> Create(string description = ReaderDescription) => new("--db") { Description = description, DefaultValueFactory = _ => Default };
}
