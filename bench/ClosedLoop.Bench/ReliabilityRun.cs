using System.Net;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Wire;
using ClosedLoop.Host.Logging;
using ClosedLoop.Host.Mqtt;
using ClosedLoop.VirtualRig;
using MQTTnet;
using MQTTnet.Protocol;

namespace ClosedLoop.Bench;

/// <summary>
/// `reliability [seconds]`: virtual rigs stream events and frames through the embedded broker (users with roles)
/// into the logger while the run kills the logger again and again, restarts the broker, fills the log's disk for
/// a while, and lets a rig user forge another rig's events, a viewer send commands and the logger's account try to
/// arm rigs. One rig's signal light falls to 60 % for 6 s at times (a failing LED), and it is re-armed after each
/// episode as an experimenter would; once, the broker is flooded from raw sockets (two 200 MB CONNECTs and idle
/// connections past the limit). It then waits for the logger to catch up and counts: events journaled vs stored,
/// forged events stored, commands obeyed from the viewer and the logger, light faults and trains inside them,
/// the flood's connections closed and the process's memory, faults. Measured, not asserted (the tests assert);
/// the README shows its figures.
/// </summary>
public static class ReliabilityRun
{
    private const long Second = 1_000_000;
    private const string Secret = "bench-secret";
    private const int RigCount = 4;
    private const int OutageSeconds = 60;

    public static async Task RunAsync(TimeSpan duration)
    {
        string folder = Directory.CreateTempSubdirectory("closedloop-reliability").FullName;
        var users = new BrokerUsers();
        for (int i = 1; i <= RigCount; i++)
        {
            users.Set($"rig-{i:D2}", BrokerRole.Rig, Secret);
        }

        users.Set("rig-99", BrokerRole.Rig, Secret);
        users.Set("logger", BrokerRole.Logger, Secret);
        users.Set("bob", BrokerRole.Viewer, Secret);
        int port = EmbeddedBroker.FreePort();
        string retained = Path.Combine(folder, "retained.json");
        EmbeddedBroker? broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, port, retainedFile: retained, users: users);
        BrokerEndpoint As(string user) => new("127.0.0.1", port, user, Secret);

        using var store = new EventStore(Path.Combine(folder, "log.sqlite"));
        var logger = await EventLogger.StartNewAsync(As("logger"), store, "logger", CancellationToken.None);

        var rigs = new List<(VirtualRig.VirtualRig Rig, RigLink Link)>();
        for (int i = 1; i <= RigCount; i++)
        {
            var document = new ConfigDocument();
            document.Set("rig", "id", $"rig-{i:D2}");
            document.Set("processing", "warmup_s", "5");
            var config = ConfigLoader.FromDocument(document, new ConfigErrorList()).Config;
            var scenario = Scenario.Random((ulong)i, 400, 5 * Second, 2 * Second, 6 * Second, Second, 3 * Second);
            var options = new SimulationOptions { Seed = (ulong)i, Phenotype = Phenotype.IsolationReared, LightFaults = i == 2 ? LightFaults : [] };
            var rig = new VirtualRig.VirtualRig(config, options, scenario);
            var link = new RigLink(rig.Engine, As($"rig-{i:D2}"));
            await link.ConnectAsync(CancellationToken.None);
            rig.Engine.Arm();
            rig.Engine.StartSession();
            rigs.Add((rig, link));
        }

        int kills = 0, brokerRestarts = 0, forgeries = 0, viewerCommands = 0, loggerCommands = 0, rearms = 0;
        var flood = (Sockets: 0, Closed: 0, MemoryBeforeMb: 0.0, MemoryPeakMb: 0.0);
        double fullDiskSeconds = 0;
        var started = DateTime.UtcNow;
        long rigTime = 0;
        for (int step = 1; DateTime.UtcNow - started < duration; step++)
        {
            // Ten rig seconds per wall second: a busy hour of events in minutes.
            rigTime += Second;
            foreach (var (rig, link) in rigs)
            {
                rig.RunUntil(rigTime);
                link.Pump();
            }

            await Task.Delay(100);
            if (step % 30 == 0 && broker is not null)
            {
                logger.Kill();
                logger = await EventLogger.StartNewAsync(As("logger"), store, "logger", CancellationToken.None);
                kills++;
            }

            if (step == 75 && broker is not null)
            {
                // The broker goes away for a minute of rig time (a link outage for every rig and the logger); the
                // messages it held for the logger go with it.
                await broker.DisposeAsync();
                broker = null;
            }

            if (step == 75 + OutageSeconds)
            {
                broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, port, retainedFile: retained, users: users);
                brokerRestarts++;
            }

