using System.Net;
using ClosedLoop.Host.Logging;
using ClosedLoop.Host.WebConsole;
using ClosedLoop.VirtualRig;

namespace ClosedLoop.Host.Demo;

/// <summary>
/// The demo in real time, for watching and driving from the console: the embedded broker on loopback, the logger
/// into SQLite, virtual rigs paced by the wall clock (each publishing its sample frames and obeying commands and
/// configs like a board), and the console on the same broker. Rigs start armed and in session so the traces have
/// something to show; everything after that is the experimenter's.
/// </summary>
public sealed class LiveDemo : IAsyncDisposable
{
    private const long Second = 1_000_000;
    private const long StepUs = 20_000;

    private readonly EmbeddedBroker _broker;
    private readonly EventStore _store;
    private readonly EventLogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _rigs = [];

    private LiveDemo(EmbeddedBroker broker, BrokerEndpoint endpoint, EventStore store, EventLogger logger, ConsoleServer console)
    {
        _broker = broker;
        Endpoint = endpoint;
        _store = store;
        _logger = logger;
        Console = console;
    }

    public BrokerEndpoint Endpoint { get; }

    public ConsoleServer Console { get; }

    public string DatabasePath => _store.Path;

    /// <summary>
    /// The rigs of a live demo: the standard three (experiment, its sham control, a group-reared reference), then
    /// more alternating isolation-reared closed-loop and group-reared rigs, each with its own mouse.
    /// </summary>
    public static IReadOnlyList<DemoRigSpec> Rigs(int count, ulong seed)
    {
        var standard = DemoRigSpec.Standard(seed);
        return [.. Enumerable.Range(0, count).Select(i => i < standard.Count
            ? standard[i]
            : new DemoRigSpec($"rig-{i + 1:D2}", i % 2 == 0 ? Phenotype.IsolationReared : Phenotype.GroupReared, OutputMode.ClosedLoop, seed + (ulong)i))];
    }

    public static async Task<LiveDemo> StartAsync(IReadOnlyList<DemoRigSpec> rigs, string outputDirectory, IPAddress bind, int consolePort, IReadOnlyList<string> settings, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outputDirectory);
        int port = EmbeddedBroker.FreePort();
        var broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, port).ConfigureAwait(false);
        var endpoint = BrokerEndpoint.Loopback(port);
        var store = new EventStore(Path.Combine(outputDirectory, "closedloop.sqlite"));
        var logger = await EventLogger.StartNewAsync(endpoint, store, "closedloop-demo-logger", cancellationToken).ConfigureAwait(false);
        var console = await ConsoleServer.StartAsync(endpoint, new ConsoleOptions { Bind = bind, Port = consolePort, LogPath = store.Path, PresetsFolder = Path.Combine(outputDirectory, "presets"), Notice = Notice }, cancellationToken).ConfigureAwait(false);
        var demo = new LiveDemo(broker, endpoint, store, logger, console);
        foreach (var spec in rigs)
        {
            var configured = DemoRunner.Configure(spec, settings);
            if (!configured.IsValid)
            {
                await demo.DisposeAsync().ConfigureAwait(false);
                throw new ArgumentException(string.Join("; ", configured.Errors.Select(e => e.ToString())), nameof(settings));
            }

            demo._rigs.Add(Task.Run(() => demo.RunRigAsync(spec, configured.Config, demo._stop.Token), CancellationToken.None));
        }

        return demo;
    }

    /// <summary>What the demo's page says first: the rigs are already running, and what to do before trying a session or a config of one's own.</summary>
    public const string Notice = "Demo: these virtual rigs start armed and in a session (with no animal named), so that they decide and stimulate "
        + "from the first encounter. To run a session of your own, press Stop session, then Start session with an animal id. "
        + "A config applies only to a disarmed rig with no session running: Configure… offers to stop and disarm first.";

    /// <summary>One rig, an encounter every 15-45 s from its first minute, paced by the wall clock until stopped.</summary>
    private async Task RunRigAsync(DemoRigSpec spec, RigConfig config, CancellationToken stop)
    {
        var scenario = Scenario.Random(spec.Seed, count: 2000, firstOnsetUs: 20 * Second, minGapUs: 15 * Second, maxGapUs: 45 * Second, minDurationUs: 2 * Second, maxDurationUs: 8 * Second);
        var rig = new VirtualRig.VirtualRig(config, new SimulationOptions { Seed = spec.Seed, Phenotype = spec.Phenotype }, scenario, BootIds.Next());
        await using var link = new RigLink(rig.Engine, Endpoint);
        await link.ConnectAsync(stop).ConfigureAwait(false);
        rig.Engine.Arm();
        rig.Engine.StartSession();
        var started = DateTime.UtcNow;
        try
        {
            for (long t = StepUs; !stop.IsCancellationRequested; t += StepUs)
            {
                rig.RunUntil(t);
                link.Pump();
                var wait = started + TimeSpan.FromSeconds(t / 1e6) - DateTime.UtcNow;
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, stop).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped: the rig disarms (outputs low) before it goes.
        }

        rig.Engine.Disarm();
        link.Pump();
        await link.FlushAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_rigs).ConfigureAwait(false);
        await Console.DisposeAsync().ConfigureAwait(false);
        await _logger.StopAsync().ConfigureAwait(false);
        await _logger.DisposeAsync().ConfigureAwait(false);
        _store.Dispose();
        await _broker.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
