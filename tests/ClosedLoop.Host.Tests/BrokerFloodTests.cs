using System.Net;
using System.Net.Sockets;
using MQTTnet;

namespace ClosedLoop.Host.Tests;

/// <summary>Alone, so that the memory it measures is the broker's, not other tests'.</summary>
[CollectionDefinition(nameof(BrokerFloodTests), DisableParallelization = true)]
public sealed class BrokerFloodCollection;

/// <summary>
/// The embedded broker carries e-stops: no one may exhaust it, least of all before logging in. Raw TCP, as an
/// attacker would send it (MQTT fixed headers written by hand).
/// </summary>
[Collection(nameof(BrokerFloodTests))]
public sealed class BrokerFloodTests
{
    private const string Secret = "s3cret-for-tests";

    /// <summary>A fixed header: the packet type in the top nibble, then the remaining length as a variable byte integer.</summary>
    private static byte[] Header(int type, int flags, long remaining)
    {
        var bytes = new List<byte> { (byte)((type << 4) | flags) };
        do
        {
            byte b = (byte)(remaining % 128);
            remaining /= 128;
            bytes.Add(remaining > 0 ? (byte)(b | 0x80) : b);
        }
        while (remaining > 0);
        return [.. bytes];
    }

    /// <summary>True when the broker closes the connection within <paramref name="within"/>.</summary>
    private static async Task<bool> ClosedByBroker(Socket socket, TimeSpan within)
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(within);
        try
        {
            while (true)
            {
                if (await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token) == 0)
                {
                    return true;
                }
            }
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task<Socket> Connect(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return socket;
    }

    [Fact]
    public async Task A_connect_declaring_200_MB_is_refused_by_its_header_and_the_broker_allocates_nothing_for_it()
    {
        int port = EmbeddedBroker.FreePort();
        await using var broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, port);
        GC.Collect();
        long before = GC.GetTotalAllocatedBytes(precise: true);

        using var first = await Connect(port);
        using var second = await Connect(port);
        await first.SendAsync(Header(1, 0, 200_000_000));
        await second.SendAsync(Header(1, 0, 200_000_000));

