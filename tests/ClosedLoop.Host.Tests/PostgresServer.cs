using Npgsql;

namespace ClosedLoop.Host.Tests;

/// <summary>
/// A PostgreSQL server of the tests' own, as a lab's would be: Debian's postgresql (installed by test.sh), initdb and
/// pg_ctl into a temporary folder (as the postgres user when the tests run as root: PostgreSQL refuses root), on a free
/// loopback port, with password (SCRAM) authentication over TCP. The password reaches closedloop as a lab gives it,
/// in PGPASSWORD. Each test takes a database of its own.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string User = "closedloop";
    public const string Password = "test-password-7";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"closedloop-pg-{Guid.NewGuid():N}");
    private string _bin = string.Empty;
    private int _databases;

    public int Port { get; private set; }

    public async Task InitializeAsync()
    {
        _bin = Directory.GetDirectories("/usr/lib/postgresql").OrderBy(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture)).Select(d => Path.Combine(d, "bin")).LastOrDefault(Directory.Exists)
            ?? throw new InvalidOperationException("PostgreSQL is not installed: test.sh installs Debian's postgresql");
        Directory.CreateDirectory(_folder);
        string data = Path.Combine(_folder, "data");
        string passwordFile = Path.Combine(_folder, "password");
        await File.WriteAllTextAsync(passwordFile, Password);
        if (Environment.UserName == "root")
        {
            Run("/usr/bin/chown", "-R", "postgres:postgres", _folder);
        }

        Run(Path.Combine(_bin, "initdb"), "-D", data, "-U", User, "--auth=scram-sha-256", $"--pwfile={passwordFile}", "-E", "UTF8", "--no-instructions");
        Port = EmbeddedBroker.FreePort();
        Run(Path.Combine(_bin, "pg_ctl"), "-D", data, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        Environment.SetEnvironmentVariable("PGPASSWORD", Password);
    }

    public Task DisposeAsync()
    {
        try
        {
            Run(Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop");
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }

        return Task.CompletedTask;
    }

    /// <summary>A new empty database, as a lab's administrator would create for closedloop; its postgresql:// address.</summary>
    public string NewDatabase()
    {
        string name = $"log{Interlocked.Increment(ref _databases)}";
        using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username={User};Password={Password};Database=postgres;Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE {name} OWNER {User}";
        command.ExecuteNonQuery();
        return Address(name);
    }

    public string Address(string database) => $"postgresql://{User}@127.0.0.1:{Port}/{database}";

    /// <summary>Runs SQL in a database as its owner (a lab's administrator), e.g. to give a second login rights.</summary>
    public void Execute(string address, string sql)
    {
        string database = address[(address.LastIndexOf('/') + 1)..];
        using var connection = new NpgsqlConnection($"Host=127.0.0.1;Port={Port};Username={User};Password={Password};Database={database};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    /// <summary>Another login for closedloop with the same password (PGPASSWORD), and the address of a database as it.</summary>
    public string AsUser(string address, string user)
    {
        Execute(address, $"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{user}') THEN CREATE ROLE {user} LOGIN PASSWORD '{Password}'; END IF; END $$");
        return address.Replace($"postgresql://{User}@", $"postgresql://{user}@", StringComparison.Ordinal);
    }

    private static void Run(string program, params string[] arguments)
    {
        bool asPostgres = Environment.UserName == "root" && !program.EndsWith("chown", StringComparison.Ordinal);
        var (code, output) = asPostgres
            ? ChildProcess.Run("/usr/sbin/runuser", ["-u", "postgres", "--", program, .. arguments])
            : ChildProcess.Run(program, arguments);
        if (code != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({code}): {output}");
        }
    }
}

[CollectionDefinition(nameof(PostgresServer))]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>;
