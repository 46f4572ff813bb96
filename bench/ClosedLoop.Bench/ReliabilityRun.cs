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
/// a while, and lets a rig user forge another rig's events and a viewer send commands. It then waits for the
/// logger to catch up and counts: events journaled vs stored, forged events stored, commands obeyed from the
/// viewer, faults. Measured, not asserted (the tests assert); the README shows its figures.
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
            var rig = new VirtualRig.VirtualRig(config, new SimulationOptions { Seed = (ulong)i, Phenotype = Phenotype.IsolationReared }, scenario);
            var link = new RigLink(rig.Engine, As($"rig-{i:D2}"));
            await link.ConnectAsync(CancellationToken.None);
            rig.Engine.Arm();
            rig.Engine.StartSession();
            rigs.Add((rig, link));
        }

        int kills = 0, brokerRestarts = 0, forgeries = 0, viewerCommands = 0;
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
        Console.WriteLine($"| sample frames per rig-second per rig, and their bytes | {framesMade / rigSeconds / RigCount:F1} frames, {framesMade * 291.0 / rigSeconds / RigCount / 1024:F1} KiB (each a QoS 1 PUBLISH and PUBACK) |");
        Console.WriteLine($"| events forged by another rig's user / stored | {forgeries} / {forgedStored} |");
        Console.WriteLine($"| commands sent by a viewer / answered by a rig | {viewerCommands} / {armedByViewer} |");
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
                await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"closedloop/rig-{i:D2}/commands").WithPayload(buffer[..length]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
            }
            catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Exceptions.MqttClientNotConnectedException)
            {
            }
        }

        return RigCount;
    }
}
