using System.Net;

namespace ClosedLoop.Host.Commands;

/// <summary>
/// `broker`: the embedded MQTTnet broker on its own; `broker user` adds a user with a role to a users file, and
/// `broker mosquitto` writes the same users and rights as Mosquitto's password and ACL files.
/// </summary>
public static class BrokerCommand
{
    public static Command Create()
    {
        var bind = new Option<string>("--bind") { Description = "Address to listen on (only that one)", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port", DefaultValueFactory = _ => 1883 };
        var user = new Option<string?>("--user") { Description = "Require this one shared user name (every client may do everything: prefer --users)" };
        var password = new Option<string?>("--password") { Description = "The shared user's password (default: CLOSEDLOOP_MQTT_PASSWORD)" };
        var users = UsersOption();
        var retained = new Option<FileInfo?>("--retained") { Description = "Keep retained messages (status, desired configs) in this file across restarts (written 0600)" };
        var tlsCert = new Option<FileInfo?>("--tls-cert") { Description = "Speak TLS only, with this server certificate (PEM; its key in --tls-key); clients connect with --tls --ca" };
        var tlsKey = new Option<FileInfo?>("--tls-key") { Description = "The private key (PEM) of --tls-cert" };
        var command = new Command("broker", "Run the embedded MQTT broker") { bind, port, user, password, users, retained, tlsCert, tlsKey };
        command.Subcommands.Add(UserCommand());
        command.Subcommands.Add(MosquittoCommand());
        command.SetAction((parse, cancellationToken) => Guard.RunAsync(parse, async () =>
        {
            if (!IPAddress.TryParse(parse.GetValue(bind), out var address))
            {
                throw new CommandLineException($"--bind '{parse.GetValue(bind)}': expected an IP address such as 127.0.0.1 or 0.0.0.0");
            }

            string? name = parse.GetValue(user);
            string? secret = parse.GetValue(password) ?? Environment.GetEnvironmentVariable("CLOSEDLOOP_MQTT_PASSWORD");
            if (name is not null && secret is null)
            {
                throw new CommandLineException("--user needs a password: --password or CLOSEDLOOP_MQTT_PASSWORD");
            }

            var usersFile = parse.GetValue(users);
            if (usersFile is not null && !usersFile.Exists)
            {
                throw new CommandLineException($"--users {usersFile.FullName}: no such file (create it with `closedloop broker user`)");
            }

            var roles = usersFile is null ? null : BrokerUsers.Load(usersFile.FullName);
            using var certificate = ServerCertificate.Load(parse.GetValue(tlsCert), parse.GetValue(tlsKey));
            await using var broker = await EmbeddedBroker.StartAsync(address, parse.GetValue(port), name, secret, parse.GetValue(retained)?.FullName, roles, certificate, usersFile?.FullName).ConfigureAwait(false);
            parse.InvocationConfiguration.Output.WriteLine($"broker listening on {address}:{broker.Port}{(certificate is null ? string.Empty : " (TLS)")}{(roles is null ? string.Empty : $", {roles.All.Count} users with roles")}");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            return 0;
        }));
        return command;
    }

    private static Option<FileInfo?> UsersOption() => new("--users")
    {
        Description = "Users file with roles (rig, logger, operator, viewer): each client may do only what its role allows",
    };

    private static Command UserCommand()
    {
        var name = new Argument<string>("name") { Description = "User name; for a rig, its rig id" };
        var role = new Option<BrokerRole>("--role") { Description = "rig (only its own topics), logger, operator (commands and configs) or viewer (read only)", Required = true };
        var users = new Option<FileInfo>("--users") { Description = "The users file (created if missing, written 0600)", Required = true };
        var passwordFile = new Option<FileInfo?>("--password-file") { Description = "Read the new password from this file's first line (default: CLOSEDLOOP_NEW_PASSWORD)" };
        var command = new Command("user", "Add a broker user with a role, or replace its password and role") { name, role, users, passwordFile };
        command.SetAction((parse, _) => Guard.RunAsync(parse, () =>
        {
            var file = parse.GetValue(passwordFile);
            string? password = file is null ? Environment.GetEnvironmentVariable("CLOSEDLOOP_NEW_PASSWORD")
                : file.Exists ? File.ReadLines(file.FullName).FirstOrDefault() : throw new CommandLineException($"--password-file {file.FullName}: no such file");
            if (string.IsNullOrEmpty(password))
            {
                throw new CommandLineException("no password: give --password-file or set CLOSEDLOOP_NEW_PASSWORD (never on the command line, where others can read it)");
            }

            string path = parse.GetValue(users)!.FullName;
            var all = BrokerUsers.Load(path);
            try
            {
                all.Set(parse.GetValue(name)!, parse.GetValue(role), password);
            }
            catch (ArgumentException e)
            {
                throw new CommandLineException(e.Message);
            }

            all.Save(path);
            parse.InvocationConfiguration.Output.WriteLine($"{parse.GetValue(name)} ({parse.GetValue(role).ToString().ToLowerInvariant()}) in {path}");
            return Task.FromResult(0);
        }));
        return command;
    }

    private static Command MosquittoCommand()
    {
        var users = new Option<FileInfo>("--users") { Description = "The users file", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the passwd and acl files", Required = true };
        var prefix = new Option<string>("--prefix") { Description = "Topic prefix", DefaultValueFactory = _ => "closedloop" };
        var group = new Option<string>("--group") { Description = "The group Mosquitto runs as, given read access to the files (Debian's service: mosquitto)", DefaultValueFactory = _ => "mosquitto" };
        var command = new Command("mosquitto", "Write Mosquitto's password_file and acl_file granting each user what the embedded broker grants it") { users, output, prefix, group };
        command.SetAction((parse, _) => Guard.RunAsync(parse, () =>
        {
            var file = parse.GetValue(users)!;
            if (!file.Exists)
            {
                throw new CommandLineException($"--users {file.FullName}: no such file");
            }

            var all = BrokerUsers.Load(file.FullName, parse.GetValue(prefix)!);
            var folder = parse.GetValue(output)!;
            folder.Create();
            string passwd = Path.Combine(folder.FullName, "passwd");
            string acl = Path.Combine(folder.FullName, "acl");
            PrivateFile.Write(passwd, all.MosquittoPasswordFile());
            PrivateFile.Write(acl, all.MosquittoAclFile());
            var print = parse.InvocationConfiguration.Output;
            print.WriteLine($"wrote {passwd} and {acl}");

            // Mosquitto run as a service reads these files as its own user, after dropping root: owner-only files
            // stop it with "Unable to open pwfile". Readable by its group, never by everyone (they hold hashes).
            string? shared = ServiceReadable.Grant(parse.GetValue(group)!, passwd, acl);
            print.WriteLine(shared is null
                ? $"readable by group {parse.GetValue(group)} (mode 640), which Mosquitto's service runs as"
                : $"note: {shared}; for Mosquitto run as a service: sudo chgrp {parse.GetValue(group)} {passwd} {acl} && sudo chmod 640 {passwd} {acl}");
            print.WriteLine(
                "in mosquitto.conf:\n" +
                $"  allow_anonymous false\n  password_file {passwd}\n  acl_file {acl}\n" +
                "  max_packet_size 65536\n  max_queued_messages 100000\n  max_inflight_messages 1000\n  max_connections 256\n" +
                $"(the folder {folder.FullName} must be one the service's user can enter)");
            return Task.FromResult(0);
        }));
        return command;
    }
}
