using System.Net;
using System.Net.Sockets;

namespace ClosedLoop.Host.Tests;

/// <summary>The embedded broker as other MQTT clients and the network see it.</summary>
public sealed class EmbeddedBrokerTests
{
    [Fact]
    public async Task A_client_without_a_client_id_is_accepted_with_a_clean_session_as_mqtt_3_1_1_requires()
    {
        int port = EmbeddedBroker.FreePort();
        await using var broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, port);
        using var client = new MQTTnet.MqttClientFactory().CreateMqttClient();

        var options = new MQTTnet.MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(string.Empty)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311).WithCleanSession(true).Build();
        var result = await client.ConnectAsync(options);

        Assert.Equal(MQTTnet.MqttClientConnectResultCode.Success, result.ResultCode);
        await client.DisconnectAsync(new MQTTnet.MqttClientDisconnectOptionsBuilder().Build());
    }

    [Fact]
    public async Task A_message_larger_than_the_limit_is_neither_passed_on_nor_retained()
    {
        int port = EmbeddedBroker.FreePort();
        await using var broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, port);
        var endpoint = BrokerEndpoint.Loopback(port);
        await using var sender = await BrokerClient.ConnectAsync(endpoint, CancellationToken.None);
        await sender.PublishAsync("closedloop/rig-a/config", new byte[EmbeddedBroker.MaxMessageBytes + 1], retain: true, CancellationToken.None);
        await sender.PublishAsync("closedloop/rig-b/config", [1, 2, 3], retain: true, CancellationToken.None);

        await using var reader = await BrokerClient.ConnectAsync(endpoint, CancellationToken.None);
        var retained = await reader.WaitForAsync("closedloop/rig-b/config", _ => true, TimeSpan.FromSeconds(2), null, CancellationToken.None);
        var big = await reader.WaitForAsync("closedloop/rig-a/config", _ => true, TimeSpan.FromSeconds(1), null, CancellationToken.None);

        Assert.Equal([1, 2, 3], retained);
        Assert.Null(big);
    }

    [Fact]
    public async Task Bound_to_an_ipv4_address_it_does_not_listen_on_ipv6()
    {
        int port = EmbeddedBroker.FreePort();
        await using var broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, port);

        using var v4 = new TcpClient(AddressFamily.InterNetwork);
        await v4.ConnectAsync(IPAddress.Loopback, port);
        using var v6 = new TcpClient(AddressFamily.InterNetworkV6);
        await Assert.ThrowsAsync<SocketException>(() => v6.ConnectAsync(IPAddress.IPv6Loopback, port));
    }
}
