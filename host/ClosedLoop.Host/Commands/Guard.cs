namespace ClosedLoop.Host.Commands;

/// <summary>Runs a command's work and turns the failures people meet into one line and an exit code.</summary>
public static class Guard
{
    public const int Usage = ExitCodes.Usage;
    public const int Unreachable = ExitCodes.Unreachable;

    /// <summary>The broker answered but refused the user or password.</summary>
    public const int NotAuthorized = ExitCodes.NotAuthorized;

    public static async Task<int> RunAsync(ParseResult parse, Func<Task<int>> work)
    {
        var error = parse.InvocationConfiguration.Error;
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (CommandLineException e)
        {
            error.WriteLine($"error: {e.Message}");
            return Usage;
        }
        catch (BrokerLoginRefusedException e)
        {
            error.WriteLine($"error: not authorized: {e.Message}");
            return NotAuthorized;
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException e) when (BrokerClient.IsLoginRefusal(e.Message))
        {
            // The logger and virtual rigs connect with their own clients: the same refusal, the same answer.
            error.WriteLine($"error: not authorized: the broker refused the login: {e.Message}");
            return NotAuthorized;
        }
        catch (RigUnavailableException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ControlCommands.NoAnswer;
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Adapter.MqttConnectingFailedException or System.Net.Sockets.SocketException)
        {
            error.WriteLine($"error: cannot reach the broker: {e.Message}");
            return Unreachable;
        }
    }
}
