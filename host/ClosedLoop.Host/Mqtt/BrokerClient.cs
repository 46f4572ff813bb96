using System.Buffers;
using MQTTnet;
using MQTTnet.Protocol;

namespace ClosedLoop.Host.Mqtt;

/// <summary>A short-lived connection for one-shot commands: publish a command or a config, wait for an answer.</summary>
public sealed class BrokerClient : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly BrokerEndpoint _endpoint;

    private BrokerClient(IMqttClient client, BrokerEndpoint endpoint)
    {
        _client = client;
        _endpoint = endpoint;
    }

    /// <summary>The broker and login this client uses.</summary>
    public BrokerEndpoint Endpoint => _endpoint;

    public static async Task<BrokerClient> ConnectAsync(BrokerEndpoint endpoint, CancellationToken cancellationToken)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        MqttClientConnectResult result;
        try
        {
            result = await client.ConnectAsync(endpoint.Options($"closedloop-cli-{Guid.NewGuid():N}").WithCleanStart(true).Build(), cancellationToken).ConfigureAwait(false);
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException e) when (IsLoginRefusal(e.Message))
        {
            client.Dispose();
            throw new BrokerLoginRefusedException(endpoint.Username, e.Message);
        }

        try
        {
            EnsureAccepted(result, endpoint);
        }
        catch (BrokerLoginRefusedException)
        {
            client.Dispose();
            throw;
        }

        return new BrokerClient(client, endpoint);
    }

    public Topics TopicsOf(string rigId) => new(_endpoint.TopicPrefix, rigId);

    /// <summary>Turns a CONNACK that refused the login into <see cref="BrokerLoginRefusedException"/> (every client of the host uses it).</summary>
    public static void EnsureAccepted(MqttClientConnectResult result, BrokerEndpoint endpoint)
    {
        if (result.ResultCode is MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized)
        {
            throw new BrokerLoginRefusedException(endpoint.Username, result.ResultCode.ToString());
        }
    }

    /// <summary>MQTTnet reports a refused login as a failed connection whose message names the CONNACK code.</summary>
    public static bool IsLoginRefusal(string message) =>
        message.Contains(nameof(MqttClientConnectResultCode.BadUserNameOrPassword), StringComparison.Ordinal)
        || message.Contains(nameof(MqttClientConnectResultCode.NotAuthorized), StringComparison.Ordinal);

    public async Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(retain).Build();
        var result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        if (result.ReasonCode == MqttClientPublishReasonCode.NotAuthorized)
        {
            // The broker is there and answered: this user may not publish here (a viewer's command, say).
            throw new BrokerPublishRefusedException(_endpoint.Username, topic);
        }

        if (!result.IsSuccess)
        {
            throw new MQTTnet.Exceptions.MqttCommunicationException($"the broker refused the message on {topic}: {result.ReasonCode} {result.ReasonString}");
        }
    }

    /// <summary>
    /// Subscribes to <paramref name="topic"/> and returns the first message for which <paramref name="accept"/> holds,
    /// or null on timeout. <paramref name="accept"/> stops being called when this returns, unless
    /// <paramref name="keepListening"/> (a caller gathering what follows the answer).
    /// </summary>
    public async Task<byte[]?> WaitForAsync(string topic, Func<byte[], bool> accept, TimeSpan timeout, Func<Task>? afterSubscribe, CancellationToken cancellationToken, bool keepListening = false)
    {
        var received = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task Handler(MqttApplicationMessageReceivedEventArgs e)
        {
            if (e.ApplicationMessage.Topic == topic)
            {
                byte[] payload = e.ApplicationMessage.Payload.ToArray();
                if (accept(payload))
                {
                    received.TrySetResult(payload);
                }
            }

            return Task.CompletedTask;
        }

        _client.ApplicationMessageReceivedAsync += Handler;
        try
        {
            await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken).ConfigureAwait(false);
            if (afterSubscribe is not null)
            {
                await afterSubscribe().ConfigureAwait(false);
            }

            var finished = await Task.WhenAny(received.Task, Task.Delay(timeout, cancellationToken)).ConfigureAwait(false);
            return finished == received.Task ? await received.Task.ConfigureAwait(false) : null;
        }
        finally
        {
            if (!keepListening)
            {
                // A long-lived client (the study runner, the yoke relay) sends many commands: each wait cleans up after itself.
                _client.ApplicationMessageReceivedAsync -= Handler;
            }
        }
    }

    /// <summary>Subscribes to <paramref name="topic"/> and hands every message on it to <paramref name="onMessage"/> (on the client's receive loop) until disposed.</summary>
    public async Task WatchAsync(string topic, Action<byte[]> onMessage, CancellationToken cancellationToken)
    {
        _client.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Topic == topic)
            {
                onMessage(e.ApplicationMessage.Payload.ToArray());
            }

            return Task.CompletedTask;
        };
        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(topic, MqttQualityOfServiceLevel.AtMostOnce).Build(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The retained messages on the topics <paramref name="filter"/> matches (MQTT wildcards), gathered for
    /// <paramref name="patience"/>: the broker sends them on subscribing. Topic to payload.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, byte[]>> RetainedAsync(string filter, TimeSpan patience, CancellationToken cancellationToken)
    {
        var found = new System.Collections.Concurrent.ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal);
        Task Handler(MqttApplicationMessageReceivedEventArgs e)
        {
            if (e.ApplicationMessage.Retain && MqttTopicFilterComparer.Compare(e.ApplicationMessage.Topic, filter) == MqttTopicFilterCompareResult.IsMatch)
            {
                found[e.ApplicationMessage.Topic] = e.ApplicationMessage.Payload.ToArray();
            }

            return Task.CompletedTask;
        }

        _client.ApplicationMessageReceivedAsync += Handler;
        try
        {
            await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtMostOnce).Build(), cancellationToken).ConfigureAwait(false);
            await Task.Delay(patience, cancellationToken).ConfigureAwait(false);
            await _client.UnsubscribeAsync(new MqttClientUnsubscribeOptionsBuilder().WithTopicFilter(filter).Build(), cancellationToken).ConfigureAwait(false);
            return found;
        }
        finally
        {
            _client.ApplicationMessageReceivedAsync -= Handler;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build()).ConfigureAwait(false);
        }

        _client.Dispose();
    }
}

/// <summary>The broker was reached but refused the login (wrong user or password, or not allowed).</summary>
public sealed class BrokerLoginRefusedException(string? user, string reason)
    : Exception($"the broker refused the login{(user is null ? " (no user given)" : $" of user '{user}'")}: {reason}");

/// <summary>The broker took the login but refused this user's message on a topic its role may not write.</summary>
public sealed class BrokerPublishRefusedException(string? user, string topic)
    : Exception($"the broker does not let {(user is null ? "this client" : $"user '{user}'")} publish on {topic} (its role may not: docs/protocol.md, \"Who may publish what\")");
