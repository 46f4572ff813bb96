using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using ClosedLoop.Engine;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Processing;
using ClosedLoop.Engine.Wire;
using MQTTnet;
using MQTTnet.Protocol;

namespace ClosedLoop.Host.Mqtt;

/// <summary>
/// A virtual rig's connection to the broker, doing what the board's link does: a retained status with an
/// offline last will, every journaled event and sample frame at QoS 1 in order (held and re-sent until the broker
/// acknowledges it), and commands and configs taken from the broker and applied on the rig's own
/// thread through the engine's <see cref="CommandDispatcher"/> and config loader.
/// </summary>
public sealed class RigLink : IEventSink, IProcessedSampleSink, ICommandEffects, IAsyncDisposable
{
    private readonly ClosedLoopEngine _engine;
    private readonly BrokerEndpoint _endpoint;
    private readonly Topics _topics;
    private readonly IMqttClient _client;
    private readonly EventJson _eventJson = new();
    private readonly byte[] _eventBuffer = new byte[EventJson.MaxEventBytes];
    private readonly FrameOutbox _frames;
    private readonly byte[] _frameBuffer;
    private long _framesQueuedThrough;
    private readonly Channel<MqttApplicationMessage> _outbound = Channel.CreateUnbounded<MqttApplicationMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentQueue<MqttApplicationMessage> _inbound = new();
    private readonly CommandDispatcher _commands;
    private readonly CancellationTokenSource _stop = new();
    private Task? _publisher;
    private readonly StatusChanges _status = new();

    public RigLink(ClosedLoopEngine engine, BrokerEndpoint endpoint, bool publishSamples = true)
    {
        _engine = engine;
        _endpoint = endpoint;
        _topics = new Topics(endpoint.TopicPrefix, engine.Journal.RigId);
        _client = new MqttClientFactory().CreateMqttClient();
        _frames = new FrameOutbox(
            (int)engine.Config.Values.GetInteger("link", "sample_batch"), engine.Journal.BootId, engine.Config.Acquisition.PeriodUs,
            (int)engine.Config.Values.GetInteger("journal", "frame_capacity"));
        _frameBuffer = new byte[_frames.MaxFrameBytes];
        _commands = new CommandDispatcher(engine, this);
        engine.SetEventSink(this);
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

    /// <summary>Events and frames waiting for the broker (the one in flight included).</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Commands the rig could not read.</summary>
    public long RejectedCommands => _commands.Rejected;

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await ConnectClientAsync(cancellationToken).ConfigureAwait(false);
        PublishAppliedConfig();
        _publisher = Task.Run(() => PublishLoopAsync(_stop.Token), CancellationToken.None);
    }

    /// <summary>Applies queued commands and configs and publishes a changed status. Call from the rig's thread.</summary>
    public void Pump()
    {
        while (_inbound.TryDequeue(out var message))
        {
            byte[] payload = message.Payload.ToArray();
            if (message.Topic == _topics.Commands)
            {
                // The retain flag says the broker kept this message from some unknown time: never obeyed.
                _commands.Dispatch(payload, 0, payload.Length, message.Retain);
            }
            else if (message.Topic == _topics.Status)
            {
                _engine.OnOwnStatus(payload, payload.Length, message.Retain);
            }
            else if (message.Topic == _topics.Config && payload.Length > 0)
            {
                var result = _engine.ApplyConfig(payload, payload.Length);
                if (result.IsValid)
                {
                    PublishAppliedConfig();
                }

                Enqueue(_topics.ConfigAck, ConfigAckJson.Write(_engine.Journal.RigId, _engine.Config.Hash, result), MqttQualityOfServiceLevel.AtLeastOnce, retain: false);
            }
        }

        PublishStatusIfChanged();
    }

