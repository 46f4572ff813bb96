using System.Security.Claims;
using ClosedLoop.Host.Mqtt;

namespace ClosedLoop.Host.WebConsole;

/// <summary>
/// The console's logins: the lab's broker users, read again from their file whenever it changes, so that a user
/// removed or given another role loses her login at her next request rather than when the cookie expires.
/// Operators and viewers may log in; rig and logger accounts may not.
/// </summary>
public sealed class LabLogins(BrokerUsers users, string? file)
{
    private readonly LiveUsers _live = new(users, file);

    /// <summary>Whether anyone could log in.</summary>
    public bool AnyoneMayLogIn => Current().All.Any(MayLogIn);

    /// <summary>The user when the name and password are right and the role may log in; null otherwise.</summary>
    public BrokerUser? Authenticate(string? name, string? password) => Current().Authenticate(name, password) is { } user && MayLogIn(user) ? user : null;

    /// <summary>Whether a login still names a user of the file with the role it logged in with.</summary>
    public bool StillValid(ClaimsPrincipal? login)
    {
        var user = Current().Find(login?.Identity?.Name);
        return user is not null && MayLogIn(user) && login!.IsInRole(user.Role.ToString());
    }

    private static bool MayLogIn(BrokerUser user) => user.Role is BrokerRole.Operator or BrokerRole.Viewer;

    private BrokerUsers Current() => _live.Current();
}
