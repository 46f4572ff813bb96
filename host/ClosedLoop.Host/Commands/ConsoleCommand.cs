using System.Net;
using ClosedLoop.Host.Mqtt;
using ClosedLoop.Host.WebConsole;

namespace ClosedLoop.Host.Commands;

/// <summary>`console`: the experimenters' web page of every rig, live.</summary>
public static class ConsoleCommand
{
    public static Command Create()
    {
        var bind = new Option<string>("--bind") { Description = "Address to serve on; beyond loopback only with --users", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "Port to serve on", DefaultValueFactory = _ => 8080 };
        var users = new Option<FileInfo?>("--users") { Description = "The lab's broker users file: operators may command, viewers only watch, and every request needs a login" };
        var database = new Option<string?>("--db") { Description = "The log (the logger's SQLite file, or postgresql://USER@HOST[:PORT]/DATABASE): the page then lists its sessions, with their reports and exports" };
        var presets = new Option<DirectoryInfo>("--presets") { Description = "Folder of named config presets", DefaultValueFactory = _ => new DirectoryInfo("console-presets") };
        var tlsCert = new Option<FileInfo?>("--tls-cert") { Description = "Serve HTTPS only, with this server certificate (PEM; its key in --tls-key)" };
        var tlsKey = new Option<FileInfo?>("--tls-key") { Description = "The private key (PEM) of --tls-cert" };
        var blind = new Option<bool>("--blind") { Description = "For a blinded study: show nothing that tells a rig's condition (modes, sham trains, configs, presets, logged sessions' reports, exports and replays)" };
        var broker = new BrokerOptions();
        var command = new Command("console", "Serve the experimenters' console: a web page with a live card for every rig on the broker") { bind, port, users, database, presets, tlsCert, tlsKey, blind };
        broker.AddTo(command);
        command.SetAction((parse, cancellationToken) => Guard.RunAsync(parse, async () =>
        {
            if (!IPAddress.TryParse(parse.GetValue(bind), out var address))
            {
                throw new CommandLineException($"--bind '{parse.GetValue(bind)}': expected an IP address such as 127.0.0.1");
            }

            BrokerUsers? logins = null;
            if (parse.GetValue(users) is FileInfo file)
            {
                logins = file.Exists ? BrokerUsers.Load(file.FullName) : throw new CommandLineException($"--users {file.FullName}: no such file");
            }

            if (!IPAddress.IsLoopback(address) && logins is null)
            {
                throw new CommandLineException($"--bind {address}: a console on the network needs logins: give it the lab's users file with --users (operators command, viewers watch)");
            }

            if (parse.GetValue(database) is string db && !Logging.LogLocation.IsPostgresAddress(db) && new FileInfo(db) is var log && !log.Exists)
            {
                throw new CommandLineException($"--db {log.FullName}: no such file (start `closedloop log --db` first, or leave --db out)");
            }

            using var certificate = ServerCertificate.Load(parse.GetValue(tlsCert), parse.GetValue(tlsKey));
            ConsoleServer server;
            try
            {
                var options = new ConsoleOptions { Bind = address, Port = parse.GetValue(port), Users = logins, UsersFile = parse.GetValue(users)?.FullName, LogPath = parse.GetValue(database) is string logPath ? (Logging.LogLocation.IsPostgresAddress(logPath) ? logPath : Path.GetFullPath(logPath)) : null, PresetsFolder = parse.GetValue(presets)!.FullName, Certificate = certificate, Blind = parse.GetValue(blind) };
                server = await ConsoleServer.StartAsync(broker.Endpoint(parse), options, cancellationToken).ConfigureAwait(false);
            }
            catch (ArgumentException e)
            {
                throw new CommandLineException(e.Message);
            }

            await using (server.ConfigureAwait(false))
            {
                parse.InvocationConfiguration.Output.WriteLine($"console at {server.Address}{(logins is null ? " (no logins: loopback only)" : " (logins from " + parse.GetValue(users)!.FullName + ")")}{(parse.GetValue(blind) ? " (blinded)" : string.Empty)} (Ctrl+C to stop)");
                if (!IPAddress.IsLoopback(address) && certificate is null)
                {
                    // Kestrel serves plain HTTP here: passwords cross the network readable unless a TLS proxy fronts it.
                    parse.InvocationConfiguration.Output.WriteLine("note: plain HTTP: give the console the lab's certificate (--tls-cert, --tls-key), or put it behind a TLS reverse proxy, so passwords do not cross the network readable");
                }

                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
