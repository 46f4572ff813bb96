using System.CommandLine;
using ClosedLoop.Engine.Wire;
using ClosedLoop.Host.Mqtt;

namespace ClosedLoop.Host.Commands;

/// <summary>`arm`, `disarm`, `estop`, `session RIG start|stop`, `encounter RIG start|stop`: one command message each.</summary>
public static class ControlCommands
{
    public static IEnumerable<Command> Create()
    {
        yield return Simple("arm", "Allow a rig to drive its outputs (clears an e-stop latch unless the button is held)", CommandKind.Arm);
        yield return Simple("disarm", "Force a rig's outputs low and stop it from driving them", CommandKind.Disarm);
        yield return Simple("estop", "Emergency stop: outputs low at once, latched until the rig is armed again", CommandKind.EStop);
        yield return Simple("selftest", "Measure a disarmed rig's real opto pulse timing through its loopback input (docs/flashing.md)", CommandKind.SelfTest);
        yield return StartStop("session", "Start or stop a session (per-session limits count from its start)", CommandKind.SessionStart, CommandKind.SessionStop);
        yield return StartStop("encounter", "Mark an encounter's start or stop, as a video tracker (Bonsai, DeepLabCut-Live) would", CommandKind.EncounterStart, CommandKind.EncounterStop);
    }

    private static Command Simple(string name, string description, CommandKind kind)
    {
        var rig = RigArgument();
        var broker = new BrokerOptions();
        var command = new Command(name, description) { rig };
        broker.AddTo(command);
        command.SetAction((parse, cancellationToken) => Guard.RunAsync(parse, () => SendAsync(parse, broker, parse.GetValue(rig)!, kind, cancellationToken)));
        return command;
    }

    private static Command StartStop(string name, string description, CommandKind start, CommandKind stop)
    {
        var rig = RigArgument();
        var what = new Argument<string>("action") { Description = "start or stop" };
        what.AcceptOnlyFromAmong("start", "stop");
        var broker = new BrokerOptions();
        var command = new Command(name, description) { rig, what };
        broker.AddTo(command);
        command.SetAction((parse, cancellationToken) => Guard.RunAsync(parse, () =>
            SendAsync(parse, broker, parse.GetValue(rig)!, parse.GetValue(what) == "start" ? start : stop, cancellationToken)));
        return command;
    }

    internal static Argument<string> RigArgument() => new("rig") { Description = "The rig's id (nf.config [rig] id)" };

    private static async Task<int> SendAsync(ParseResult parse, BrokerOptions broker, string rig, CommandKind kind, CancellationToken cancellationToken)
    {
        await using var client = await BrokerClient.ConnectAsync(broker.Endpoint(parse), cancellationToken).ConfigureAwait(false);
        await client.SendCommandAsync(rig, kind, 0, cancellationToken).ConfigureAwait(false);
        parse.InvocationConfiguration.Output.WriteLine($"{CommandJson.Names[(int)kind]} sent to {rig}");
        return 0;
    }
}
