using System.Net;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClosedLoop.Host.WebConsole;

/// <summary>One rig as the page shows it: only what the rig itself reported.</summary>
public sealed record RigCard(string Rig, bool Online, string Mode, bool Armed, bool EStop, bool InSession, string Config, IReadOnlyList<string> Events, IReadOnlyList<double> Z);

/// <summary>Everything the page shows at one moment.</summary>
public sealed record ConsoleSnapshot(bool BrokerConnected, string? BrokerProblem, IReadOnlyList<RigCard> Rigs);

/// <summary>
/// The experimenters' console, served by ASP.NET Core: the page (HTML, CSS and script of our own, no libraries),
/// the rigs as JSON, and a Server-Sent Events stream that sends the rigs again whenever what the broker said changed.
/// It binds to loopback only: a console open to the lab network needs logins, which this version does not have.
/// </summary>
public sealed class ConsoleServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private readonly WebApplication _app;
    private readonly BrokerWatch _watch;

    private ConsoleServer(WebApplication app, BrokerWatch watch)
    {
        _app = app;
        _watch = watch;
    }

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
        var server = new ConsoleServer(app, watch);
        app.MapGet("/", () => Page("index.html", "text/html; charset=utf-8"));
        app.MapGet("/console.js", () => Page("console.js", "text/javascript; charset=utf-8"));
        app.MapGet("/console.css", () => Page("console.css", "text/css; charset=utf-8"));
        app.MapGet("/api/rigs", () => Results.Json(server.Snapshot(), Json));
        app.MapGet("/api/stream", server.StreamAsync);
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
        [.. _watch.State.Snapshot().Select(r => new RigCard(r.RigId, r.Online, r.Mode, r.Armed, r.EStop, r.InSession, r.ConfigHash, [.. r.Events.Reverse()], [.. r.Z]))]);

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

    private static IResult Page(string name, string contentType)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"ClosedLoop.Host.WebConsole.wwwroot.{name}")
            ?? throw new InvalidOperationException($"the console's {name} is not in the program");
        using var reader = new StreamReader(stream);
        return Results.Text(reader.ReadToEnd(), contentType);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        await _watch.DisposeAsync().ConfigureAwait(false);
    }
}
