using System.CommandLine;
using System.Net;
using ClosedLoop.Host.Mqtt;

namespace ClosedLoop.Host.Commands;

/// <summary>`broker`: the embedded MQTTnet broker on its own.</summary>
public static class BrokerCommand
{
    public static Command Create()
    {
        var bind = new Option<string>("--bind") { Description = "Address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "TCP port", DefaultValueFactory = _ => 1883 };
        var user = new Option<string?>("--user") { Description = "Require this user name" };
        var password = new Option<string?>("--password") { Description = "Require this password (default: CLOSEDLOOP_MQTT_PASSWORD)" };
        var retained = new Option<FileInfo?>("--retained") { Description = "Keep retained messages (status, desired configs) in this file across restarts" };
        var command = new Command("broker", "Run the embedded MQTT broker") { bind, port, user, password, retained };
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

            await using var broker = await EmbeddedBroker.StartAsync(address, parse.GetValue(port), name, secret, parse.GetValue(retained)?.FullName).ConfigureAwait(false);
            parse.InvocationConfiguration.Output.WriteLine($"broker listening on {address}:{broker.Port}");
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
}