    /// <summary>Waits until everything queued so far has been acknowledged by the broker.</summary>
    public async Task FlushAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (Pending > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5).ConfigureAwait(false);
        }

        if (Pending > 0)
        {
            throw new TimeoutException($"{_topics.RigId}: {Pending} messages still unacknowledged after {timeout}");
        }
    }

    public void OnEvent(EventJournal journal, JournalEvent journalEvent) => EnqueueEvent(journal, journalEvent);

    public void OnProcessed(ProcessedSample sample)
    {
        _frames.OnProcessed(sample);

        // QoS 1, like events: the photometry trace is the experiment's primary data, and a logger's persistent
        // session keeps frames for it while it restarts. A frame the logger still misses it asks for again.
        while (_framesQueuedThrough < _frames.Newest)
        {
            _framesQueuedThrough++;
            EnqueueFrame(_framesQueuedThrough);
            FramesSent++;
        }
    }

    private void EnqueueFrame(long number)
    {
        int length = _frames.CopyTo(number, _frameBuffer);
        Enqueue(_topics.Samples, _frameBuffer.AsSpan(0, length).ToArray(), MqttQualityOfServiceLevel.AtLeastOnce, retain: false);
    }

    /// <summary>Sample frames handed to the broker so far (replays not counted).</summary>
    public long FramesSent { get; private set; }

    /// <summary>The newest complete sample frame's number.</summary>
    public long NewestFrame => _frames.Newest;

    /// <summary>Re-publishes every sample frame still held from <paramref name="fromFrame"/>, and reports those gone.</summary>
    public void ReplayFrames(long fromFrame)
    {
        long first = Math.Max(fromFrame, 1);
        long oldest = _frames.Oldest;
        if (first < oldest)
        {
            _engine.ReportFramesLost(first, oldest - first);
            first = oldest;
        }

        for (long number = first; number <= _framesQueuedThrough; number++)
        {
            EnqueueFrame(number);
        }
    }

    /// <summary>Replay requests served (each re-publishes the events from the first missing one).</summary>
    public int ReplaysServed { get; private set; }

    /// <summary>Re-publishes every event still held from <paramref name="fromSequence"/> (the logger asked).</summary>
    public void Replay(long fromSequence)
    {
        ReplaysServed++;
        _engine.Journal.Deliver(fromSequence, this);
    }

    /// <summary>A virtual rig has no output pin to measure: it answers with a no_hardware self_test event.</summary>
    public void SelfTest() => _engine.ReportSelfTestUnavailable();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_publisher is not null)
        {
            await _publisher.ConfigureAwait(false);
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

    private int _pending;

    private void EnqueueEvent(EventJournal journal, JournalEvent journalEvent)
    {
        int length = _eventJson.Write(journal.RigId, journal.BootId, journalEvent, _eventBuffer, 0);
        Enqueue(_topics.Events, _eventBuffer.AsSpan(0, length).ToArray(), MqttQualityOfServiceLevel.AtLeastOnce, retain: false);
    }

    /// <summary>The config in force, whole and without secrets, retained: the logger keeps it by its hash.</summary>
    private void PublishAppliedConfig() =>
        Enqueue(_topics.ConfigApplied, ClosedLoop.Engine.Config.ConfigText.Render(_engine.Config.Values), MqttQualityOfServiceLevel.AtLeastOnce, retain: true);

    private void PublishStatusIfChanged()
    {
        if (_status.Check(_engine, _frames.Newest))
        {
            var qos = _status.IsHeartbeat ? MqttQualityOfServiceLevel.AtMostOnce : MqttQualityOfServiceLevel.AtLeastOnce;
            Enqueue(_topics.Status, _status.Buffer.AsSpan(0, _status.Length).ToArray(), qos, retain: true);
        }
    }

    private void Enqueue(string topic, byte[] payload, MqttQualityOfServiceLevel qos, bool retain)
    {
        Interlocked.Increment(ref _pending);
        _outbound.Writer.TryWrite(Message(topic, payload, qos, retain));
    }

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
            .WithTopicFilter(_topics.Commands, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(_topics.Config, MqttQualityOfServiceLevel.AtLeastOnce)
            .WithTopicFilter(_topics.Status, MqttQualityOfServiceLevel.AtMostOnce)
            .Build();
        await _client.SubscribeAsync(subscribe, cancellationToken).ConfigureAwait(false);
        _status.Forget();
    }

    /// <summary>
    /// Publishes in order. A message leaves the queue only once the broker has it (QoS 1: PUBACK); while the
    /// broker is away the experiment goes on, messages wait, and the link reconnects.
    /// </summary>
    private async Task PublishLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _outbound.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (_outbound.Reader.TryPeek(out var message))
                {
                    try
                    {
                        if (!_client.IsConnected)
                        {
                            await ConnectClientAsync(cancellationToken).ConfigureAwait(false);
                        }

                        await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
                        _outbound.Reader.TryRead(out _);
                        Interlocked.Decrement(ref _pending);
                    }
                    catch (Exception) when (!cancellationToken.IsCancellationRequested)
                    {
                        // Broker away, connection lost or publish timed out: keep the message and try again.
                        await Task.Delay(200, cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping: what is still queued stays in the journal, from which a logger can ask for it again.
        }
    }
}
