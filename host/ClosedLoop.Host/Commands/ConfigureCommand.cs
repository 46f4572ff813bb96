namespace ClosedLoop.Host.Commands;

/// <summary>
/// `configure RIG`: build a config from a file, or without one from the config the rig runs (its retained
/// config/applied), with --set values on top; validate it with the engine here, publish it as the rig's retained
/// desired config, and wait for the rig's acknowledgement (applied, or every reason why not).
/// </summary>
public static class ConfigureCommand
{
    public const int Rejected = ExitCodes.Refused;
    public const int NoAnswer = ExitCodes.NoAnswer;

    /// <summary>How long to wait for the rig's retained config (the broker sends it at once when it has one).</summary>
    private static readonly TimeSpan AppliedPatience = TimeSpan.FromSeconds(3);

    public static Command Create()
    {
        var rig = ControlCommands.RigArgument();
        var file = new Option<FileInfo?>("--file") { Description = "An nf.config file to start from (default: the config the rig runs, as it last published it)" };
        var sets = new Option<string[]>("--set") { Description = "A value to change, as section.key=value (repeatable)" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds to wait for the rig's answer", DefaultValueFactory = _ => 10 };
        var broker = new BrokerOptions();
        var command = new Command("configure", "Validate a config here, send it to a rig and show whether the rig applied it") { rig, file, sets, timeout };
        broker.AddTo(command);
        command.SetAction((parse, cancellationToken) => Guard.RunAsync(parse, () =>
            RunAsync(parse, broker, parse.GetValue(rig)!, parse.GetValue(file), parse.GetValue(sets) ?? [], TimeSpan.FromSeconds(parse.GetValue(timeout)), cancellationToken)));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, BrokerOptions broker, string rigId, FileInfo? file, string[] sets, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        await using var client = await BrokerClient.ConnectAsync(broker.Endpoint(parse), cancellationToken).ConfigureAwait(false);
        string? running = null;
        if (file is null)
        {
            // Every output and limit key must be stated, so defaults would never do: start where the rig is.
            byte[] applied = await client.WaitForAsync(client.TopicsOf(rigId).ConfigApplied, _ => true, AppliedPatience, null, cancellationToken).ConfigureAwait(false)
                ?? throw new CommandLineException($"{rigId} has published no config on the broker ({client.TopicsOf(rigId).ConfigApplied}): it has never connected, or the rig id or --prefix is wrong; give --file");
            running = System.Text.Encoding.UTF8.GetString(applied);
        }

        var input = ConfigInput.Load(file, sets, document => document.Set("rig", "id", rigId), forRig: true, baseText: running);
        var local = input.Result;
        if (!local.IsValid)
        {
            input.WriteErrors(error, "not sent");
            return Rejected;
        }

        if (running is not null)
        {
            output.WriteLine($"starting from the config {rigId} runs (as it published it on {client.TopicsOf(rigId).ConfigApplied})");
        }

        var answer = await ConfigSender.SendAsync(client, rigId, input, timeout, cancellationToken).ConfigureAwait(false);
        if (answer is null)
        {
            error.WriteLine($"no answer from {rigId} within {timeout.TotalSeconds:F0} s; the config stays on the broker (retained) for when it connects");
            return NoAnswer;
        }

        if (answer.Applied)
        {
            output.WriteLine($"{rigId} applied config {answer.Hash}");
            return answer.Hash == local.Config.Hash ? 0 : Rejected;
        }

        error.WriteLine($"{rigId} rejected the config and keeps {answer.Hash}:");
        foreach (string e in answer.Errors)
        {
            error.WriteLine($"  {e}");
        }

        return Rejected;
    }
}
