using System.Buffers;
using System.Collections.Concurrent;
using ClosedLoop.Engine;
using ClosedLoop.Engine.Processing;
using MQTTnet;
using MQTTnet.Protocol;

namespace ClosedLoop.Host.Mqtt;

/// <summary>
/// A virtual rig's connection to the broker, publishing through the same <see cref="PublishQueue"/> as the board's
/// link: a retained status with an offline last will; every journaled event and sample frame at QoS 1, in order, each
/// taken off the queue only once the broker acknowledged it; while the broker is away the rig's RAM journal and frame
/// ring hold what it has not taken, then a spill store in memory (the board's flash), then the losses are reported as
/// events_lost and frames_lost. Commands and configs are applied through the engine's <see cref="CommandDispatcher"/>.
/// <para>
/// Everything that touches the engine runs in <see cref="Pump"/> on the rig's own thread, which also publishes: a
/// virtual rig's time waits for its link, so nothing is buffered beyond what a board would buffer. A background loop
/// only reconnects the MQTT client.
/// </para>
/// </summary>
public sealed class RigLink : IProcessedSampleSink, ICommandEffects, IAsyncDisposable
{
    /// <summary>How long one publish may wait for the broker's acknowledgement before the link counts as down.</summary>
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Frames published before the next event gets its turn, as on the board.</summary>
    private const int FramesPerTurn = 10;

    private readonly ClosedLoopEngine _engine;
    private readonly BrokerEndpoint _endpoint;
    private readonly Topics _topics;
    private readonly IMqttClient _client;
    private readonly object _engineLock = new();
    private readonly PublishQueue _queue;
    private readonly EventJson _eventJson = new();
    private readonly byte[] _eventBuffer = new byte[EventJson.MaxEventBytes];
    private readonly byte[] _frameBuffer;
    private readonly JournalEvent _peeked = new();
    private readonly Queue<MqttApplicationMessage> _control = new();
    private readonly ConcurrentQueue<MqttApplicationMessage> _inbound = new();
    private readonly CommandDispatcher _commands;
    private readonly StatusChanges _status = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _reconnector;
    private int _reconnected;

    public RigLink(ClosedLoopEngine engine, BrokerEndpoint endpoint, bool publishSamples = true)
    {
        _engine = engine;
        _endpoint = endpoint;
        _topics = new Topics(endpoint.TopicPrefix, engine.Journal.RigId);
        _client = new MqttClientFactory().CreateMqttClient();
        var board = engine.Config.Board;
        _queue = new PublishQueue(
            engine, _engineLock, (int)engine.Config.Values.GetInteger("link", "sample_batch"),
            new MemorySpillStore(), board.EventSpillBytes, publishSamples ? new MemorySpillStore() : null, board.FrameSpillBytes);
        _frameBuffer = new byte[_queue.MaxFrameBytes];
        _commands = new CommandDispatcher(engine, this);
        if (publishSamples)
        {
            engine.SetSampleSink(this);
        }

        _client.ApplicationMessageReceivedAsync += e =>
        {
            _inbound.Enqueue(e.ApplicationMessage);
            return Task.CompletedTask;
        };
    }

    public Topics Topics => _topics;

    /// <summary>Events, frames and other messages not yet acknowledged by the broker.</summary>
    public long Pending
    {
        get
        {
            lock (_engineLock)
            {
                return _engine.Journal.NextSequence - _queue.NextEventSequence + _queue.FramesPending + _control.Count;
            }
        }
    }

    /// <summary>Commands the rig could not read.</summary>
    public long RejectedCommands => _commands.Rejected;

    /// <summary>Sample frames the broker has taken, counted once each (the highest number published so far).</summary>
    public long FramesSent { get; private set; }

    /// <summary>The newest complete sample frame's number.</summary>
    public long NewestFrame
    {
        get
        {
            lock (_engineLock)
            {
                return _queue.NewestFrame;
            }
        }
    }

    /// <summary>Events and frames that went to the spill store because the broker was away too long for RAM.</summary>
    public long Spilled => _queue.EventsSpilled + _queue.FramesSpilled;

