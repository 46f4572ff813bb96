using System.Net;
using ClosedLoop.Host.WebConsole;

namespace ClosedLoop.Host.Commands;

/// <summary>`console`: the experimenters' web page of every rig, live.</summary>
public static class ConsoleCommand
{
    public static Command Create()
    {
        var bind = new Option<string>("--bind") { Description = "Address to serve on (loopback only in this version)", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "Port to serve on", DefaultValueFactory = _ => 8080 };
        var broker = new BrokerOptions();
        var command = new Command("console", "Serve the experimenters' console: a web page with a live card for every rig on the broker") { bind, port };
        broker.AddTo(command);
        command.SetAction((parse, cancellationToken) => Guard.RunAsync(parse, async () =>
        {
            if (!IPAddress.TryParse(parse.GetValue(bind), out var address))
            {
                throw new CommandLineException($"--bind '{parse.GetValue(bind)}': expected an IP address such as 127.0.0.1");
            }

            if (!IPAddress.IsLoopback(address))
            {
                throw new CommandLineException($"--bind {address}: the console serves loopback only until it has logins; open it on the lab network through an SSH tunnel meanwhile");
            }

            await using var server = await ConsoleServer.StartAsync(broker.Endpoint(parse), address, parse.GetValue(port), cancellationToken).ConfigureAwait(false);
            parse.InvocationConfiguration.Output.WriteLine($"console at {server.Address} (Ctrl+C to stop)");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
