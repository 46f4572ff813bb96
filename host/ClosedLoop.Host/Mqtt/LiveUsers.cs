namespace ClosedLoop.Host.Mqtt;

/// <summary>
/// The lab's users file as it is now: read again whenever it changes, so that a removed user, a changed role or a
/// changed password counts at the next connection or request, not at the next restart. A file caught half written
/// is not taken: the users read before stand until it parses.
/// </summary>
public sealed class LiveUsers(BrokerUsers users, string? file)
{
    private readonly Lock _gate = new();
    private readonly string _prefix = users.Prefix;
    private BrokerUsers _users = users;
    private DateTime _read = file is not null && File.Exists(file) ? File.GetLastWriteTimeUtc(file) : DateTime.MinValue;

    public BrokerUsers Current()
    {
        if (file is null)
        {
            return _users;
        }

        lock (_gate)
        {
            DateTime written = File.Exists(file) ? File.GetLastWriteTimeUtc(file) : DateTime.MaxValue;
            if (written != _read)
            {
                try
                {
                    _users = File.Exists(file) ? BrokerUsers.Load(file, _prefix) : new BrokerUsers(_prefix);
                    _read = written;
                }
                catch (Exception e) when (e is IOException or InvalidDataException)
                {
                }
            }

            return _users;
        }
    }
}
