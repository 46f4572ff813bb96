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
public sealed class BrokerWatch : IAsyncDisposable
{
    private readonly BrokerEndpoint _endpoint;
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly CancellationTokenSource _stop = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _applied = new();
    private Task? _keeper;

    public BrokerWatch(BrokerEndpoint endpoint, bool blind = false)
    {
        _endpoint = endpoint;
        Traces = new TraceRecorder(blind);
        State = new MonitorState(endpoint.TopicPrefix, blind, Traces);
    }

    /// <summary>The one reader of the wire: the cards' state, handing each decoded frame and event to <see cref="Traces"/>.</summary>
    public MonitorState State { get; }

    /// <summary>Every rig's live dF/F and z with its marks, for the traces.</summary>
    public TraceRecorder Traces { get; }

    /// <summary>Whether the broker is connected now; false while it is away.</summary>
    public bool Connected => _client.IsConnected;

    /// <summary>Why the last connection attempt failed, while the broker is away.</summary>
    public string? Problem { get; private set; }

    /// <summary>The config a rig last said it runs (its retained config/applied, whole and without secrets), or null.</summary>
    public string? AppliedConfig(string rig) => _applied.GetValueOrDefault(rig);

    public void Start()
    {
        _client.ApplicationMessageReceivedAsync += e =>
        {
            byte[] payload = e.ApplicationMessage.Payload.ToArray();
            State.Take(e.ApplicationMessage.Topic, payload);
            if (Topics.TryParse(_endpoint.TopicPrefix, e.ApplicationMessage.Topic, out string rig, out string leaf))
            {
                switch (leaf)
                {
                    case Topics.ConfigAppliedLeaf:
                        _applied[rig] = Encoding.UTF8.GetString(payload);
                        Traces.TakeAppliedConfig(rig, payload);
                        break;
                }
            }

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
                    var result = await _client.ConnectAsync(_endpoint.Options($"closedloop-console-{Guid.NewGuid():N}").WithCleanStart(true).Build(), stop).ConfigureAwait(false);
                    BrokerClient.EnsureAccepted(result, _endpoint);
                    await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter($"{_endpoint.TopicPrefix}/#", MqttQualityOfServiceLevel.AtMostOnce).Build(), stop).ConfigureAwait(false);
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