    /// <summary>Replay requests served (each re-publishes the events from the first missing one).</summary>
    public int ReplaysServed { get; private set; }

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await ConnectClientAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Exchange(ref _reconnected, 0);
        PublishAppliedConfig();
        _reconnector = Task.Run(() => ReconnectLoopAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>
    /// On the rig's thread: applies queued commands and configs, notes a changed status, then publishes whatever the
    /// broker has not taken, waiting for each acknowledgement. Returns at once while the broker is away.
    /// </summary>
    public void Pump()
    {
        lock (_engineLock)
        {
            ApplyInbound();
            if (Interlocked.Exchange(ref _reconnected, 0) == 1)
            {
                // A new connection: the broker may have lost the retained messages with its restart, as after a board's.
                _status.Forget();
                PublishAppliedConfig();
            }

            if (_status.Check(_engine, _queue.NewestFrame))
            {
                var qos = _status.IsHeartbeat ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce;
                _control.Enqueue(Message(_topics.Status, _status.Buffer.AsSpan(0, _status.Length).ToArray(), qos, retain: true));
            }
        }

        Publish();
    }

    /// <summary>Pumps until the broker has everything journaled so far.</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        if (!await Waiting.UntilAsync(() => Pending == 0, timeout, TimeSpan.FromMilliseconds(5), Pump).ConfigureAwait(false))
        {
            throw new TimeoutException($"{_topics.RigId}: {Pending} messages still unacknowledged after {timeout}");
        }
    }

    public void OnProcessed(ProcessedSample sample) => _queue.OnProcessed(sample);

    /// <summary>A logger asked for frames again (dispatcher, in Pump): the queue publishes them from there, or reports them lost.</summary>
    public void ReplayFrames(long fromFrame) => _queue.RequestFrameReplay(fromFrame);

    /// <summary>A logger asked for events again (dispatcher, in Pump).</summary>
    public void Replay(long fromSequence)
    {
        ReplaysServed++;
        _queue.RequestEventReplay(fromSequence);
    }

