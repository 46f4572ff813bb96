namespace ClosedLoop.Host.Mqtt;

/// <summary>Where loggers speak for themselves on the broker, beside the rigs: the broker's users, the logger and the monitor all read it here.</summary>
public static class LoggerTopics
{
    /// <summary>The topic level under the prefix where loggers publish their own status (not a rig).</summary>
    public const string LoggersLevel = "_loggers";
}
