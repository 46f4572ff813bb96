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
        catch (InputException e)
        {
            error.WriteLine($"error: {e.Message}");
            return Usage;
        }
        catch (Exception e) when (e is BrokerLoginRefusedException or BrokerPublishRefusedException)
        {
            // The broker is there and answered: this login, or this user's message, is refused.
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
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            // A log file that is not a database, a folder, a read-only or full disk: said in one line, not a trace.
            error.WriteLine(e.SqliteErrorCode == Logging.EventStore.SqliteReadOnly
                ? $"error: {e.Message}"
                : $"error: the log file cannot be used: {e.Message}{(e.SqliteErrorCode == 26 ? " (not a closedloop log: give --db a new file or an existing log)" : string.Empty)}");
            return Usage;
        }
        catch (Npgsql.NpgsqlException e)
        {
            // The lab's PostgreSQL refused or failed a query (permissions, a database that is not a closedloop log).
            error.WriteLine($"error: the log database cannot be used: {e.Message}");
            return Usage;
        }
        catch (InvalidDataException e)
        {
            // A file of ours named on the command line that does not read as one (a users file that is not JSON, say).
            error.WriteLine($"error: {e.Message}");
            return Usage;
        }
        catch (UnauthorizedAccessException e)
        {
            error.WriteLine($"error: not allowed: {e.Message}");
            return ExitCodes.Refused;
        }
    }
}
