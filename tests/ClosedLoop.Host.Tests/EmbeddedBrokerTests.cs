using System.Net;
using System.Net.Sockets;
using ClosedLoop.Host.Mqtt;

namespace ClosedLoop.Host.Tests;

/// <summary>The embedded broker as other MQTT clients and the network see it.</summary>
public sealed class EmbeddedBrokerTests
{
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
