using System.Buffers;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Protocol;

namespace ClosedLoop.Host.Logging;

/// <summary>
/// The headless logger: at least once from the broker, no duplicates in the store.
/// <list type="bullet">
/// <item>a stable client id with a persistent MQTT 5 session (clean start off, session never expires), so the
/// broker keeps QoS 1 events for it while it is away;</item>
/// <item>manual acknowledgement: a message is acknowledged only after the transaction holding it commits;</item>
/// <item>events keyed by (rig, boot, sequence): a redelivery or a replay is ignored;</item>
/// <item>gap detection: a sequence beyond a hole sends the rig a replay command from the first missing one;</item>
/// <item>anything malformed (bad JSON, unknown schema version, unexpected topic) becomes a fault row with its
/// topic and reason, and is acknowledged so it cannot block the stream; nothing stops the logger;</item>
/// <item>a store that cannot write (a full disk) is reported at once (<see cref="Problem"/>, and a retained
/// status on <c>PREFIX/_loggers/NAME/status</c> that monitors show, NAME being the broker user, the name the
/// broker's ACL proves, or the client id without one); the batch stays unacknowledged and is tried again every
/// <see cref="WriteRetry"/> until it commits, and the logger carries on by itself; a logger of a group leaves the
/// group meanwhile (it disconnects), so that the broker deals its share to the others instead of holding it for a
/// logger that cannot write, and joins again once the batch commits;</item>
/// <item>a session taken over by another client with the same id (a second logger started with the same
/// <c>--client-id</c>) ends this logger, said at once (<see cref="Ended"/>), instead of the two reconnecting in turn
/// and splitting the stream between their logs.</item>
/// </list>
/// </summary>
public sealed class EventLogger : IAsyncDisposable
{
    private const int MaxBatch = 1000;

    /// <summary>How often a batch that could not be written is tried again.</summary>
    public static readonly TimeSpan WriteRetry = TimeSpan.FromSeconds(1);

    /// <summary>The topic level under the prefix where loggers publish their own status (not a rig).</summary>
    public const string LoggersLevel = LoggerTopics.LoggersLevel;
    private static readonly TimeSpan ReplayRetry = TimeSpan.FromSeconds(2);

    /// <summary>How often a logger away from its broker tries to connect again.</summary>
    private static readonly TimeSpan ReconnectInterval = TimeSpan.FromMilliseconds(250);

    private readonly BrokerEndpoint _endpoint;
    private readonly EventStore _store;
    private readonly string _clientId;
    private readonly IMqttClient _client;
    private readonly Channel<MqttApplicationMessageReceivedEventArgs> _received = Channel.CreateUnbounded<MqttApplicationMessageReceivedEventArgs>(new UnboundedChannelOptions { SingleReader = true });
    private readonly GapTracker _gaps;
    private readonly GapTracker _frameGaps;
    private readonly MessageClassifier _classifier;
    private readonly string? _group;
    private readonly CancellationTokenSource _stop = new();
    private Task? _writer;
    private bool _stopping;

    /// <summary>In a group, while the store cannot write: away from the broker, so that the group takes this share.</summary>
    private volatile bool _leftGroup;
    private Task? _keeper;
    private long _receivedCount;
    private long _stored;
    private long _faults;
    private readonly TaskCompletionSource<string> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TimeProvider _time;
    private long _connectedAt;
    private int _shortLivedDrops;

    /// <summary>A connection the broker ends sooner than this after it was made counts towards a taken-over session.</summary>
    private static readonly TimeSpan ShortLivedConnection = TimeSpan.FromSeconds(3);

    /// <summary>Connections ended right after they were made, in a row, that mean another client holds this client id.</summary>
    private const int ShortLivedDropsToStop = 3;

