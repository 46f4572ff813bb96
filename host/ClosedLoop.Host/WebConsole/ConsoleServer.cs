using System.Net;
using System.Reflection;
using System.Text.Json;
using ClosedLoop.Host.Commands;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClosedLoop.Host.WebConsole;

/// <summary>One rig as the page shows it: only what the rig itself reported.</summary>
public sealed record RigCard(string Rig, bool Online, string Mode, bool Armed, bool EStop, bool InSession, string Config, IReadOnlyList<string> Events);

/// <summary>A rig's answer to a command sent from the page: accepted, or the engine's refusal reason (or why nothing was sent).</summary>
public sealed record CommandOutcome(string Rig, string Command, bool Accepted, string Result);

/// <summary>Everything the page shows at one moment.</summary>
public sealed record ConsoleSnapshot(bool BrokerConnected, string? BrokerProblem, IReadOnlyList<RigCard> Rigs);

/// <summary>
/// The experimenters' console, served by ASP.NET Core: the page (HTML, CSS and script of our own, no libraries),
/// the rigs as JSON, and a Server-Sent Events stream that sends the rigs again whenever what the broker said changed.
/// It binds to loopback only: a console open to the lab network needs logins, which this version does not have.
/// Commands (arm, disarm, e-stop, e-stop reset, session start and stop, encounter marks) go to the rig as `closedloop` commands from the sender
/// "console", so the rig journals them; each needs the token the page was served with (a page of another site cannot
/// read it), so no other page open in the same browser can send one.
/// </summary>
public sealed class ConsoleServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    /// <summary>What the page may ask of a rig, by the word in its address.</summary>
    private static readonly Dictionary<string, CommandKind> Commands = new()
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

    private readonly WebApplication _app;
    private readonly BrokerWatch _watch;
    private readonly BrokerEndpoint _broker;
    private readonly string _token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private ConsoleServer(WebApplication app, BrokerWatch watch, BrokerEndpoint broker)
    {
        _app = app;
        _watch = watch;
        _broker = broker;
    }

    /// <summary>The header a command must carry, with the token of the page it came from.</summary>
    public const string TokenHeader = "X-ClosedLoop-Token";

    /// <summary>Where the console listens (http://127.0.0.1:PORT/).</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1/");

    public static async Task<ConsoleServer> StartAsync(BrokerEndpoint broker, IPAddress bind, int port, CancellationToken cancellationToken)
    {
        if (!IPAddress.IsLoopback(bind))
        {
            throw new ArgumentException($"--bind {bind}: the console serves loopback only until it has logins (anyone on the network could watch the rigs)", nameof(bind));
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(bind, port));
        var app = builder.Build();
        var watch = new BrokerWatch(broker);
        var server = new ConsoleServer(app, watch, broker);
        app.MapGet("/", () => Results.Text(Resource("index.html").Replace("{{token}}", server._token, StringComparison.Ordinal), "text/html; charset=utf-8"));
        app.MapGet("/console.js", () => Page("console.js", "text/javascript; charset=utf-8"));
        app.MapGet("/console.css", () => Page("console.css", "text/css; charset=utf-8"));
        app.MapGet("/api/rigs", () => Results.Json(server.Snapshot(), Json));
        app.MapGet("/api/stream", server.StreamAsync);
        app.MapGet("/api/traces", server.TracesAsync);
        app.MapGet("/api/schema", () => Results.Json(Schema(), Json));
        app.MapGet("/api/rigs/{rig}/config", (string rig) => server._watch.AppliedConfig(rig) is string text
            ? Results.Json(Fields(text), Json)
            : Results.Json(new { error = $"{rig} has not said which config it runs" }, Json, statusCode: StatusCodes.Status404NotFound));
        app.MapPost("/api/rigs/{rig}/config/check", (HttpContext context, string rig) => server.ConfigAsync(context, rig, apply: false));
        app.MapPost("/api/rigs/{rig}/config/apply", (HttpContext context, string rig) => server.ConfigAsync(context, rig, apply: true));
        app.MapPost("/api/rigs/{rig}/{command}", server.CommandAsync);
        watch.Start();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var addresses = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses;
        server.Address = new Uri(addresses.First().TrimEnd('/') + "/");
        return server;
    }

    public ConsoleSnapshot Snapshot() => new(
        _watch.Connected,
        _watch.Connected ? null : _watch.Problem,
        [.. _watch.State.Snapshot().Select(r => new RigCard(r.RigId, r.Online, r.Mode, r.Armed, r.EStop, r.InSession, r.ConfigHash, [.. r.Events.Reverse()]))]);

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
    /// has not had (and the marks when they changed). Points are [rig µs, dF/F, z].
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
                        Points = u.Points.Select(p => new[] { p.TimeUs, Math.Round(p.Dff, 5), Math.Round(p.Z, 3) }),
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

    /// <summary>Sends one command to a rig and returns its answer; refused without the page's token.</summary>
    private async Task<IResult> CommandAsync(HttpContext context, string rig, string command)
    {
        if (!context.Request.Headers.TryGetValue(TokenHeader, out var token) || token.ToString() != _token)
        {
            return Results.Json(new { error = "this request did not come from the console's own page" }, Json, statusCode: StatusCodes.Status403Forbidden);
        }

        if (!Commands.TryGetValue(command, out var kind) || !_watch.State.Snapshot().Any(r => r.RigId == rig))
        {
            return Results.Json(new { error = $"'{command}' for '{rig}': expected one of {string.Join(", ", Commands.Keys)} for a rig on the broker" }, Json, statusCode: StatusCodes.Status404NotFound);
        }

        // A session names its animal: the page sends the subject (and who runs it) as a form.
        ControlCommands.SessionNote? session = null;
        if (kind == CommandKind.SessionStart)
        {
            var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false) : null;
            string subject = form?["subject"].ToString().Trim() ?? string.Empty;
            if (subject.Length is 0 or > ControlCommands.SessionNote.MaxField)
            {
                // Refused here like a rig refuses: an answer on the page, not an error of the page.
                return Results.Json(new CommandOutcome(rig, command, false, $"nothing sent: a session start needs the animal's id as its subject (1 to {ControlCommands.SessionNote.MaxField} characters)"), Json);
            }

            string experimenter = form!["experimenter"].ToString().Trim();
            session = new ControlCommands.SessionNote(subject, experimenter.Length > 0 ? experimenter : Environment.UserName, null);
        }

        try
        {
            await using var client = await BrokerClient.ConnectAsync(_broker, context.RequestAborted).ConfigureAwait(false);
            var commander = new RigCommander(client, "console");
            var answer = await commander.SendAsync(rig, kind, 0, TimeSpan.FromSeconds(5), context.RequestAborted).ConfigureAwait(false);
            if (session is not null && answer is { Accepted: true })
            {
                var (boot, _) = await commander.ReadClockAsync(rig, context.RequestAborted).ConfigureAwait(false);
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

    /// <summary>Every key of the engine's schema, as the form shows it: its section, name, kind, allowed values and default.</summary>
    private static IEnumerable<object> Schema() => Enumerable.Range(0, ConfigSchema.Count).Select(ConfigSchema.KeyAt).Where(k => !k.IsSecret).Select(k => new
    {
        k.Section,
        k.Name,
        k.Field,
        Kind = k.Kind.ToString().ToLowerInvariant(),
        k.Choices,
        k.DefaultValue,
        k.Help,
        Allowed = k.Describe(),
    });

    /// <summary>A config's values by field (section.key).</summary>
    private static Dictionary<string, string> Fields(string text)
    {
        var document = ConfigParser.Parse(text, new ConfigErrorList());
        var fields = new Dictionary<string, string>();
        for (int i = 0; i < document.Count; i++)
        {
            fields[document[i].Field] = document[i].Value;
        }

        return fields;
    }

    /// <summary>
    /// The page's form (field=value pairs) over the config the rig runs, checked by the engine as the rig will check
    /// it: every error at its field, and what would change. With <paramref name="apply"/> a valid config is sent and
    /// the rig's own answer returned; an invalid one is never sent.
    /// </summary>
    private async Task<IResult> ConfigAsync(HttpContext context, string rig, bool apply)
    {
        if (!context.Request.Headers.TryGetValue(TokenHeader, out var token) || token.ToString() != _token)
        {
            return Results.Json(new { error = "this request did not come from the console's own page" }, Json, statusCode: StatusCodes.Status403Forbidden);
        }

        if (_watch.AppliedConfig(rig) is not string applied)
        {
            return Results.Json(new { error = $"{rig} has not said which config it runs" }, Json, statusCode: StatusCodes.Status404NotFound);
        }

        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false) : null;
        var overrides = form is null ? [] : form.Keys.Select(field => $"{field}={form[field]}").ToList();
        var input = ConfigInput.Load(null, overrides, document => document.Set("rig", "id", rig), forRig: true, baseText: applied);
        var before = Fields(applied);
        var changed = Enumerable.Range(0, input.Document.Count).Select(i => input.Document[i])
            .Where(e => before.GetValueOrDefault(e.Field) != e.Value)
            .Select(e => new { e.Field, From = before.GetValueOrDefault(e.Field), To = e.Value }).ToList();
        var errors = input.Result.Errors.Select(e => new { e.Field, e.Value, e.Expected }).ToList();
        if (!apply || errors.Count > 0)
        {
            return Results.Json(new { valid = errors.Count == 0, applied = false, sent = false, errors, changed }, Json);
        }

        await using var client = await BrokerClient.ConnectAsync(_broker, context.RequestAborted).ConfigureAwait(false);
        var answer = await ConfigSender.SendAsync(client, rig, input, TimeSpan.FromSeconds(10), context.RequestAborted).ConfigureAwait(false);
        return Results.Json(new
        {
            valid = true,
            applied = answer?.Applied == true,
            sent = true,
            hash = answer?.Hash,
            rigErrors = answer?.Errors ?? ["no answer from the rig"],
            errors,
            changed,
        }, Json);
    }

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
