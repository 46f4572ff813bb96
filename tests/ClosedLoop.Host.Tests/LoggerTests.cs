using MQTTnet;
using MQTTnet.Protocol;

namespace ClosedLoop.Host.Tests;

/// <summary>
/// The logger against a real broker, embedded MQTTnet and Mosquitto 2: every event stored once, whatever dies.
/// </summary>
public sealed class LoggerTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-logger-test").FullName;

    public static TheoryData<string> Brokers => ["embedded", "mosquitto"];

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A broker of <paramref name="kind"/>, started.</summary>
    private static async Task<ITestBroker> StartBrokerAsync(string kind)
    {
        ITestBroker broker = kind == "embedded" ? new EmbeddedTestBroker() : new MosquittoTestBroker();
        await broker.StartAsync();
        return broker;
    }

    private string Database => Path.Combine(_folder, "log.sqlite");

    /// <summary>Every sequence 1..last of the rig's boot is stored exactly once (the primary key forbids twice).</summary>
    private static void AssertComplete(EventStore store, LinkedRig rig)
    {
        var stored = store.Sequences(rig.RigId, rig.BootId);
        Assert.Equal(Enumerable.Range(1, (int)rig.LastSequence).Select(i => (long)i), stored);
    }

    private static Task<EventLogger> StartLoggerAsync(ITestBroker broker, EventStore store) =>
        EventLogger.StartNewAsync(broker.Endpoint, store, "closedloop-logger", CancellationToken.None);

    /// <summary>Waits for <paramref name="condition"/>, serving the rig's replay requests meanwhile unless told not to.</summary>
    private static Task WaitForAsync(Func<bool> condition, LinkedRig rig, EventStore store, bool serveReplays = true) =>
        Eventually.HoldsAsync(
            condition,
            () => $"rig journaled {rig.LastSequence}, store holds {store.CountEvents()} events and {store.CountFaults()} faults ({string.Join("; ", store.Faults())})",
            Patience,
            serveReplays ? rig.Link.Pump : null);

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task Every_event_is_stored_once(string kind)
    {
        await using var broker = await StartBrokerAsync(kind);
        using var store = new EventStore(Database);
        await using var logger = await StartLoggerAsync(broker, store);
        await using var rig = await LinkedRig.StartAsync(broker.Endpoint);

        rig.Run(120);
        await rig.Link.FlushAsync(Patience);

        await WaitForAsync(() => store.CountEvents() == rig.LastSequence, rig, store);
        Assert.True(rig.LastSequence > 60, $"only {rig.LastSequence} events");
        AssertComplete(store, rig);
        Assert.Equal(0, rig.Link.ReplaysServed);
        Assert.Equal("wal", store.JournalMode());
    }

    /// <summary>A rig runs for <paramref name="seconds"/> while a logger stores; then the logger dies as a killed process does.</summary>
    private async Task<LinkedRig> LogThenKillLoggerAsync(ITestBroker broker, bool publishSamples, int seconds)
    {
        using var store = new EventStore(Database);
        var logger = await StartLoggerAsync(broker, store);
        var rig = await LinkedRig.StartAsync(broker.Endpoint, publishSamples: publishSamples);
        rig.Run(seconds);
        await rig.Link.FlushAsync(Patience);
        await WaitForAsync(() => logger.Received > 10, rig, store);
        logger.Kill();
        return rig;
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task Nothing_is_lost_or_doubled_when_the_logger_is_killed_and_restarted(string kind)
    {
        await using var broker = await StartBrokerAsync(kind);
        var rig = await LogThenKillLoggerAsync(broker, publishSamples: false, seconds: 60);

        // The rig goes on while the logger is dead; the broker queues for the logger's persistent session, well
        // past MQTTnet's default of 250 queued messages a client.
        long before = rig.LastSequence;
        rig.Run(600);
        await rig.Link.FlushAsync(Patience);
        Assert.True(rig.LastSequence - before > 300, $"only {rig.LastSequence - before} events during the outage");

        // The rig answers no replay from here on, so everything the restarted logger stores came from the broker's
        // queue. (It may still ask: a queue that pauses for a second under load looks like a gap.)
        using var reopened = new EventStore(Database);
        await using var restarted = await StartLoggerAsync(broker, reopened);
        await WaitForAsync(() => reopened.CountEvents() == rig.LastSequence, rig, reopened, serveReplays: false);
        AssertComplete(reopened, rig);
        await rig.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task No_sample_frame_is_lost_when_the_logger_is_killed_and_restarted(string kind)
    {
        await using var broker = await StartBrokerAsync(kind);
        var rig = await LogThenKillLoggerAsync(broker, publishSamples: true, seconds: 10);

        // A minute of samples streams while no logger runs: the broker keeps them for the logger's session.
        rig.Run(60);
        await rig.Link.FlushAsync(Patience);

        using var reopened = new EventStore(Database);
        await using var restarted = await StartLoggerAsync(broker, reopened);
        await WaitForAsync(() => reopened.CountFrames() == rig.Link.FramesSent, rig, reopened);
        Assert.Equal(rig.Link.FramesSent, reopened.CountFrames());
        Assert.True(rig.Link.FramesSent > 500, $"only {rig.Link.FramesSent} frames");
        await rig.DisposeAsync();
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task Nothing_is_lost_or_doubled_when_the_broker_restarts(string kind)
    {
        await using var broker = await StartBrokerAsync(kind);
        using var store = new EventStore(Database);
        await using var logger = await StartLoggerAsync(broker, store);
        await using var rig = await LinkedRig.StartAsync(broker.Endpoint);
        rig.Run(60);
        await rig.Link.FlushAsync(Patience);

        await broker.StopAsync();
        rig.Run(60);
        await broker.StartAsync();
        rig.Run(30);
        await rig.Link.FlushAsync(Patience);

        // With the embedded broker the logger's queued messages die with it; the gap makes the logger ask the rig
        // for a replay, and the journal still holds them.
        await WaitForAsync(() => store.CountEvents() == rig.LastSequence, rig, store);
        AssertComplete(store, rig);
    }

    /// <summary>Stops the broker, runs the rig on through the outage, then brings the broker back and lets the logger in first.</summary>
    private static async Task OutageAsync(ITestBroker broker, EventLogger logger, LinkedRig rig, int seconds)
    {
        await broker.StopAsync();

        // The logger must have seen the broker go, or its connected flag below would still be the old connection's.
        await Eventually.UntilAsync(() => !logger.IsConnected, Patience);

        rig.Run(seconds);
        await broker.StartAsync();
        await Eventually.UntilAsync(() => logger.IsConnected, Patience);

        // The logger subscribes right after it connects; the rig only publishes when pumped.
        await Task.Delay(500);
        rig.Run(5);
        await rig.Link.FlushAsync(Patience);
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task An_outage_longer_than_the_virtual_rigs_ram_loses_nothing_through_its_spill_store(string kind)
    {
        await using var broker = await StartBrokerAsync(kind);
        using var store = new EventStore(Database);
        await using var logger = await StartLoggerAsync(broker, store);
        await using var rig = await LinkedRig.StartAsync(broker.Endpoint, publishSamples: true, frameCapacity: 40, settings: ["journal.capacity=32"]);
        rig.Run(20);
        await rig.Link.FlushAsync(Patience);
        long eventsBefore = rig.LastSequence;
        long framesBefore = rig.Link.NewestFrame;

        // Two minutes away: far more events than the 32 the RAM journal holds and frames than its 40 slots.
        await OutageAsync(broker, logger, rig, 120);

        Assert.True(rig.LastSequence - eventsBefore > 64, $"only {rig.LastSequence - eventsBefore} events during the outage");
        Assert.True(rig.Link.NewestFrame - framesBefore > 1000, $"only {rig.Link.NewestFrame - framesBefore} frames during the outage");
        Assert.True(rig.Link.Spilled > 1000, $"only {rig.Link.Spilled} events and frames went to the spill store");
        await WaitForAsync(() => store.CountEvents() == rig.LastSequence && store.CountFrames() == rig.Link.NewestFrame, rig, store);
        AssertComplete(store, rig);
        Assert.Empty(store.MissingFrames(rig.RigId, rig.BootId));
        Assert.Empty(rig.Events(ClosedLoop.Engine.Journal.EventKind.EventsLost));
        Assert.Empty(rig.Events(ClosedLoop.Engine.Journal.EventKind.FramesLost));
    }

    [Fact]
    public async Task An_outage_past_ram_and_spill_store_is_counted_as_lost_once_and_marked_in_the_log()
    {
        await using var broker = await StartBrokerAsync("embedded");
        using var store = new EventStore(Database);
        await using var logger = await StartLoggerAsync(broker, store);
        await using var rig = await LinkedRig.StartAsync(broker.Endpoint, publishSamples: true, frameCapacity: 40, settings: ["journal.capacity=32", "journal.spill_kb=0", "journal.frame_spill_kb=0"]);
        rig.Run(20);
        await rig.Link.FlushAsync(Patience);

        await OutageAsync(broker, logger, rig, 120);

        // Nothing to spill to: what RAM could not hold is reported, once each, as the board reports it.
        var eventsLost = Assert.Single(rig.Events(ClosedLoop.Engine.Journal.EventKind.EventsLost));
        var framesLost = Assert.Single(rig.Events(ClosedLoop.Engine.Journal.EventKind.FramesLost));
        Assert.True(eventsLost.Ref2 > 0 && framesLost.Ref2 > 1000, $"{eventsLost.Ref2} events and {framesLost.Ref2} frames lost");
        Assert.Equal(0, rig.Link.Spilled);
        await WaitForAsync(() => store.MissingFrames(rig.RigId, rig.BootId).Count == 1 && store.CountFrames() + framesLost.Ref2 == rig.Link.NewestFrame, rig, store);
        Assert.Equal([(framesLost.Ref1, framesLost.Ref1 + framesLost.Ref2 - 1)], store.MissingFrames(rig.RigId, rig.BootId));
        var stored = store.Sequences(rig.RigId, rig.BootId).ToHashSet();
        Assert.All(Enumerable.Range((int)eventsLost.Ref1, (int)eventsLost.Ref2), s => Assert.DoesNotContain((long)s, stored));
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task Events_published_before_any_logger_existed_are_fetched_from_the_rig(string kind)
    {
        await using var broker = await StartBrokerAsync(kind);
        await using var rig = await LinkedRig.StartAsync(broker.Endpoint);
        rig.Run(60);
        await rig.Link.FlushAsync(Patience);

        // No session existed, so the broker kept nothing for this logger but the rig's retained status, whose
        // next_seq tells the logger how much it missed.
        using var store = new EventStore(Database);
        await using var logger = await StartLoggerAsync(broker, store);

        await WaitForAsync(() => store.CountEvents() == rig.LastSequence, rig, store);
        AssertComplete(store, rig);
        Assert.True(rig.Link.ReplaysServed >= 1);
    }

    [Fact]
    public async Task The_loggers_clock_not_the_hosts_speed_decides_when_a_gap_is_asked_about()
    {
        // The same gap as above, with the logger on a clock the test moves: while it stands still no replay is
        // asked for however long the host takes; once a second's grace has passed on it, the rig is asked.
        await using var broker = await StartBrokerAsync("embedded");
        await using var rig = await LinkedRig.StartAsync(broker.Endpoint);
        rig.Run(30);
        await rig.Link.FlushAsync(Patience);
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.Parse("2026-12-07T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var store = new EventStore(Database);
        await using var logger = await EventLogger.StartNewAsync(broker.Endpoint, store, "closedloop-logger", CancellationToken.None, time);

        await Eventually.HoldsAsync(() => logger.Received >= 1, () => "the logger never heard the rig's retained status");
        // Three seconds: on the system clock the logger would have asked by then (1 s grace, a look every 2 s).
        await Eventually.UntilAsync(() => false, TimeSpan.FromSeconds(3), rig.Link.Pump);

        Assert.Equal(0, rig.Link.ReplaysServed);
        Assert.Equal(0, store.CountEvents());

        // Now the clock moves (a quarter second a look) and the gap is asked about.
        await Eventually.HoldsAsync(
            () => store.CountEvents() == rig.LastSequence,
            () => $"store holds {store.CountEvents()} of {rig.LastSequence} events",
            eachRound: () =>
            {
                time.Advance(TimeSpan.FromMilliseconds(250));
                rig.Link.Pump();
            });
        AssertComplete(store, rig);
        Assert.True(rig.Link.ReplaysServed >= 1);
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task Sample_frames_published_before_any_logger_existed_are_fetched_from_the_rig(string kind)
    {
        await using var broker = await StartBrokerAsync(kind);
        await using var rig = await LinkedRig.StartAsync(broker.Endpoint, publishSamples: true);
        rig.Run(60);
        await rig.Link.FlushAsync(Patience);

        // Nobody kept these frames; the retained status says how many there are, the rig still holds them all.
        using var store = new EventStore(Database);
        await using var logger = await StartLoggerAsync(broker, store);

        await WaitForAsync(() => logger.FrameGaps.High(rig.RigId, rig.BootId) >= rig.Link.NewestFrame, rig, store);
        Assert.Empty(store.MissingFrames(rig.RigId, rig.BootId));
        Assert.True(rig.Link.NewestFrame > 500, $"only {rig.Link.NewestFrame} frames");
        Assert.Equal(rig.Link.NewestFrame, store.CountFrames());
    }

    [Fact]
    public async Task Frames_the_rig_no_longer_holds_are_reported_lost_once_and_no_longer_asked_for()
    {
        await using var broker = await StartBrokerAsync("embedded");
        await using var rig = await LinkedRig.StartAsync(broker.Endpoint, publishSamples: true, frameCapacity: 50);
        rig.Run(60);
        await rig.Link.FlushAsync(Patience);
        long newest = rig.Link.NewestFrame;

        using var store = new EventStore(Database);
        await using var logger = await StartLoggerAsync(broker, store);
        await WaitForAsync(() => logger.FrameGaps.High(rig.RigId, rig.BootId) >= newest, rig, store);

        // The rig keeps the last 50: it says the rest are gone, sends what it has, and the log marks the hole.
        var lost = Assert.Single(rig.Events(ClosedLoop.Engine.Journal.EventKind.FramesLost));
        Assert.Equal((1L, newest - 50), (lost.Ref1, lost.Ref2));
        Assert.Equal([(1L, newest - 50)], store.MissingFrames(rig.RigId, rig.BootId));
        Assert.Empty(store.Faults());

        // Export and report say so, and the report's trace is not drawn across the hole.
        string export = Path.Combine(_folder, "export");
        await ClosedLoop.Host.Export.SessionExport.WriteAsync(store, rig.RigId, rig.BootId, export);
        using var sidecar = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(export, $"{rig.RigId}.json")));
        var gap = Assert.Single(sidecar.RootElement.GetProperty("missing_samples").EnumerateArray());
        Assert.Equal((1L, newest - 50), (gap.GetProperty("first_frame").GetInt64(), gap.GetProperty("last_frame").GetInt64()));
        var data = ClosedLoop.Host.Report.SessionData.Load(store, rig.RigId, rig.BootId, 1);
        Assert.Equal(newest - 50, Assert.Single(data.Gaps).Frames);
        string report = File.ReadAllText(ClosedLoop.Host.Report.SessionReport.Write(data, Path.Combine(_folder, "report")).First(f => f.EndsWith(".html", StringComparison.Ordinal)));
        Assert.Contains($"{newest - 50} sample frames were lost", report, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task A_rig_reboot_starts_a_new_stream_and_loses_nothing_it_published(string kind)
    {
        await using var broker = await StartBrokerAsync(kind);
        using var store = new EventStore(Database);
        await using var logger = await StartLoggerAsync(broker, store);

        var before = await LinkedRig.StartAsync(broker.Endpoint, bootId: 41);
        before.Run(60);
        await before.Link.FlushAsync(Patience);
        await before.DisposeAsync();

        await using var after = await LinkedRig.StartAsync(broker.Endpoint, bootId: 42, seed: 2);
        after.Run(60);
        await after.Link.FlushAsync(Patience);

        await WaitForAsync(() => store.CountEvents() == before.LastSequence + after.LastSequence, after, store);
        AssertComplete(store, before);
        AssertComplete(store, after);
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task A_full_disk_is_reported_at_once_and_the_logger_resumes_by_itself_losing_nothing(string kind)
    {
        await using var broker = await StartBrokerAsync(kind);
        using var store = new EventStore(Database);
        var problems = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var logger = await StartLoggerAsync(broker, store);
        logger.Problem = problems.Enqueue;
        await using var rig = await LinkedRig.StartAsync(broker.Endpoint);
        rig.Run(10);
        await WaitForAsync(() => store.CountEvents() == rig.LastSequence, rig, store);

        // The disk fills: nothing more fits.
        store.LimitSize(0);
        rig.Run(60);
        await rig.Link.FlushAsync(Patience);
        await WaitForAsync(() => logger.WriteError is not null, rig, store);
        Assert.Contains("cannot write the log", Assert.Single(problems), StringComparison.Ordinal);
        Assert.Contains("full", logger.WriteError, StringComparison.OrdinalIgnoreCase);
        string? status = await RetainedAsync(broker.Endpoint, logger.StatusTopic);
        Assert.Contains("\"ok\":false", status, StringComparison.Ordinal);
        Assert.Contains("full", status, StringComparison.OrdinalIgnoreCase);
        Assert.True(store.CountEvents() < rig.LastSequence);

        // Space returns: the logger writes again by itself, and everything the rig journaled is there once.
        store.LimitSize(1L << 40);
        await WaitForAsync(() => logger.WriteError is null && store.CountEvents() == rig.LastSequence, rig, store);
        AssertComplete(store, rig);
        Assert.Contains("written again", problems.Last(), StringComparison.Ordinal);
        Assert.Contains("\"ok\":true", await RetainedAsync(broker.Endpoint, logger.StatusTopic), StringComparison.Ordinal);
    }

    /// <summary>The retained message on <paramref name="topic"/>, as a new subscriber sees it.</summary>
    private static async Task<string?> RetainedAsync(BrokerEndpoint endpoint, string topic)
    {
        await using var client = await BrokerClient.ConnectAsync(endpoint, CancellationToken.None);
        byte[]? payload = await client.WaitForAsync(topic, _ => true, TimeSpan.FromSeconds(5), null, CancellationToken.None);
        return payload is null ? null : Encoding.UTF8.GetString(payload);
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task Bad_messages_become_faults_and_never_stop_the_logger(string kind)
    {
        await using var broker = await StartBrokerAsync(kind);
        using var store = new EventStore(Database);
        await using var logger = await StartLoggerAsync(broker, store);
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(broker.Endpoint.Options("troublemaker").Build());

        async Task Publish(string topic, string payload) =>
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(Encoding.UTF8.GetBytes(payload)).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        await Publish("closedloop/rig-x/events", "{not json");
        await Publish("closedloop/rig-x/events", """{"v":9,"rig":"rig-x","boot":1,"seq":1,"t_us":0,"kind":"boot","config":"0000000000000000"}""");
        await Publish("closedloop/rig-x/events/extra", "{}");
        await Publish("closedloop/rig-y/events", """{"v":1,"rig":"rig-x","boot":1,"seq":1,"t_us":0,"kind":"boot","config":"0000000000000000"}""");
        await Publish("closedloop/rig-x/events", "{\"pad\":\"" + new string('x', 600) + "\"}");
        await using var rig = await LinkedRig.StartAsync(broker.Endpoint);
        rig.Run(30);
        await rig.Link.FlushAsync(Patience);

        await WaitForAsync(() => store.CountEvents() == rig.LastSequence && store.CountFaults() == 5, rig, store);
        var faults = store.Faults();
        Assert.Contains(("closedloop/rig-x/events", "not a flat JSON object: expected a field name in quotes at byte 1"), faults);
        Assert.Contains(("closedloop/rig-x/events", "unknown schema version 9; this reader knows version 1"), faults);
        Assert.Contains(("closedloop/rig-x/events/extra", "unexpected topic"), faults);
        Assert.Contains(("closedloop/rig-y/events", "event of rig 'rig-x' published under rig 'rig-y'"), faults);
        Assert.Contains(("closedloop/rig-x/events", "610 bytes: more than the 512 a events message may hold (the first 4096 are kept)"), faults);
        AssertComplete(store, rig);
    }
}