            if (step == 45)
            {
                store.LimitSize(0);
                await Task.Delay(3000);
                store.LimitSize(1L << 40);
                fullDiskSeconds += 3;
            }

            if (step % 20 == 0 && broker is not null)
            {
                forgeries += await ForgeAsync(As("rig-99"), rigs[0].Rig.Engine.Journal.NextSequence);
                viewerCommands += await CommandAsViewerAsync(As("bob"));
                loggerCommands += await ArmFromLoggerAsync(As("logger"), rigs);
            }

            if (step == 60 && broker is not null)
            {
                flood = await FloodAsync(port);
            }

            // The light-faulted rig is disarmed by each episode; the experimenter arms it again once the light is back.
            var faulted = rigs[1].Rig;
            if (!faulted.Engine.IsArmed && !LightFaults.Any(f => f.Covers(faulted.Clock.NowMicros) || f.Covers(faulted.Clock.NowMicros - 2 * Second)))
            {
                faulted.Engine.Arm();
                rearms++;
            }
        }

        foreach (var (rig, link) in rigs)
        {
            link.Pump();
            await link.FlushAsync(TimeSpan.FromSeconds(60));
        }

        // Serve replay requests until the logger holds everything (or a minute passes).
        var deadline = DateTime.UtcNow.AddSeconds(60);
        bool Behind((VirtualRig.VirtualRig Rig, RigLink Link) r) =>
            store.Sequences(r.Rig.Engine.Journal.RigId, r.Rig.Engine.Journal.BootId).Count < r.Rig.Engine.Journal.NextSequence - 1
            || logger.FrameGaps.High(r.Rig.Engine.Journal.RigId, r.Rig.Engine.Journal.BootId) < r.Link.NewestFrame;
        while (rigs.Any(Behind) && DateTime.UtcNow < deadline)
        {
            foreach (var (rig, link) in rigs)
            {
                // Rig time moves on, as on a real rig, so rate-limited replays are served.
                rigTime += Second / 10;
                rig.RunUntil(rigTime);
                link.Pump();
            }

            await Task.Delay(100);
        }

        long journaled = rigs.Sum(r => r.Rig.Engine.Journal.NextSequence - 1);
        long stored = rigs.Sum(r => (long)store.Sequences(r.Rig.Engine.Journal.RigId, r.Rig.Engine.Journal.BootId).Count);
        long forgedStored = store.EventJson("rig-01").Count(json => json.Contains("forged", StringComparison.Ordinal));
        int armedByViewer = rigs.Count(r => r.Rig.Engine.Journal.NextSequence > 0 && CountCommands(store, r.Rig.Engine.Journal.RigId) > 0);
        var faults = store.Faults();
        long framesMade = rigs.Sum(r => r.Link.NewestFrame);
        long framesStored = store.CountFrames();
        long framesMissing = rigs.Sum(r => store.MissingFrames(r.Rig.Engine.Journal.RigId, r.Rig.Engine.Journal.BootId).Sum(g => g.Last - g.First + 1));
        long framesReportedLost = rigs.Sum(r => store.EventJson(r.Rig.Engine.Journal.RigId).Count(json => json.Contains("\"kind\":\"frames_lost\"", StringComparison.Ordinal)));
        double rigSeconds = rigTime / (double)Second;

        Console.WriteLine("| what | figure |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| run | {duration.TotalSeconds:F0} s, {RigCount} virtual rigs at 10x real time, embedded broker with roles |");
        Console.WriteLine($"| logger kills (SIGKILL-like) / broker outages ({OutageSeconds} rig-seconds each) / seconds of full disk | {kills} / {brokerRestarts} / {fullDiskSeconds:F0} |");
        Console.WriteLine($"| events journaled by the rigs | {journaled:N0} |");
        Console.WriteLine($"| events stored (each once) | {stored:N0} |");
        Console.WriteLine($"| events lost | {journaled - stored:N0} |");
        Console.WriteLine($"| sample frames made / stored (each once) / missing / frames_lost reports | {framesMade:N0} / {framesStored:N0} / {framesMissing:N0} / {framesReportedLost} |");
        Console.WriteLine($"| sample frames per rig-second per rig, and their bytes | {framesMade / rigSeconds / RigCount:F1} frames, {framesMade * (double)(SampleFrameWriter.HeaderBytes + (13 * SampleFrameWriter.SampleBytes)) / rigSeconds / RigCount / 1024:F1} KiB (each a QoS 1 PUBLISH and PUBACK) |");
        Console.WriteLine($"| events forged by another rig's user / stored | {forgeries} / {forgedStored} |");
        Console.WriteLine($"| commands sent by a viewer / answered by a rig | {viewerCommands} / {armedByViewer} |");
        var faultedRig = rigs[1].Rig;
        long signalLost = faultedRig.Engine.Journal.RigId is string faultedId ? store.EventJson(faultedId).Count(json => json.Contains("\"fault\":\"signal_lost\"", StringComparison.Ordinal)) : 0;
        int trainsInFaults = faultedRig.Opto.Trains.Count(t => LightFaults.Any(f => t.StartUs >= f.FromUs && t.StartUs < f.FromUs + f.DurationUs + 2 * Second));
        int episodes = LightFaults.Count(f => f.FromUs < rigTime);
        Console.WriteLine($"| arms sent from the logger's account / obeyed | {loggerCommands} / {ObeyedFromLogger(store, rigs)} |");
        Console.WriteLine($"| light faults on rig-02 (signal at 60 % for 6 s) / signal_lost faults logged / trains inside them / re-arms | {episodes} / {signalLost} / {trainsInFaults} / {rearms} |");
        Console.WriteLine($"| broker flood: raw sockets (two 200 MB CONNECTs, the rest idle) / closed by the broker / process memory before and at its peak | {flood.Sockets} / {flood.Closed} / {flood.MemoryBeforeMb:F0} MB and {flood.MemoryPeakMb:F0} MB |");
        Console.WriteLine($"| fault rows in the log | {faults.Count} |");

        await logger.StopAsync();
        await logger.DisposeAsync();
        foreach (var (_, link) in rigs)
        {
            await link.DisposeAsync();
        }

        if (broker is not null)
        {
            await broker.DisposeAsync();
        }

        Directory.Delete(folder, recursive: true);
    }

    /// <summary>rig-02's light: 60 % of its signal for 6 s, every 90 rig-seconds from 100 s (a failing LED).</summary>
    private static readonly IReadOnlyList<LightFault> LightFaults =
        [.. Enumerable.Range(0, 40).Select(k => new LightFault((100 + (90 * k)) * Second, 6 * Second, 0.6))];

    /// <summary>The logger's account tries to arm every rig, on its command topic (the broker refuses) and its replay topic (the rig refuses); returns the tries.</summary>
    private static async Task<int> ArmFromLoggerAsync(BrokerEndpoint endpoint, List<(VirtualRig.VirtualRig Rig, RigLink Link)> rigs)
    {
        int tried = 0;
        foreach (string leaf in new[] { "commands", "replay" })
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            await client.ConnectAsync(endpoint.Options($"logger-arm-{Guid.NewGuid():N}").Build());
            var buffer = new byte[CommandJson.MaxBytes];
            foreach (var (rig, _) in rigs)
            {
                var journal = rig.Engine.Journal;
                int length = new CommandJson().Write(CommandKind.Arm, 0, Random.Shared.NextInt64(1, 1L << 53), "alice", journal.BootId, rig.Clock.NowMicros + (30 * Second), buffer, 0);
                tried++;
                try
                {
                    await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"closedloop/{journal.RigId}/{leaf}/logger").WithPayload(buffer[..length]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                }
                catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException)
                {
                }
            }
        }

        return tried;
    }

    private static int ObeyedFromLogger(EventStore store, List<(VirtualRig.VirtualRig Rig, RigLink Link)> rigs) =>
        rigs.Sum(r => store.EventJson(r.Rig.Engine.Journal.RigId).Count(json => json.Contains("\"cmd\":\"arm\",\"result\":\"accepted\"", StringComparison.Ordinal) && json.Contains("\"from\":\"logger\"", StringComparison.Ordinal)));

    /// <summary>Two sockets declare 200 MB CONNECTs, forty more connect and say nothing; returns how many the broker closed within 15 s and the memory.</summary>
    private static async Task<(int Sockets, int Closed, double MemoryBeforeMb, double MemoryPeakMb)> FloodAsync(int port)
    {
        var process = System.Diagnostics.Process.GetCurrentProcess();
        process.Refresh();
        double before = process.WorkingSet64 / 1e6;
        var sockets = new List<System.Net.Sockets.Socket>();
        for (int i = 0; i < 42; i++)
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port);
            if (i < 2)
            {
                // CONNECT, remaining length 200,000,000 as a variable byte integer.
                await socket.SendAsync(new byte[] { 0x10, 0x80, 0x84, 0xAF, 0x5F });
            }

            sockets.Add(socket);
        }

        double peak = before;
        int closed = 0;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var buffer = new byte[16];
        foreach (var socket in sockets)
        {
            try
            {
                using var wait = new CancellationTokenSource(deadline - DateTime.UtcNow > TimeSpan.Zero ? deadline - DateTime.UtcNow : TimeSpan.Zero);
                if (await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, wait.Token) == 0)
                {
                    closed++;
                }
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException)
            {
                closed += e is System.Net.Sockets.SocketException ? 1 : 0;
            }

            process.Refresh();
            peak = Math.Max(peak, process.WorkingSet64 / 1e6);
            socket.Dispose();
        }

        return (sockets.Count, closed, before, peak);
    }

    /// <summary>Rig commands answered in the log (a viewer's command would have been answered if it got through).</summary>
    private static int CountCommands(EventStore store, string rig) =>
        store.EventJson(rig).Count(json => json.Contains("\"kind\":\"command\"", StringComparison.Ordinal) && json.Contains("\"from\":\"bob\"", StringComparison.Ordinal));

    /// <summary>rig-99 publishes events as rig-01 with the sequence numbers rig-01 will use next; returns how many it tried.</summary>
    private static async Task<int> ForgeAsync(BrokerEndpoint endpoint, long nextSequence)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(endpoint.Options($"forger-{Guid.NewGuid():N}").Build());
        int tried = 0;
        for (long seq = nextSequence; seq < nextSequence + 5; seq++, tried++)
        {
            string json = $$"""{"v":1,"rig":"rig-01","boot":1,"seq":{{seq}},"t_us":0,"kind":"fault","fault":"board","detail":0,"note":"forged"}""";
            try
            {
                await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("closedloop/rig-01/events").WithPayload(json).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException)
            {
            }
        }

        return tried;
    }

    /// <summary>bob (a viewer) sends arm commands to every rig; returns how many it tried.</summary>
    private static async Task<int> CommandAsViewerAsync(BrokerEndpoint endpoint)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(endpoint.Options($"viewer-{Guid.NewGuid():N}").Build());
        var buffer = new byte[CommandJson.MaxBytes];
        for (int i = 1; i <= RigCount; i++)
        {
            int length = new CommandJson().Write(CommandKind.Arm, 0, Random.Shared.NextInt64(1, 1L << 53), "bob", 1, long.MaxValue / 2, buffer, 0);
            try
            {
                await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"closedloop/rig-{i:D2}/commands/bob").WithPayload(buffer[..length]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException)
            {
            }
        }

        return RigCount;
    }
}