    /// <summary>A virtual rig has no output pin to measure: it answers with a no_hardware self_test event.</summary>
    public void SelfTest() => _engine.ReportSelfTestUnavailable();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_reconnector is not null)
        {
            await _reconnector.ConfigureAwait(false);
        }

        try
        {
            if (_client.IsConnected)
            {
                // A clean disconnect: publish offline ourselves, as the will is not sent on a normal disconnect.
                await _client.PublishAsync(Message(_topics.Status, OfflineStatus(), MqttQualityOfServiceLevel.AtLeastOnce, retain: true)).ConfigureAwait(false);
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build()).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException)
        {
            // The connection was already gone: the broker publishes the offline will instead.
        }

        _client.Dispose();
        _stop.Dispose();
    }

    private void ApplyInbound()
    {
        while (_inbound.TryDequeue(out var message))
        {
            byte[] payload = message.Payload.ToArray();
            if (_topics.TryCommandTopic(message.Topic, out string? sender, out bool replayOnly))
            {
                // The retain flag says the broker kept this message from some unknown time: never obeyed.
                _commands.Dispatch(payload, 0, payload.Length, message.Retain, sender!, replayOnly);
            }
            else if (message.Topic == _topics.Status)
            {
                _engine.OnOwnStatus(payload, payload.Length, message.Retain);
            }
            else if (message.Topic == _topics.Config && payload.Length > 0)
            {
                var result = _engine.ApplyConfig(payload, payload.Length);
                _control.Enqueue(Message(_topics.ConfigAck, ConfigAckJson.Write(_engine.Journal.RigId, _engine.Config.Hash, result), MqttQualityOfServiceLevel.AtLeastOnce, retain: false));
                if (result.IsValid)
                {
                    PublishAppliedConfig();
                }
            }
        }
    }

    /// <summary>Publishes, in order, the control messages, then frames and events in turns, until none is left or the broker fails.</summary>
    private void Publish()
    {
        // While the broker is away too: what RAM is about to lose goes to the spill store, as on the board.
        _queue.ServiceSpills();
        _queue.ReportLosses();
        if (!_client.IsConnected)
        {
            return;
        }

        try
        {
            while (true)
            {
                // Commands that came meanwhile (a logger's replay request above all) take effect between messages, as
                // on the board, whose link applies them as they arrive: applied only after a long catch-up, a request
                // for frames still in the spill store would find them sent and cleared, and report them lost.
                lock (_engineLock)
                {
                    ApplyInbound();
                }

                _queue.ServiceSpills();
                _queue.ReportLosses();
                bool sent = PublishControl();
                for (int turn = 0; turn < FramesPerTurn; turn++)
                {
                    long number = _queue.NextFrameNumber;
                    int length = _queue.TakeNextFrame(_frameBuffer);
                    if (length == 0)
                    {
                        break;
                    }

                    PublishNow(Message(_topics.Samples, _frameBuffer.AsSpan(0, length).ToArray(), MqttQualityOfServiceLevel.AtLeastOnce, retain: false));
                    _queue.FrameSent();
                    FramesSent = Math.Max(FramesSent, number);
                    sent = true;
                }

                if (_queue.TryPeekEvent(_peeked))
                {
                    int length = _eventJson.Write(_engine.Journal.RigId, _engine.Journal.BootId, _peeked, _eventBuffer, 0);
                    PublishNow(Message(_topics.Events, _eventBuffer.AsSpan(0, length).ToArray(), MqttQualityOfServiceLevel.AtLeastOnce, retain: false));
                    _queue.EventSent(_peeked);
                    sent = true;
                }

                if (!sent)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Broker away, connection lost or acknowledgement late: what was not acknowledged stays queued; the
            // reconnect loop brings the connection back and the next Pump goes on from there.
        }
    }

    private bool PublishControl()
    {
        bool sent = false;
        while (_control.TryPeek(out var message))
        {
            PublishNow(message);
            _control.Dequeue();
            sent = true;
        }

        return sent;
    }

    /// <summary>Publishes and waits for the broker (PUBACK at QoS 1); throws when it does not come.</summary>
    private void PublishNow(MqttApplicationMessage message)
    {
        using var timeout = new CancellationTokenSource(AckTimeout);
        _client.PublishAsync(message, timeout.Token).GetAwaiter().GetResult();
    }

    /// <summary>The config in force, whole and without secrets, retained: the logger keeps it by its hash.</summary>
    private void PublishAppliedConfig() =>
        _control.Enqueue(Message(_topics.ConfigApplied, ClosedLoop.Engine.Config.ConfigText.Render(_engine.Config.Values), MqttQualityOfServiceLevel.AtLeastOnce, retain: true));

    private static MqttApplicationMessage Message(string topic, byte[] payload, MqttQualityOfServiceLevel qos, bool retain) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(qos).WithRetainFlag(retain).Build();

    private byte[] OfflineStatus()
    {
        var buffer = new byte[StatusJson.MaxBytes];
        int length = StatusJson.WriteOffline(_engine.Journal.RigId, _engine.Journal.BootId, buffer, 0);
        return buffer[..length];
    }

    private async Task ConnectClientAsync(CancellationToken cancellationToken)
    {
        // The boot in the client id: a second rig with this id must not take this one's session (they would
        // push each other off the broker in turn); both stay connected and each sees the other's status.
        var options = _endpoint.Options($"closedloop-rig-{_topics.RigId}-{_engine.Journal.BootId}")
            .WithCleanStart(true)
            .WithWillTopic(_topics.Status)
            .WithWillPayload(OfflineStatus())
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        BrokerClient.EnsureAccepted(await _client.ConnectAsync(options, cancellationToken).ConfigureAwait(false), _endpoint);
        var subscribe = new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter(_topics.CommandsFilter, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(_topics.ReplayFilter, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(_topics.Config, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(_topics.Status, MqttQualityOfServiceLevel.AtMostOnce)
            .Build();
        await _client.SubscribeAsync(subscribe, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Brings a lost connection back; touches only the MQTT client (the next Pump publishes).</summary>
    private async Task ReconnectLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (!_client.IsConnected)
                {
                    await ConnectClientAsync(cancellationToken).ConfigureAwait(false);
                    Interlocked.Exchange(ref _reconnected, 1);
                }

                await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    // Stopping: whatever the connect attempt threw on the way out does not matter.
                    return;
                }

                // Broker still away: try again shortly.
                await Task.Delay(200, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
