using System.Buffers;
using ClosedLoop.Host.Monitor;
using MQTTnet;
using MQTTnet.Protocol;

namespace ClosedLoop.Host.WebConsole;

/// <summary>
/// Everything on the broker under the prefix, fed into a <see cref="MonitorState"/> (the terminal monitor's reader),
/// kept connected across broker restarts: while the broker is away the watch says so, and the rigs' states are
/// those last heard (each marked by its retained status again once the broker is back).
/// </summary>
public sealed class BrokerWatch(BrokerEndpoint endpoint) : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly CancellationTokenSource _stop = new();
    private Task? _keeper;

    public MonitorState State { get; } = new(endpoint.TopicPrefix);

    /// <summary>Whether the broker is connected now; false while it is away.</summary>
    public bool Connected => _client.IsConnected;

    /// <summary>Why the last connection attempt failed, while the broker is away.</summary>
    public string? Problem { get; private set; }

    public void Start()
    {
        _client.ApplicationMessageReceivedAsync += e =>
        {
            State.Take(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray());
            return Task.CompletedTask;
        };
        _keeper = Task.Run(() => KeepConnectedAsync(_stop.Token));
    }

    private async Task KeepConnectedAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            if (!_client.IsConnected)
            {
                try
                {
                    var result = await _client.ConnectAsync(endpoint.Options($"closedloop-console-{Guid.NewGuid():N}").WithCleanStart(true).Build(), stop).ConfigureAwait(false);
                    BrokerClient.EnsureAccepted(result, endpoint);
                    await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter($"{endpoint.TopicPrefix}/#", MqttQualityOfServiceLevel.AtMostOnce).Build(), stop).ConfigureAwait(false);
                    Problem = null;
                }
                catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or MQTTnet.Adapter.MqttConnectingFailedException or BrokerLoginRefusedException or System.Net.Sockets.SocketException or OperationCanceledException)
                {
                    Problem = e.Message;
                }
            }

            try
            {
                await Task.Delay(500, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_keeper is not null)
        {
            await _keeper.ConfigureAwait(false);
        }

        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build()).ConfigureAwait(false);
        }

        _client.Dispose();
        _stop.Dispose();
    }
}
