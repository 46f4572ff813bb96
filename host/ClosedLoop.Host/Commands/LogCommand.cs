using ClosedLoop.Host.Logging;

namespace ClosedLoop.Host.Commands;

/// <summary>`log`: the headless logger, as a service. SIGTERM or Ctrl+C stops it cleanly: what arrived is committed and acknowledged.</summary>
public static class LogCommand
{
    public static Command Create()
    {
        var database = LogOption.Create("The log: a SQLite file, or a PostgreSQL database as postgresql://USER@HOST[:PORT]/DATABASE (password from PGPASSWORD or PGPASSFILE)");
        var clientId = new Option<string>("--client-id") { Description = "Stable MQTT client id: the broker keeps this logger's session while it is away (default: one made from this machine and the --db path, the same at every restart)" };
        var noWal = new Option<bool>("--no-wal") { Description = "Use SQLite's rollback journal instead of WAL" };
        var group = new Option<string?>("--group") { Description = "Share the rigs' messages with the other loggers of this group (MQTT 5 shared subscription; Mosquitto 2, not the embedded broker), all writing one PostgreSQL --db; each logger its own --client-id" };
        var broker = new BrokerOptions();
        var command = new Command("log", "Log every event, status and sample frame from the broker into SQLite, losing nothing") { database, clientId, noWal, group };
        broker.AddTo(command);
        command.SetAction((parse, cancellationToken) => Guard.RunAsync(parse, async () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var endpoint = broker.Endpoint(parse);
            using var store = LogLocation.Parse(parse.GetValue(database)!).OpenForWriting(wal: !parse.GetValue(noWal));
            if (store.Migrations.Count > 0)
            {
                output.WriteLine($"brought {store.Path} to log schema version {LogSchema.Current} ({string.Join("; ", store.Migrations)})");
            }
            string? groupName = parse.GetValue(group);
            if (groupName is not null && (groupName.Length == 0 || groupName.IndexOfAny(['/', '+', '#']) >= 0))
            {
                throw new CommandLineException($"--group '{groupName}': expected a name without / + #");
            }

            if (groupName is not null && store.Engine == LogEngine.Sqlite)
            {
                throw new CommandLineException("--group: the loggers of a group write one database that all of them reach: give --db a postgresql:// address");
            }

            await using var logger = new EventLogger(endpoint, store, parse.GetValue(clientId) ?? EventLogger.DefaultClientId(store.Path) + (groupName is null ? string.Empty : $"-{groupName}"), group: groupName);
            var error = parse.InvocationConfiguration.Error;
            logger.Problem = problem => error.WriteLine($"{DateTime.UtcNow:O} {problem}");
            await logger.StartAsync(cancellationToken).ConfigureAwait(false);
            output.WriteLine($"logging {endpoint.TopicPrefix}/# from {endpoint.Host}:{endpoint.Port} into {store.Path}");
            var stopped = Task.Delay(Timeout.Infinite, cancellationToken);
            await Task.WhenAny(stopped, logger.Ended).ConfigureAwait(false);

            // SIGTERM, SIGINT, or a session taken over: the clean stop commits what arrived either way.
            await logger.StopAsync().ConfigureAwait(false);
            output.WriteLine($"stopped: {logger.Received} messages received, {logger.Stored} new events stored, {logger.Faults} faults");
            return logger.Ended.IsCompleted ? ExitCodes.Refused : ExitCodes.Ok;
        }));
        command.Subcommands.Add(Migrate());
        return command;
    }

    /// <summary>`log migrate --from FILE --to ADDRESS`: a lab's history into its new database, resumable and idempotent.</summary>
    private static Command Migrate()
    {
        var from = new Option<string>("--from") { Description = "The log to copy: the SQLite file the lab logged into so far", Required = true };
        var to = new Option<string>("--to") { Description = "The log to copy into: postgresql://USER@HOST[:PORT]/DATABASE (password from PGPASSWORD or PGPASSFILE), or another SQLite file", Required = true };
        var command = new Command("migrate", "Copy a log into another (a SQLite file into the lab's PostgreSQL): every row as received, nothing twice; run it again to resume") { from, to };
        command.SetAction((parse, _) => Guard.RunAsync(parse, () =>
        {
            var output = parse.InvocationConfiguration.Output;
            using var source = LogLocation.Parse(parse.GetValue(from)!).OpenReadOnly();
            using var target = LogLocation.Parse(parse.GetValue(to)!).OpenForWriting();
            output.WriteLine($"copying {source.Path} into {target.Path}");
            var copied = LogMigration.Copy(source, target);
            foreach (var table in copied)
            {
                output.WriteLine($"  {table.Table}: {table.Copied} copied, {table.AlreadyThere} already there");
            }

            output.WriteLine($"done: {copied.Sum(t => t.Copied)} rows copied; the target holds everything the source does");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }
}
