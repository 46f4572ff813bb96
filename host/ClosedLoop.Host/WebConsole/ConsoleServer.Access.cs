using System.Net;
using System.Security.Claims;
using ClosedLoop.Host.Logging;
using ClosedLoop.Host.Mqtt;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;

namespace ClosedLoop.Host.WebConsole;

/// <summary>Who may use the console: logins, the caller of a request, its command token, and the audit of what it sent.</summary>
public sealed partial class ConsoleServer
{
    private static string NewToken() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>Who is asking: the login, or (a console without logins, on loopback) the account running the console.</summary>
    /// <param name="Sender">The sender the rig journals: a login's name when it is a valid sender name, else "console".</param>
    private sealed record Caller(string User, string Sender, bool MayCommand, string Token, string Address);

    private Caller CallerOf(HttpContext context)
    {
        string address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (_users is null)
        {
            // Anyone on this machine can open a console without logins: the account running it is all that is known.
            return new Caller($"{Environment.UserName} (console without logins)", "console", MayCommand: true, _token, address);
        }

        var user = context.User;
        string name = user.Identity?.Name ?? "unknown";
        return new Caller(
            name,
            ClosedLoop.Engine.Wire.SenderName.Pack(name) >= 0 ? name : "console",
            user.IsInRole(nameof(BrokerRole.Operator)),
            user.FindFirst(TokenClaim)?.Value ?? NewToken(),
            address);
    }

    private IResult ConsolePage(HttpContext context)
    {
        var caller = CallerOf(context);
        string who = _users is null ? string.Empty : $"{caller.User} ({(caller.MayCommand ? "operator" : "viewer: you can watch, not command")})";
        return Results.Text(
            Resource("index.html")
                .Replace("{{token}}", caller.Token, StringComparison.Ordinal)
                .Replace("{{role}}", caller.MayCommand ? "operator" : "viewer", StringComparison.Ordinal)
                .Replace("{{blind}}", _blind ? "true" : "false", StringComparison.Ordinal)
                .Replace("{{who}}", WebUtility.HtmlEncode(who), StringComparison.Ordinal)
                .Replace("{{notice}}", WebUtility.HtmlEncode(_notice ?? string.Empty), StringComparison.Ordinal),
            "text/html; charset=utf-8");
    }

    private static IResult LoginPage(string? problem) => Results.Text(
        Resource("login.html").Replace("{{problem}}", problem is null ? string.Empty : WebUtility.HtmlEncode(problem), StringComparison.Ordinal),
        "text/html; charset=utf-8");

    /// <summary>
    /// Checks a name and password against the lab's users file: operators and viewers get a login cookie holding
    /// their name, role and a command token of their own; anyone else gets the form again.
    /// </summary>
    private async Task<IResult> LoginAsync(HttpContext context)
    {
        if (_users is null)
        {
            return Results.Redirect("/");
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var user = _users.Authenticate(form["name"].ToString(), form["password"].ToString());
        if (user is null)
        {
            return Results.Redirect("/login?failed");
        }

        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, user.Name), new Claim(ClaimTypes.Role, user.Role.ToString()), new Claim(TokenClaim, NewToken())],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity)).ConfigureAwait(false);
        return Results.Redirect("/");
    }

    private async Task<IResult> LogoutAsync(HttpContext context)
    {
        if (_users is not null)
        {
            // A cookie carries its login whole: forgetting it in this browser is not enough, as a copy of it would
            // still work. The login's token is refused from now on, whoever presents it.
            if (context.User.FindFirst(TokenClaim)?.Value is string token)
            {
                _loggedOut.TryAdd(token, 0);
            }

            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme).ConfigureAwait(false);
        }

        return Results.Redirect(_users is null ? "/" : "/login");
    }

    /// <summary>A refusal for a request that does not carry the token of the caller's own page, or null.</summary>
    private static IResult? ForeignPageRefusal(HttpContext context, Caller caller) =>
        context.Request.Headers.TryGetValue(TokenHeader, out var token) && token.ToString() == caller.Token
            ? null
            : Results.Json(new { error = "this request did not come from the console's own page" }, Json, statusCode: StatusCodes.Status403Forbidden);

    /// <summary>Why this caller may not send a command, as the answer to give, or null when it may.</summary>
    private static IResult? Refusal(HttpContext context, Caller caller) =>
        ForeignPageRefusal(context, caller) ?? (caller.MayCommand
            ? null
            : Results.Json(new { error = $"{caller.User} is a viewer: viewers watch the rigs but send them nothing" }, Json, statusCode: StatusCodes.Status403Forbidden));

    /// <summary>Publishes who sent a command from where and what the rig answered, for the log.</summary>
    private static async Task AuditAsync(BrokerClient client, string rig, long boot, long commandId, string command, Caller caller, string result, CancellationToken cancellationToken)
    {
        var audit = new CommandAudit(rig, boot, commandId, command, caller.User, caller.Address, result, DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        await client.PublishAsync(client.TopicsOf(rig).AuditFrom(RigCommander.TopicSenderOf(client.Endpoint, caller.Sender)), audit.ToJson(), retain: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Why a request must be refused before anything else, or null. A console without logins answers on loopback only
    /// and must check the Host it is asked by: a page elsewhere can make a browser resolve its own name to 127.0.0.1
    /// (DNS rebinding) and read the console as its own. And a request that changes something must come from the
    /// console's own origin, whatever the cookie or token.
    /// </summary>
    private static string? ForeignRequest(HttpContext context, bool loginsRequired)
    {
        var request = context.Request;
        if (!loginsRequired && !IsLoopbackName(request.Host.Host))
        {
            return $"this console answers only to localhost, 127.0.0.1 or [::1], not to '{request.Host.Host}'";
        }

        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
            && request.Headers.Origin.ToString() is { Length: > 0 } origin
            && !string.Equals(origin, $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase))
        {
            return $"a request from another site ({origin}) may not change anything here";
        }

        return null;
    }

    private static bool IsLoopbackName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
