using System.Net;
using System.Reflection;
using System.Text.Json;
using ClosedLoop.Host.Mqtt;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace ClosedLoop.Host.WebConsole;

/// <summary>One rig as the page shows it: only what the rig itself reported.</summary>
public sealed record RigCard(string Rig, bool Online, long Boot, string Mode, bool Armed, bool EStop, bool InSession, string Config, IReadOnlyList<string> Events, Monitor.LinkQuality Link, int Faults, string? LastFault, Monitor.RigLight? Light)
{
    /// <summary>When the rig's boot began (UTC, to within the link's delay), or null before an online status of it.</summary>
    public DateTimeOffset? BootStarted { get; init; }
}

/// <summary>
/// A rig's answer to a command sent from the page: accepted, or the engine's refusal reason (or why nothing was
/// sent), with what to do about a refusal a person meets at a rig.
/// </summary>
public sealed record CommandOutcome(string Rig, string Command, bool Accepted, string Result)
{
    public string? Advice => Accepted ? null : Monitor.RefusalDescription.Advice(Result);
}

/// <summary>How a console is served: where, to whom, and from which log it offers sessions and data.</summary>
public sealed record ConsoleOptions
{
    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    /// <summary>0 picks a free port (see <see cref="ConsoleServer.Address"/>).</summary>
    public int Port { get; init; } = 8080;

    /// <summary>The lab's broker users: with them every request needs a login; without, loopback only.</summary>
    public BrokerUsers? Users { get; init; }

    /// <summary>The file <see cref="Users"/> came from: read again when it changes, so a removed user or a changed role counts at once.</summary>
    public string? UsersFile { get; init; }

    /// <summary>The logger's SQLite log, for the sessions list, reports and exports; none without it.</summary>
    public string? LogPath { get; init; }

    /// <summary>With a certificate the console speaks HTTPS only, and its login cookie is sent over HTTPS only.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; init; }

    /// <summary>
    /// For a blinded study: nothing on the page tells a rig's condition. Modes read "blinded", sham trains are
    /// drawn, counted and described as trains, and what would name the mode (the config form and presets, logged
    /// sessions' reports, exports and replays) is refused until the study is unblinded.
    /// </summary>
    public bool Blind { get; init; }

    /// <summary>A note shown at the top of the page (the demo says how its rigs were started and what to try).</summary>
    public string? Notice { get; init; }

    /// <summary>Where named config presets are kept (created when the first is saved).</summary>
    public string PresetsFolder { get; init; } = "console-presets";
}

/// <summary>Everything the page shows at one moment.</summary>
public sealed record ConsoleSnapshot(bool BrokerConnected, string? BrokerProblem, IReadOnlyList<RigCard> Rigs);