        Assert.True(await ClosedByBroker(first, TimeSpan.FromSeconds(5)), "the broker kept reading a 200 MB CONNECT");
        Assert.True(await ClosedByBroker(second, TimeSpan.FromSeconds(5)), "the broker kept reading a 200 MB CONNECT");
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(allocated < 20_000_000, $"{allocated / 1_000_000} MB allocated while refusing two 200 MB CONNECTs");
        Assert.Equal(2, broker.RefusedConnections);
    }

    /// <summary>An MQTT 3.1.1 CONNECT (clean session, user name and password), written by hand.</summary>
    private static byte[] ConnectPacket(string clientId, string user, string password)
    {
        static byte[] Text(string s) => [(byte)(s.Length >> 8), (byte)s.Length, .. Encoding.UTF8.GetBytes(s)];
        byte[] body = [.. Text("MQTT"), 4, 0xC2, 0, 60, .. Text(clientId), .. Text(user), .. Text(password)];
        return [.. Header(1, 0, body.Length), .. body];
    }

    [Fact]
    public async Task A_logged_in_operators_100_MB_publish_is_refused_by_its_header()
    {
        int port = EmbeddedBroker.FreePort();
        var users = new BrokerUsers();
        users.Set("alice", BrokerRole.Operator, Secret);
        await using var broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, port, users: users);
        using var socket = await Connect(port);
        await socket.SendAsync(ConnectPacket("alice-flood", "alice", Secret));
        var connack = new byte[4];
        Assert.Equal(4, await socket.ReceiveAsync(connack, SocketFlags.None));
        Assert.Equal((0x20, 0), (connack[0], connack[3]));
        GC.Collect();
        long before = GC.GetTotalAllocatedBytes(precise: true);

        // A PUBLISH declaring 100 MB, then its first bytes: the broker must close at the header.
        await socket.SendAsync(Header(3, 0, 100_000_000));
        await socket.SendAsync(new byte[4096]);

        Assert.True(await ClosedByBroker(socket, TimeSpan.FromSeconds(5)), "the broker kept reading a 100 MB PUBLISH");
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(allocated < 20_000_000, $"{allocated / 1_000_000} MB allocated while refusing a 100 MB PUBLISH");
        Assert.Equal(1, broker.RefusedConnections);
    }

    [Fact]
    public async Task Connections_that_never_log_in_are_bounded_in_number_and_in_time()
    {
        int port = EmbeddedBroker.FreePort();
        await using var broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, port, connectTimeout: TimeSpan.FromSeconds(2));
        var idle = new List<Socket>();
        for (int i = 0; i < GuardedTcpServerAdapter.MaxUnauthenticated + 8; i++)
        {
            idle.Add(await Connect(port));
        }

        // The last eight found the waiting room full and were closed at once; the rest go when their time is up.
        var closedAtOnce = await Task.WhenAll(idle.Skip(GuardedTcpServerAdapter.MaxUnauthenticated).Select(s => ClosedByBroker(s, TimeSpan.FromSeconds(1))));
        Assert.All(closedAtOnce, Assert.True);
        var closedLater = await Task.WhenAll(idle.Take(GuardedTcpServerAdapter.MaxUnauthenticated).Select(s => ClosedByBroker(s, TimeSpan.FromSeconds(6))));
        Assert.All(closedLater, Assert.True);

        // Once they are gone, a client logs in as usual.
        using var client = new MqttClientFactory().CreateMqttClient();
        var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).Build());
        Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        idle.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task Only_a_logger_may_leave_a_persistent_session_behind()
    {
        int port = EmbeddedBroker.FreePort();
        var users = new BrokerUsers();
        users.Set("bob", BrokerRole.Viewer, Secret);
        users.Set("logger", BrokerRole.Logger, Secret);
        await using var broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, port, users: users);

        async Task<string> Persistent(string user)
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            try
            {
                return (await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithCredentials(user, Secret)
                    .WithClientId($"{user}-parked").WithCleanStart(false).WithSessionExpiryInterval(uint.MaxValue).Build())).ResultCode.ToString();
            }
            catch (MQTTnet.Adapter.MqttConnectingFailedException e)
            {
                return e.Message;
            }
        }

        Assert.Contains("NotAuthorized", await Persistent("bob"), StringComparison.Ordinal);
        Assert.Equal("Success", await Persistent("logger"));
    }

    [Fact]
    public void The_guard_follows_packets_split_anywhere_and_refuses_what_breaks_the_rules()
    {
        byte[] stream = [.. ConnectPacket("c", "alice", Secret), .. Header(3, 0, 5), 0, 1, (byte)'t', 1, 2, .. Header(12, 0, 0), .. Header(3, 0, MqttPacketGuard.MaxPacketBytes + 1)];
        var whole = new MqttPacketGuard();
        Assert.Null(whole.Take(stream.AsSpan(0, stream.Length - 4)));
        Assert.Contains("more than the", whole.Take(stream.AsSpan(stream.Length - 4)), StringComparison.Ordinal);

        // One byte at a time: the same verdicts at the same byte.
        var split = new MqttPacketGuard();
        for (int i = 0; i < stream.Length - 4; i++)
        {
            Assert.Null(split.Take(stream.AsSpan(i, 1)));
        }

        Assert.Null(new MqttPacketGuard().Take(Header(3, 0, MqttPacketGuard.MaxPacketBytes)[..0]));
        Assert.Contains("not CONNECT", new MqttPacketGuard().Take(Header(3, 0, 10)), StringComparison.Ordinal);
        Assert.Contains("CONNECT declaring", new MqttPacketGuard().Take(Header(1, 0, MqttPacketGuard.MaxConnectBytes + 1)), StringComparison.Ordinal);
    }
}
