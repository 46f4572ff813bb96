using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Processing;
using ClosedLoop.Engine.Wire;
using ClosedLoop.Host.Logging;
using ClosedLoop.Host.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;

namespace ClosedLoop.Bench;

/// <summary>
/// The logger's ingest through the embedded broker on loopback into SQLite (WAL) or a PostgreSQL database, measured, not asserted:
/// <list type="number">
/// <item><b>sustained</b>: 32 rigs publish QoS 1 events as fast as the broker takes them (64 in flight each) for a
/// fixed time while also streaming sample frames at 130 Hz per channel (10 frames a second each); reports events
/// per second committed and lost;</item>
/// <item><b>lab scale</b>: 32 rigs at 5 events a second each plus their sample frames; reports the delay from each
/// event's publish to the commit of the row holding it (p50, p99, max).</item>
/// </list>
/// With more than one logger, they form a group (`log --group`: a shared subscription on a broker that has them, into
/// one PostgreSQL database), and what they store together is counted.
/// </summary>
public static class IngestBenchmark
{
    private const int Rigs = 32;
    private static string? s_external;
    private static string? s_database;
    private static int s_loggers = 1;

    /// <summary>
    /// Runs both loads; with <paramref name="externalBroker"/> (host:port, anonymous) against that broker instead of the
    /// embedded one, with <paramref name="database"/> (a postgresql:// address) into that database instead of a new
    /// SQLite file (each load's events under a boot of their own, so that the loads never meet).
    /// </summary>
    public static async Task RunAsync(TimeSpan duration, string? externalBroker = null, string? database = null, int loggers = 1)
    {
        if (loggers > 1 && (externalBroker is null || database is null))
        {
            throw new ArgumentException("a group of loggers needs a broker with shared subscriptions (Mosquitto: host:port) and one PostgreSQL database");
        }

        s_external = externalBroker;
        s_database = database;
        s_loggers = loggers;
        Console.WriteLine($"| load | events published | events stored | lost | events/s committed | p50 | p99 | max |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        await MeasureAsync("sustained: 32 rigs, unthrottled", duration, eventsPerSecondPerRig: 0);
        await MeasureAsync("lab scale: 32 rigs × 5 events/s", duration, eventsPerSecondPerRig: 5);
    }

    private static async Task MeasureAsync(string label, TimeSpan duration, double eventsPerSecondPerRig)
    {
        string folder = Directory.CreateTempSubdirectory("closedloop-ingest").FullName;
        int port = EmbeddedBroker.FreePort();
        await using var broker = s_external is null ? await EmbeddedBroker.StartAsync(IPAddress.Loopback, port) : null;
        var endpoint = s_external is null
            ? BrokerEndpoint.Loopback(port)
            : new BrokerEndpoint(s_external.Split(':')[0], int.Parse(s_external.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture), TopicPrefix: $"bench{Environment.TickCount64}");
        var stores = Enumerable.Range(0, s_loggers)
            .Select(_ => s_database is null ? new EventStore(Path.Combine(folder, "ingest.sqlite")) : LogLocation.Parse(s_database).OpenForWriting()).ToList();
        long boot = Environment.TickCount64;
        var published = new ConcurrentDictionary<(string, long), long>();
        var delays = new ConcurrentBag<double>();
        var clock = Stopwatch.StartNew();
        long lastCommitTicks = 0;
        void Committed(IReadOnlyList<StoredEvent> batch)
        {
            long now = clock.ElapsedTicks;
            Interlocked.Exchange(ref lastCommitTicks, now);
            foreach (var e in batch)
            {
                if (published.TryRemove((e.Rig, e.Sequence), out long sent))
                {
                    delays.Add((now - sent) * 1000.0 / Stopwatch.Frequency);
                }
            }
        }

        string run = $"{Environment.TickCount64}";
        var loggers = stores.Select((store, i) => new EventLogger(endpoint, store, $"bench-logger-{run}-{i}", group: s_loggers > 1 ? $"bench{run}" : null) { Committed = Committed }).ToList();
        foreach (var logger in loggers)
        {
            await logger.StartAsync(CancellationToken.None);
        }

        using var stop = new CancellationTokenSource(duration);
        var counts = new long[Rigs];
        var rigs = Enumerable.Range(0, Rigs).Select(i => Task.Run(() => RigAsync($"rig-{i:D2}", boot, endpoint, eventsPerSecondPerRig, published, clock, counts, i, stop.Token))).ToArray();
        await Task.WhenAll(rigs);
        long total = counts.Sum();

        var deadline = DateTime.UtcNow.AddSeconds(300);
        while (loggers.Sum(l => l.Stored) < total && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        // Throughput counts from the first publish to the commit of the last event.
        double seconds = (double)Interlocked.Read(ref lastCommitTicks) / Stopwatch.Frequency;
        foreach (var logger in loggers)
        {
            await logger.StopAsync();
            await logger.DisposeAsync();
        }

        long stored = loggers.Sum(l => l.Stored);
        stores.ForEach(s => s.Dispose());
        var sorted = delays.Order().ToArray();
        string Percentile(double p) => sorted.Length == 0 ? "-" : $"{sorted[(int)Math.Min(sorted.Length - 1, p * sorted.Length)]:F1} ms";
        Console.WriteLine($"| {label} | {total} | {stored} | {total - stored} | {stored / seconds:F0} | {Percentile(0.5)} | {Percentile(0.99)} | {Percentile(1.0)} |");
        Directory.Delete(folder, recursive: true);
    }

    private static async Task RigAsync(string rigId, long boot, BrokerEndpoint endpoint, double eventsPerSecond, ConcurrentDictionary<(string, long), long> published, Stopwatch clock, long[] counts, int index, CancellationToken stop)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(endpoint.Options($"bench-{rigId}").WithCleanStart(true).Build(), stop);
        var topics = new Topics(endpoint.TopicPrefix, rigId);
        var json = new EventJson();
        var frames = new SampleFrameWriter(13, boot, 7692);
        var sample = new ProcessedSample { IsValid = true, IsReady = true };
        var inFlight = new SemaphoreSlim(64);
        var pending = new List<Task>();
        long sequence = 0;
        long cycle = 0;
        var started = clock.Elapsed;
        var nextFrame = started;
        while (!stop.IsCancellationRequested)
        {
            // Sample frames at the rate a 130 Hz rig produces them, QoS 0.
            while (clock.Elapsed >= nextFrame)
            {
                frames.Clear();
                for (int i = 0; i < 13; i++)
                {
                    // Each sample one period after the last: the writer takes a frame's samples only on its period
                    // (with the time left at 0, every frame before this fix held one sample, not 13).
                    sample.CycleIndex = cycle++;
                    sample.TimeUs = sample.CycleIndex * 7692;
                    frames.TryAdd(sample);
                }

                _ = client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topics.Samples).WithPayload(frames.Buffer[..frames.Length]).Build(), CancellationToken.None);
                nextFrame += TimeSpan.FromMilliseconds(100);
            }

            if (eventsPerSecond > 0 && sequence >= (clock.Elapsed - started).TotalSeconds * eventsPerSecond)
            {
                await Task.Delay(5, CancellationToken.None);
                continue;
            }

            var e = new JournalEvent { Kind = EventKind.Decision, Sequence = ++sequence, TimeUs = sequence * 1000, Code = 1, Value1 = -0.2, Value2 = 0.1 };
            var buffer = new byte[EventJson.MaxEventBytes];
            int length = json.Write(rigId, boot, e, buffer, 0);
            var message = new MqttApplicationMessageBuilder().WithTopic(topics.Events).WithPayload(buffer[..length]).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
            await inFlight.WaitAsync(CancellationToken.None);
            published[(rigId, sequence)] = clock.ElapsedTicks;
            pending.Add(client.PublishAsync(message, CancellationToken.None).ContinueWith(_ => inFlight.Release(), TaskScheduler.Default));
            if (pending.Count > 1000)
            {
                pending.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(pending);
        counts[index] = sequence;
        await client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), CancellationToken.None);
    }
}
