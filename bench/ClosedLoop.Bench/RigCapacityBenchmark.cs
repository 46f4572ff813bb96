using System.Diagnostics;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Processing;
using ClosedLoop.Engine.Wire;
using ClosedLoop.Host.Logging;
using ClosedLoop.Host.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;

namespace ClosedLoop.Bench;

/// <summary>
/// `capacity BROKER [postgresql://...]`: how many real-time rigs one logger keeps up with. Each rig sends what a rig at
/// 130 Hz sends (10 sample frames a second and 2 events a second, both QoS 1), made by a publisher light enough not to
/// be the limit: frames and events are encoded once per rig and only their numbers change, and a few connections
/// publish for all the rigs (the broker cares about topics, not who publishes). For each number of rigs, 15 s of
/// traffic; the logger keeps up when, 3 s after the traffic stops, it has stored at least 99 % of what was sent
/// (the rest arriving late is a backlog, not a loss). Measured, not asserted.
/// </summary>
public static class RigCapacityBenchmark
{
    private const int Publishers = 8;
    private static readonly TimeSpan Traffic = TimeSpan.FromSeconds(15);

    /// <param name="loggers">More than one: a group of loggers (`log --group`) into one PostgreSQL database, counted together.</param>
    public static async Task RunAsync(string broker, string? database, int loggers = 1)
    {
        if (loggers > 1 && database is null)
        {
            throw new ArgumentException("a group of loggers writes one PostgreSQL database: give its postgresql:// address");
        }

        Console.WriteLine($"| rigs | messages sent/s | stored/s while sending | stored within 3 s of the end | keeps up |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (int rigs in new[] { 32, 64, 128, 256, 512, 1024 })
        {
            bool keptUp = await MeasureAsync(broker, database, rigs, loggers);
            if (!keptUp)
            {
                break;
            }
        }
    }

    private static async Task<bool> MeasureAsync(string broker, string? database, int rigs, int count)
    {
        string folder = Directory.CreateTempSubdirectory("closedloop-capacity").FullName;
        string run = $"{Environment.TickCount64}";
        var endpoint = new BrokerEndpoint(broker.Split(':')[0], int.Parse(broker.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture), TopicPrefix: $"cap{run}");
        var stores = Enumerable.Range(0, count)
            .Select(_ => database is null ? new EventStore(Path.Combine(folder, "capacity.sqlite")) : LogLocation.Parse(database).OpenForWriting()).ToList();
        var loggers = stores.Select((store, i) => new EventLogger(endpoint, store, $"capacity-logger-{run}-{i}", group: count > 1 ? $"cap{run}" : null)).ToList();
        foreach (var logger in loggers)
        {
            await logger.StartAsync(CancellationToken.None);
        }

        long boot = Environment.TickCount64;
        long sent = 0;
        using var stop = new CancellationTokenSource(Traffic);
        var clock = Stopwatch.StartNew();
        var publishers = Enumerable.Range(0, Publishers).Select(p => Task.Run(async () =>
        {
            long mine = await PublishAsync(endpoint, boot, [.. Enumerable.Range(0, rigs).Where(r => r % Publishers == p).Select(r => $"rig-{r:D4}")], stop.Token);
            Interlocked.Add(ref sent, mine);
        })).ToArray();
        await Task.WhenAll(publishers);
        double seconds = clock.Elapsed.TotalSeconds;
        // The logger counts a message once the transaction holding it has committed.
        long storedAtEnd = loggers.Sum(l => l.Received);
        await Task.Delay(TimeSpan.FromSeconds(3));
        long stored = loggers.Sum(l => l.Received);
        foreach (var logger in loggers)
        {
            await logger.StopAsync();
            await logger.DisposeAsync();
        }

        stores.ForEach(s => s.Dispose());
        bool keptUp = stored >= 0.99 * sent;
        Console.WriteLine($"| {rigs} | {sent / seconds:F0} | {storedAtEnd / seconds:F0} | {100.0 * stored / sent:F1} % | {(keptUp ? "yes" : "no")} |");
        Directory.Delete(folder, recursive: true);
        return keptUp;
    }

    /// <summary>Publishes each rig's frames (10 a second) and events (2 a second), QoS 1, until stopped; returns how many.</summary>
    private static async Task<long> PublishAsync(BrokerEndpoint endpoint, long boot, string[] rigs, CancellationToken stop)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(endpoint.Options($"capacity-{Guid.NewGuid():N}").WithCleanStart(true).Build(), CancellationToken.None);
        // A writer per rig: each numbers its own frames, 1, 2, 3..., as a rig does (the logger finds no holes).
        var writers = rigs.Select(_ => new SampleFrameWriter(13, boot, 7692)).ToArray();
        var sample = new ProcessedSample { IsValid = true, IsReady = true };
        var json = new EventJson();
        var topics = rigs.Select(r => new Topics(endpoint.TopicPrefix, r)).ToArray();
        var inFlight = new SemaphoreSlim(256);
        long count = 0;
        var clock = Stopwatch.StartNew();
        for (long tick = 1; !stop.IsCancellationRequested; tick++)
        {
            // Every 100 ms: one frame from every rig, and every fifth tick one event from every rig.
            var due = TimeSpan.FromMilliseconds(100 * tick);
            if (clock.Elapsed < due)
            {
                try
                {
                    await Task.Delay(due - clock.Elapsed, stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            for (int r = 0; r < rigs.Length; r++)
            {
                var frames = writers[r];
                frames.Clear();
                for (int i = 0; i < 13; i++)
                {
                    sample.CycleIndex = (tick * 13) + i;
                    sample.TimeUs = sample.CycleIndex * 7692;
                    frames.TryAdd(sample);
                }

                await SendAsync(client, inFlight, topics[r].Samples, frames.Buffer[..frames.Length]);
                count++;
                if (tick % 5 == 0)
                {
                    var e = new JournalEvent { Kind = EventKind.Decision, Sequence = tick / 5, TimeUs = tick * 100_000, Code = 1, Value1 = -0.2, Value2 = 0.1 };
                    var buffer = new byte[EventJson.MaxEventBytes];
                    int length = json.Write(rigs[r], boot, e, buffer, 0);
                    await SendAsync(client, inFlight, topics[r].Events, buffer[..length]);
                    count++;
                }
            }
        }

        for (int i = 0; i < 256; i++)
        {
            await inFlight.WaitAsync(CancellationToken.None);
        }

        await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
        return count;
    }

    private static async Task SendAsync(IMqttClient client, SemaphoreSlim inFlight, string topic, byte[] payload)
    {
        await inFlight.WaitAsync(CancellationToken.None);
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
        _ = client.PublishAsync(message, CancellationToken.None).ContinueWith(_ => inFlight.Release(), TaskScheduler.Default);
    }
}