/// <summary>
/// The experimenters' console, served by ASP.NET Core: the page (HTML, CSS and script of our own, no libraries),
/// the rigs as JSON, and Server-Sent Events streams of the rigs' states and live traces.
/// <para>
/// Who may use it: without a users file it serves loopback only, to whoever is on this machine, as an operator.
/// With one (the lab's broker users file) every request needs a login: operator users may command and configure,
/// viewer users may only watch, rig and logger accounts may not log in; and only then may it bind beyond loopback.
/// </para>
/// <para>
/// Commands (arm, disarm, e-stop, e-stop reset, session start and stop, encounter marks, configs) go to the rig
/// from the sender named by the login (or "console"), so the rig journals who; each needs the token of the page
/// it came from (a page of another site cannot read it; a login's token is its own); and each is published on the
/// rig's audit topic with who sent it, from which address and what the rig answered, which the logger keeps and
/// export and report show.
/// </para>
/// </summary>
public sealed partial class ConsoleServer : IAsyncDisposable
{
    // Replays and sweeps can hold NaN (no deficit decided, no whole-window score): sent as "NaN", shown as "-".
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };
    /// <summary>What the page may ask of a rig, by the word in its address.</summary>
    private static readonly Dictionary<string, CommandKind> PageCommands = new()
    {
        ["arm"] = CommandKind.Arm,
        ["disarm"] = CommandKind.Disarm,
        ["estop"] = CommandKind.EStop,
        ["estop-reset"] = CommandKind.EStopReset,
        ["session-start"] = CommandKind.SessionStart,
        ["session-stop"] = CommandKind.SessionStop,
        ["encounter-start"] = CommandKind.EncounterStart,
        ["encounter-stop"] = CommandKind.EncounterStop,
    };

    /// <summary>How many logins one address may try in a minute.</summary>
    public const int LoginTriesPerMinute = 10;

    private const string LoginLimit = "login";

    /// <summary>The claim holding a login's own command token.</summary>
    private const string TokenClaim = "closedloop-token";

    /// <summary>Logins ended by logging out: their cookies are refused even where a copy of one survives.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _loggedOut = new(StringComparer.Ordinal);

    /// <summary>What the page may load and who may frame it: its own script and style only, framed by no one.</summary>
    private const string PagePolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    /// <summary>A session report (inline style, pictures as data, no script at all).</summary>
    private const string ReportPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private readonly WebApplication _app;
    private readonly BrokerWatch _watch;
    private readonly BrokerEndpoint _broker;
    private readonly LabLogins? _users;
    private readonly LoggedSessions? _log;
    private readonly ConfigPresets _presets;
    private readonly bool _blind;
    private readonly string? _notice;
    private readonly string _token = NewToken();
    private readonly TuningAdmission _tuning = new(Environment.ProcessorCount);

    private ConsoleServer(WebApplication app, BrokerWatch watch, BrokerEndpoint broker, ConsoleOptions options)
    {
        _app = app;
        _watch = watch;
        _broker = broker;
        _users = options.Users is null ? null : new LabLogins(options.Users, options.UsersFile);
        _log = options.LogPath is null ? null : new LoggedSessions(options.LogPath);
        _presets = new ConfigPresets(options.PresetsFolder);
        _blind = options.Blind;
        _notice = options.Notice;
    }

    /// <summary>Why a request is refused in a blinded console, or null when the console is not blinded.</summary>
    private IResult? BlindedRefusal(string what) => _blind
        ? Results.Json(new { error = $"blinded console: {what} would tell a rig's condition; it opens after unblinding (start the console without --blind)" }, Json, statusCode: StatusCodes.Status403Forbidden)
        : null;

    /// <summary>Whether every request needs a login.</summary>
    public bool RequiresLogin => _users is not null;

    /// <summary>The header a command must carry, with the token of the page it came from.</summary>
    public const string TokenHeader = "X-ClosedLoop-Token";

    /// <summary>Where the console listens (http://127.0.0.1:PORT/).</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    /// <summary>
    /// Starts the console. With <see cref="ConsoleOptions.Users"/> (the lab's broker users) every request needs a
    /// login; without, it may bind to loopback only.
    /// </summary>
    public static async Task<ConsoleServer> StartAsync(BrokerEndpoint broker, ConsoleOptions options, CancellationToken cancellationToken)
    {
        var (bind, port, users) = (options.Bind, options.Port, options.Users);
        if (users is not null && !new LabLogins(users, null).AnyoneMayLogIn)
        {
            throw new ArgumentException("the users file has no operator or viewer user, so nobody could log in: add one with `closedloop broker user NAME --role operator --users FILE`", nameof(options));
        }

        if (!IPAddress.IsLoopback(bind) && users is null)
        {
            throw new ArgumentException($"--bind {bind}: a console on the network needs logins: give it the lab's users file (--users), with operator and viewer users", nameof(options));
        }

        ConsoleServer? server = null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(bind, port, listen =>
        {
            if (options.Certificate is { } certificate)
            {
                listen.UseHttps(certificate);
            }
        }));
        if (users is not null)
        {
            AddLogins(builder.Services, options, () => server!);
        }

        var app = builder.Build();
        var watch = new BrokerWatch(broker, options.Blind);
        server = new ConsoleServer(app, watch, broker, options);
        UseGuards(app, options);
        if (users is not null)
        {
            app.UseAuthentication();
            app.UseAuthorization();
            app.UseRateLimiter();
        }

        var watched = server.MapOpenPages(app);
        server.MapPage(watched);
        server.MapRigs(watched);
        server.MapConfig(watched);
        server.MapData(watched);
        watch.Start();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        server.Address = new Uri(addresses.First().TrimEnd('/') + "/");
        return server;
    }

    /// <summary>Cookie logins checked against the users file on every request, and a slowed login for guessers.</summary>
    private static void AddLogins(IServiceCollection services, ConsoleOptions options, Func<ConsoleServer> server)
    {
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(cookie =>
        {
            cookie.Cookie.Name = "closedloop-console";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Strict;
            cookie.Cookie.SecurePolicy = options.Certificate is null ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(12);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = "/login";
            // Each request's login is checked against the users file as it is now.
            cookie.Events.OnValidatePrincipal = context =>
            {
                if (!server()._users!.StillValid(context.Principal)
                    || (context.Principal?.FindFirst(TokenClaim)?.Value is string token && server()._loggedOut.ContainsKey(token)))
                {
                    context.RejectPrincipal();
                    return context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                }

                return Task.CompletedTask;
            };
            // The API answers 401 rather than sending a script to the login page.
            cookie.Events.OnRedirectToLogin = context =>
            {
                if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                }

                context.Response.Redirect(context.RedirectUri);
                return Task.CompletedTask;
            };
        });
        services.AddAuthorization();
        // Guessing passwords is slowed to a few tries a minute per address (the lab's hashes are Mosquitto's, cheap to compute).
        services.AddRateLimiter(limits =>
        {
            limits.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limits.AddPolicy(LoginLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = LoginTriesPerMinute, Window = TimeSpan.FromMinutes(1) }));
        });
    }

    /// <summary>Every answer's security headers, and refusal of requests from other sites.</summary>
    private static void UseGuards(WebApplication app, ConsoleOptions options)
    {
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.ContentSecurityPolicy = context.Request.Path.Value?.EndsWith("/report", StringComparison.Ordinal) == true ? ReportPolicy : PagePolicy;
            headers.XFrameOptions = "DENY";
            headers.XContentTypeOptions = "nosniff";
            // same-origin, not no-referrer: under no-referrer a browser sends its own form posts with "Origin: null".
            headers["Referrer-Policy"] = "same-origin";
            if (options.Certificate is not null)
            {
                headers.StrictTransportSecurity = "max-age=31536000";
            }

            if (ForeignRequest(context, options.Users is not null) is string refused)
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync(refused, context.RequestAborted).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// The login page and the style it uses, open to anyone; returns where everything else is mapped (behind the
    /// login when the console has users).
    /// </summary>
    private IEndpointRouteBuilder MapOpenPages(WebApplication app)
    {
        app.MapGet("/console.css", () => Page("console.css", "text/css; charset=utf-8"));
        app.MapGet("/login", (HttpContext context) => LoginPage(context.Request.Query.ContainsKey("failed") ? "That name and password do not match an operator or viewer of this lab." : null));
        var login = app.MapPost("/login", (Func<HttpContext, Task<IResult>>)LoginAsync);
        if (_users is null)
        {
            return app;
        }

        login.RequireRateLimiting(LoginLimit);
        return app.MapGroup(string.Empty).RequireAuthorization();
    }

    /// <summary>The page, its ES modules (each a feature; console.js starts them; only the program's own are served) and logging out.</summary>
    private void MapPage(IEndpointRouteBuilder watched)
    {
        watched.MapGet("/", ConsolePage);
        watched.MapPost("/logout", (Func<HttpContext, Task<IResult>>)LogoutAsync);
        watched.MapGet("/{module}.js", (string module) => PageModules.Contains(module)
            ? Page(module + ".js", "text/javascript; charset=utf-8")
            : Results.NotFound());
    }

    /// <summary>The rigs: their states and traces as streams, and the commands the page sends them.</summary>
    private void MapRigs(IEndpointRouteBuilder watched)
    {
        watched.MapGet("/api/rigs", () => Results.Json(Snapshot(), Json));
        watched.MapGet("/api/stream", StreamAsync);
        watched.MapGet("/api/traces", TracesAsync);
        watched.MapPost("/api/rigs/{rig}/{command}", CommandAsync);
    }

    public ConsoleSnapshot Snapshot() => new(
        _watch.Connected,
        _watch.Connected ? null : _watch.Problem,
        [.. _watch.State.Snapshot().Select(r => new RigCard(r.RigId, r.Online, r.Boot, r.Mode, r.Armed, r.EStop, r.InSession, r.ConfigHash, [.. r.Events.Reverse()], r.Link, r.Faults, r.LastFault, r.Light) { BootStarted = r.BootStarted })]);

    /// <summary>Server-Sent Events: the snapshot whenever it changed (checked four times a second), until the page or the server goes.</summary>
    private async Task StreamAsync(HttpContext context)
    {
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        string last = string.Empty;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _app.Lifetime.ApplicationStopping);
        var stop = linked.Token;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                string now = JsonSerializer.Serialize(Snapshot(), Json);
                if (now != last)
                {
                    await context.Response.WriteAsync($"data: {now}\n\n", stop).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(stop).ConfigureAwait(false);
                    last = now;
                }

                await Task.Delay(250, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The page closed, or the console is stopping.
        }
    }

    /// <summary>
    /// Server-Sent Events of the live traces: first every rig's kept trace, then ten times a second the bins the page
    /// has not had (and the marks when they changed). Points are [rig µs, dF/F, z or null while z warms up].
    /// </summary>
    private async Task TracesAsync(HttpContext context)
    {
        context.Response.Headers.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var cursors = new Dictionary<string, TraceCursor>(StringComparer.Ordinal);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _app.Lifetime.ApplicationStopping);
        var stop = linked.Token;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var updates = _watch.Traces.Since(cursors);
                if (updates.Count > 0)
                {
                    string json = JsonSerializer.Serialize(updates.Select(u => new
                    {
                        u.Rig,
                        u.Boot,
                        u.Restarted,
                        Points = u.Points.Select(p => new double?[] { p.TimeUs, Math.Round(p.Dff, 5), p.Z is double z ? Math.Round(z, 3) : null, Math.Round(p.Signal, 1), Math.Round(p.Control, 1) }),
                        u.Encounters,
                        u.Trains,
                        u.Threshold,
                        u.PostUs,
                    }), Json);
                    await context.Response.WriteAsync($"data: {json}\n\n", stop).ConfigureAwait(false);
                    await context.Response.Body.FlushAsync(stop).ConfigureAwait(false);
                }

                await Task.Delay(100, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The page closed, or the console is stopping.
        }
    }

    /// <summary>Sends one command to a rig and returns its answer; refused without the page's token or to a viewer.</summary>
    private async Task<IResult> CommandAsync(HttpContext context, string rig, string command)
    {
        var caller = CallerOf(context);
        if (Refusal(context, caller) is IResult refused)
        {
            return refused;
        }

        if (!PageCommands.TryGetValue(command, out var kind) || !_watch.State.Snapshot().Any(r => r.RigId == rig))
        {
            return Results.Json(new { error = $"'{command}' for '{rig}': expected one of {string.Join(", ", PageCommands.Keys)} for a rig on the broker" }, Json, statusCode: StatusCodes.Status404NotFound);
        }

        // A session names its animal: the page sends the subject (and who runs it) as a form.
        SessionNote? session = null;
        if (kind == CommandKind.SessionStart)
        {
            var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false) : null;
            string subject = form?["subject"].ToString().Trim() ?? string.Empty;
            if (subject.Length is 0 or > SessionNote.MaxField)
            {
                // Refused here like a rig refuses: an answer on the page, not an error of the page.
                return Results.Json(new CommandOutcome(rig, command, false, $"nothing sent: a session start needs the animal's id as its subject (1 to {SessionNote.MaxField} characters)"), Json);
            }

            string experimenter = form!["experimenter"].ToString().Trim();
            session = new SessionNote(subject, experimenter.Length > 0 ? experimenter : RequiresLogin ? caller.User : Environment.UserName, null);
        }

        try
        {
            await using var client = await BrokerClient.ConnectAsync(_broker, context.RequestAborted).ConfigureAwait(false);
            var commander = new RigCommander(client, caller.Sender);
            var answer = await commander.SendAsync(rig, kind, 0, TimeSpan.FromSeconds(5), context.RequestAborted).ConfigureAwait(false);
            var (boot, _) = await commander.ReadClockAsync(rig, context.RequestAborted).ConfigureAwait(false);
            await AuditAsync(client, rig, boot, answer?.Id ?? 0, command, caller, answer is null ? "no answer" : answer.ResultWord, context.RequestAborted).ConfigureAwait(false);
            if (session is not null && answer is { Accepted: true })
            {
                await session.PublishAsync(client, rig, boot, answer.TimeUs, context.RequestAborted).ConfigureAwait(false);
            }

            return Results.Json(answer is null
                ? new CommandOutcome(rig, command, false, "no answer")
                : new CommandOutcome(rig, command, answer.Accepted, answer.ResultWord), Json);
        }
        catch (Exception e) when (e is RigUnavailableException or MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Adapter.MqttConnectingFailedException or BrokerLoginRefusedException)
        {
            return Results.Json(new CommandOutcome(rig, command, false, e.Message), Json);
        }
    }

    private static readonly HashSet<string> PageModules = new(StringComparer.Ordinal)
    {
        "console", "api", "dom", "rigs", "cards", "light", "leds", "config", "schema", "traces", "sessions", "presets", "tuning",
    };

    private static IResult Page(string name, string contentType) => Results.Text(Resource(name), contentType);

    private static string Resource(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"ClosedLoop.Host.WebConsole.wwwroot.{name}")
            ?? throw new InvalidOperationException($"the console's {name} is not in the program");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await _watch.DisposeAsync().ConfigureAwait(false);
    }
}
