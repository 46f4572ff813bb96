namespace ClosedLoop.Host.Logging;

/// <summary>Opens a log (a SQLite file or a PostgreSQL address, <see cref="LogLocation"/>) and chooses one boot of a rig (the latest unless asked), for export, report and replay (the command line's and the console's).</summary>
public static class LoggedSessionChoice
{
    /// <summary>The open store and the chosen boot; a missing file, an unknown rig or boot is a one-line usage error.</summary>
    public static (EventStore Store, long Boot) Open(string database, string rig, long? boot)
    {
        var location = LogLocation.Parse(database);
        EventStore store;
        try
        {
            // Export, report and replay only read: they never create, convert or rewrite the log.
            store = location.OpenReadOnly();
        }
        catch (System.Data.Common.DbException e)
        {
            throw new InputException($"{location.Name}: not a closedloop log ({e.Message})");
        }

        var boots = store.Boots(rig);
        long chosen = boot ?? (boots.Count > 0 ? boots[^1] : -1);
        if (!boots.Contains(chosen))
        {
            store.Dispose();
            throw new InputException(boots.Count == 0
                ? $"{location.Name} holds nothing from rig '{rig}'"
                : $"--boot {chosen}: rig '{rig}' logged boots {string.Join(", ", boots)}");
        }

        return (store, chosen);
    }
}