    /// <summary>
    /// A client id that stays the same for one logger (this machine, this log file) across restarts, so that its
    /// persistent session survives them, and differs between two loggers, so that they never take each other's.
    /// </summary>
    public static string DefaultClientId(string storePath)
    {
        string where = $"{Environment.MachineName}\n{Path.GetFullPath(storePath)}";
        byte[] hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(where));
        return "closedloop-logger-" + Convert.ToHexStringLower(hash, 0, 4);
    }

    /// <summary>Completes, with the reason, when the logger stopped by itself (another client took its session).</summary>
    public Task<string> Ended => _ended.Task;

    /// <param name="time">What decides when a gap is asked about again and how long a connection lasted (the system's clock unless a test gives its own).</param>
    /// <param name="group">
    /// A shared-subscription group (MQTT 5 <c>$share/GROUP/...</c>): the loggers of one group split the rigs' messages
    /// between them and write into one store (a PostgreSQL database), each finding what is missing from the store, not
    /// from what it alone received; null: this logger takes every message.
    /// </param>
    public EventLogger(BrokerEndpoint endpoint, EventStore store, string clientId = "closedloop-logger", TimeProvider? time = null, string? group = null)
    {
        _group = group;
        _time = time ?? TimeProvider.System;
        _endpoint = endpoint;
        _store = store;
        _classifier = new MessageClassifier(endpoint.TopicPrefix);
        _clientId = clientId;
        _gaps = new GapTracker(store.ContiguousHighs());
        _frameGaps = new GapTracker(store.ContiguousFrameHighs());
        _client = new MqttClientFactory().CreateMqttClient();
        _client.DisconnectedAsync += e =>
        {
            if (_stopping || _leftGroup || !e.ClientWasConnected)
            {
                return Task.CompletedTask;
            }

            // MQTT 5 brokers say when a session was taken over; Mosquitto 2.0 just closes the connection (MQTTnet
            // reports a normal disconnection), so a connection ended again and again right after it was made
            // counts too. Reconnecting would take the session back, and two loggers would each store part of the stream.
            bool shortLived = _time.GetElapsedTime(_connectedAt) < ShortLivedConnection;
            _shortLivedDrops = shortLived ? _shortLivedDrops + 1 : 0;
            if (e.Reason == MqttClientDisconnectReason.SessionTakenOver || _shortLivedDrops >= ShortLivedDropsToStop)
            {
                string reason = $"another client connected with this logger's client id '{_clientId}' and took its session (the broker ended this logger's connection {(_shortLivedDrops >= ShortLivedDropsToStop ? $"{_shortLivedDrops} times right after it connected" : "saying so")}): two loggers need different --client-id values; this logger stopped";
                if (_ended.TrySetResult(reason))
                {
                    Problem?.Invoke(reason);
                }
            }

            return Task.CompletedTask;
        };
        _client.ApplicationMessageReceivedAsync += e =>
        {
            // Acknowledged by the writer after the commit; the handler only hands the message over.
            e.AutoAcknowledge = false;
            _received.Writer.TryWrite(e);
            return Task.CompletedTask;
        };
    }

    public long Received => Interlocked.Read(ref _receivedCount);

    /// <summary>Events that were new to the store.</summary>
    public long Stored => Interlocked.Read(ref _stored);

    public long Faults => Interlocked.Read(ref _faults);

    public bool IsConnected => _client.IsConnected;

    /// <summary>Told of each batch of new and repeated events right after its transaction committed (for measurements).</summary>
    public Action<IReadOnlyList<StoredEvent>>? Committed { get; set; }

    public GapTracker Gaps => _gaps;

    /// <summary>The same for sample frames, by frame number.</summary>
    public GapTracker FrameGaps => _frameGaps;

    /// <summary>Why the store cannot write now (null while it can).</summary>
    public string? WriteError { get; private set; }

    /// <summary>Told at once when writing fails and when it works again (the `log` command prints it).</summary>
    public Action<string>? Problem { get; set; }

    /// <summary>Where this logger's retained status lives.</summary>
    /// <summary>
    /// Where this logger's retained status lives: under its broker user, the name the broker's ACL grants
    /// (<c>_loggers/USER/status</c>), or under its client id on a broker without users.
    /// </summary>
    public string StatusTopic => $"{_endpoint.TopicPrefix}/{LoggersLevel}/{_endpoint.Username ?? _clientId}/status";

    /// <summary>A logger of <paramref name="store"/>, already subscribed and storing.</summary>
    public static async Task<EventLogger> StartNewAsync(BrokerEndpoint endpoint, EventStore store, string clientId, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        var logger = new EventLogger(endpoint, store, clientId, time);
        await logger.StartAsync(cancellationToken).ConfigureAwait(false);
        return logger;
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken).ConfigureAwait(false);
        _writer = Task.Run(() => WriteLoopAsync(_stop.Token), CancellationToken.None);
        _keeper = Task.Run(() => KeepConnectedAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>A clean stop (SIGTERM): receive nothing more, commit and acknowledge what arrived, then disconnect.</summary>
    public async Task StopAsync()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        try
        {
            if (_client.IsConnected)
            {
                // Unsubscribing first stops new deliveries; the session (and what the broker queues for it) stays.
                var filters = new MqttClientUnsubscribeOptionsBuilder();
                foreach (string topic in Subscriptions)
                {
                    filters.WithTopicFilter(topic);
                }

                await _client.UnsubscribeAsync(filters.Build()).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            // A busy or vanished broker: stop all the same. Anything delivered after this is not acknowledged and
            // comes again to the next logger of this session.
        }

        // The writer drains what has arrived, commits and acknowledges it, then ends.
        _received.Writer.TryComplete();
        if (_writer is not null)
        {
            await _writer.ConfigureAwait(false);
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_keeper is not null)
        {
            await _keeper.ConfigureAwait(false);
        }

        try
        {
            if (_client.IsConnected)
            {
                // A clean disconnect sends no will: say offline ourselves.
                await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(StatusTopic).WithPayload(StatusJson(online: false))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(true).Build()).ConfigureAwait(false);
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build()).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
        }
    }

    /// <summary>
    /// Dies as a killed process would: the connection drops without a goodbye, nothing more is acknowledged, and
    /// what was not committed is lost here (the broker redelivers it). Returns once the writer has stopped touching
    /// the store, so that the caller may close it as the dying process would.
    /// </summary>
    public void Kill()
    {
        _stop.Cancel();
        _client.Dispose();
        try
        {
            _writer?.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
            // Whatever the writer was doing when the connection vanished no longer matters.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync().ConfigureAwait(false);
        }


        _client.Dispose();
        _stop.Dispose();
    }

    // Everything under the prefix, so that a message on an unexpected topic is seen and recorded as a fault.
    private string[] Subscriptions => [_group is null ? $"{_endpoint.TopicPrefix}/#" : $"$share/{_group}/{_endpoint.TopicPrefix}/#"];

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        // Alone, a persistent session: the broker keeps the logger's messages while it is away. In a group, a session
        // that ends with its connection: a dead logger's session would otherwise go on taking its share of new messages
        // (brokers deal shared messages to offline sessions too) and hold them; its share goes to the living instead,
        // and what was in flight to it is found missing in the store and asked of the rigs again.
        var options = _endpoint.Options(_clientId)
            .WithCleanStart(_group is not null)
            .WithSessionExpiryInterval(_group is null ? uint.MaxValue : 0)
            .WithWillTopic(StatusTopic)
            .WithWillPayload(StatusJson(online: false))
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        BrokerClient.EnsureAccepted(await _client.ConnectAsync(options, cancellationToken).ConfigureAwait(false), _endpoint);
        _connectedAt = _time.GetTimestamp();
        await PublishStatusAsync().ConfigureAwait(false);

        // Subscribing again to a present session changes nothing, and covers a broker that lost it.
        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (string topic in Subscriptions)
        {
            subscribe.WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        var granted = await _client.SubscribeAsync(subscribe.Build(), cancellationToken).ConfigureAwait(false);
        foreach (var item in granted.Items.Where(i => (int)i.ResultCode > (int)MqttClientSubscribeResultCode.GrantedQoS2))
        {
            throw new InputException(item.ResultCode == MqttClientSubscribeResultCode.SharedSubscriptionsNotSupported
                ? $"--group {_group}: the broker at {_endpoint.Host}:{_endpoint.Port} does not take shared subscriptions (MQTTnet's embedded broker does not; Mosquitto 2 does): run a group of loggers against the lab's Mosquitto"
                : $"the broker refused the logger's subscription to {item.TopicFilter.Topic}: {item.ResultCode}");
        }
    }

    private async Task KeepConnectedAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(ReconnectInterval, _time, cancellationToken).ConfigureAwait(false);
                if (_ended.Task.IsCompleted)
                {
                    return;
                }

                if (!_client.IsConnected && !_leftGroup)
                {
                    await ConnectAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (BrokerLoginRefusedException refused)
            {
                // The broker is back but no longer takes this login (a changed password): say so, keep trying.
                Problem?.Invoke(refused.Message);
            }
            catch (Exception exception) when (exception is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or OperationCanceledException)
            {
                // The broker is away: try again shortly.
            }
        }
    }

    /// <summary>
    /// Commits what has arrived in batches and acknowledges it afterwards; between messages, every couple of
    /// seconds, asks rigs to replay gaps. Ends when the channel is completed and drained (a clean stop), or at
    /// once on a kill, leaving the uncommitted unacknowledged for the broker to redeliver.
    /// </summary>
    private async Task WriteLoopAsync(CancellationToken cancellationToken)
    {
        var batch = new List<MqttApplicationMessageReceivedEventArgs>(MaxBatch);
        try
        {
            while (true)
            {
                bool more;
                using (var retry = new CancellationTokenSource(ReplayRetry, _time))
                using (var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, retry.Token))
                {
                    try
                    {
                        more = await _received.Reader.WaitToReadAsync(tick.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        more = true;
                    }
                }

                if (!more)
                {
                    return;
                }

                batch.Clear();
                while (batch.Count < MaxBatch && _received.Reader.TryRead(out var message))
                {
                    batch.Add(message);
                }

                if (batch.Count > 0 && !await CommitUntilWrittenAsync(batch, cancellationToken).ConfigureAwait(false))
                {
                    return;
                }

                await RequestReplaysAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// Commits the batch, and while the store cannot write says so and tries again; false when the logger is
    /// stopped first (the batch stays unacknowledged, so the broker delivers it again to this session).
    /// </summary>
    private async Task<bool> CommitUntilWrittenAsync(List<MqttApplicationMessageReceivedEventArgs> batch, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await CommitAndAcknowledgeAsync(batch).ConfigureAwait(false);
                if (WriteError is not null)
                {
                    WriteError = null;
                    Problem?.Invoke($"the log is written again: {_store.Path}{(_leftGroup ? $"; joining group {_group} again" : string.Empty)}");
                    _leftGroup = false;
                    await PublishStatusAsync().ConfigureAwait(false);
                }

                return true;
            }
            catch (Exception exception) when (exception is System.Data.Common.DbException or IOException)
            {
                if (WriteError is null)
                {
                    WriteError = exception.Message;
                    Problem?.Invoke($"cannot write the log {_store.Path}: {exception.Message}; nothing is acknowledged, retrying every {WriteRetry.TotalSeconds:F0} s"
                        + (_group is null ? string.Empty : $"; leaving group {_group} meanwhile, so that its other loggers take this one's share"));
                    await PublishStatusAsync().ConfigureAwait(false);
                    if (_group is not null)
                    {
                        await LeaveGroupAsync().ConfigureAwait(false);
                    }
                }
            }

            if (_stopping || cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            try
            {
                await Task.Delay(WriteRetry, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    private byte[] StatusJson(bool online) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
    {
        v = 1,
        logger = _clientId,
        online,
        ok = online && WriteError is null,
        error = online ? WriteError : null,
        db = _store.Path,
    });

    /// <summary>
    /// Disconnects until the store writes again. The session ends with the connection (a group's sessions do), so what
    /// the broker had dealt to this logger and not had acknowledged is dropped: the others find it missing from the
    /// store and ask the rigs for it, as after a kill. What this logger already holds it still writes when it can.
    /// </summary>
    private async Task LeaveGroupAsync()
    {
        _leftGroup = true;
        try
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build()).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Already away from the broker: it stays away until the store writes.
        }
    }

    /// <summary>Publishes the logger's retained status; a broker that is away hears it at the next connection.</summary>
    private async Task PublishStatusAsync()
    {
        try
        {
            if (_client.IsConnected)
            {
                var message = new MqttApplicationMessageBuilder().WithTopic(StatusTopic).WithPayload(StatusJson(online: true))
                    .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(true).Build();
                await _client.PublishAsync(message).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Reconnecting: the status goes out again after the next connection.
        }
    }

    private async Task CommitAndAcknowledgeAsync(List<MqttApplicationMessageReceivedEventArgs> messages)
    {
        var batch = new LogBatch();
        var now = _time.GetUtcNow().UtcDateTime;
        foreach (var message in messages)
        {
            _classifier.Add(batch, message.ApplicationMessage.Topic, message.ApplicationMessage.Payload.ToArray(), now);
        }

        int added = _store.Store(batch);
        var events = batch.Events;
        var faults = batch.Faults;
        var frames = batch.Frames;
        var lostFrames = batch.LostFrames;
        foreach (var status in batch.Statuses)
        {
            NoteAnnouncedEvents(status.Parsed);
        }

        Committed?.Invoke(events);
        foreach (var e in events)
        {
            _gaps.Saw(e.Rig, e.Boot, e.Sequence, e.TimeUs);
        }

        // A rig said frames are gone for good: the gap tracker stops asking for them (export and report mark them).
        foreach (var lost in lostFrames)
        {
            for (long number = lost.First; number < lost.First + lost.Count; number++)
            {
                _frameGaps.Saw(lost.Rig, lost.Boot, number, lost.TimeUs);
            }
        }

        foreach (var frame in frames.Where(f => f.Number > 0))
        {
            _frameGaps.Saw(frame.Rig, frame.Boot, frame.Number, frame.TimeUs);
        }

        Interlocked.Add(ref _receivedCount, messages.Count);
        Interlocked.Add(ref _stored, added);
        Interlocked.Add(ref _faults, faults.Count);
        // Acknowledge the whole committed batch at once: the PUBACKs go out back to back.
        try
        {
            await Task.WhenAll(messages.Select(message => message.AcknowledgeAsync(CancellationToken.None))).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The connection went away (or is being re-made) after the commit: the broker will redeliver, and the
            // store ignores the repeat. MQTTnet may throw more than its own exceptions mid-reconnect.
        }
    }

    /// <summary>
    /// In a group, the other loggers stored the messages this one did not receive: a hole in what this logger saw is
    /// a hole only if the store lacks it too, so the store is read for each hole before any replay is asked for.
    /// </summary>
    private void LearnWhatTheGroupStored()
    {
        foreach (var (rig, boot, high, latestUs) in _gaps.Holes())
        {
            foreach (long sequence in _store.SequencesAbove(rig, boot, high))
            {
                _gaps.Saw(rig, boot, sequence, latestUs);
            }
        }

        foreach (var (rig, boot, high, latestUs) in _frameGaps.Holes())
        {
            foreach (long number in _store.FrameNumbersAbove(rig, boot, high))
            {
                _frameGaps.Saw(rig, boot, number, latestUs);
            }
        }
    }

    /// <summary>A rig's status carries its next sequence (and newest frame): those before exist and must all arrive.</summary>
    private void NoteAnnouncedEvents(RigStatus status)
    {
        if (status.NextSequence is long next && status.TimeUs is long time)
        {
            _gaps.Expect(status.Rig, status.Boot, next - 1, time);
            if (status.NewestFrame is long frames)
            {
                _frameGaps.Expect(status.Rig, status.Boot, frames, time);
            }
        }
    }

    /// <summary>How the logger signs its replay requests.</summary>
    public const string Sender = "logger";

    private async Task RequestReplaysAsync()
    {
        if (_group is not null)
        {
            LearnWhatTheGroupStored();
        }

        var writer = new CommandJson();
        var buffer = new byte[CommandJson.MaxBytes];
        var now = _time.GetUtcNow().UtcDateTime;
        var requests = _gaps.DueRequests(now, ReplayRetry).Select(r => (Kind: CommandKind.Replay, r.Rig, r.Boot, r.FromSequence, r.LatestUs))
            .Concat(_frameGaps.DueRequests(now, ReplayRetry).Select(r => (Kind: CommandKind.ReplayFrames, r.Rig, r.Boot, r.FromSequence, r.LatestUs)));
        foreach (var (kind, rig, boot, from, latestUs) in requests)
        {
            // Addressed to the boot that has the gap, good for a short while on that boot's clock.
            long untilUs = latestUs + (long)(RigCommander.Lifetime.TotalMilliseconds * 1000);
            int length = writer.Write(kind, from, Random.Shared.NextInt64(1, 1L << 53), Sender, boot, untilUs, buffer, 0);
            var message = new MqttApplicationMessageBuilder()
                .WithTopic(new Topics(_endpoint.TopicPrefix, rig).ReplayFrom(RigCommander.TopicSenderOf(_endpoint, Sender)))
                .WithPayload(buffer.AsSpan(0, length).ToArray())
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build();
            try
            {
                await _client.PublishAsync(message).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Not connected, or reconnecting: asked again at the next retry.
            }
        }

        var abandoned = _gaps.TakeAbandoned();
        var abandonedFrames = _frameGaps.TakeAbandoned();
        if (abandoned.Count + abandonedFrames.Count > 0)
        {
            var faults = abandoned.Select(a => ($"{_endpoint.TopicPrefix}/{a.Rig}/events",
                $"gave up: events {a.From}..{a.To} of rig {a.Rig} boot {a.Boot} did not come after {GapTracker.MaxRequestsPerHole} replay requests (the rig no longer holds them, or the sequence or status that announced them was not the rig's)",
                Array.Empty<byte>()))
                .Concat(abandonedFrames.Select(a => ($"{_endpoint.TopicPrefix}/{a.Rig}/samples",
                $"gave up: sample frames {a.From}..{a.To} of rig {a.Rig} boot {a.Boot} did not come after {GapTracker.MaxRequestsPerHole} replay requests",
                Array.Empty<byte>()))).ToList();
            try
            {
                _store.Store([], faults);
                Interlocked.Add(ref _faults, faults.Count);
            }
            catch (Exception exception) when (exception is System.Data.Common.DbException or IOException)
            {
                // A store that cannot write is reported by the writer; this note is lost with it.
            }
        }
    }
}
