using System.Collections.Concurrent;
using System.Net;
using MQTTnet;
using MQTTnet.Protocol;

namespace ClosedLoop.Host.Tests;

/// <summary>
/// Who may publish and read what, enforced alike by the embedded broker (from the users file) and by Mosquitto
/// (from the password and ACL files `closedloop broker mosquitto` writes from the same file).
/// </summary>
public sealed class BrokerRoleTests
{
    private const string Secret = "s3cret-for-tests";

    public static TheoryData<string> Brokers => ["embedded", "mosquitto"];

    private static BrokerUsers Users()
    {
        var users = new BrokerUsers();
        users.Set("rig-01", BrokerRole.Rig, Secret);
        users.Set("rig-02", BrokerRole.Rig, Secret);
        users.Set("logger", BrokerRole.Logger, Secret);
        users.Set("alice", BrokerRole.Operator, Secret);
        users.Set("bob", BrokerRole.Viewer, Secret);
        return users;
    }

    private sealed class RoleBroker(string kind, BrokerUsers users) : IAsyncDisposable
    {
        private readonly int _port = EmbeddedBroker.FreePort();
        private EmbeddedBroker? _embedded;
        private MosquittoTestBroker? _mosquitto;

        public int Port => _mosquitto?.Endpoint.Port ?? _port;

        public async Task StartAsync()
        {
            if (kind == "embedded")
            {
                _embedded = await EmbeddedBroker.StartAsync(IPAddress.Loopback, _port, users: users);
            }
            else
            {
                _mosquitto = new MosquittoTestBroker(users: users);
                await _mosquitto.StartAsync();
            }
        }

        public async Task<IMqttClient> ConnectAsync(string user, string password = Secret)
        {
            var client = new MqttClientFactory().CreateMqttClient();
            var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", Port)
                .WithClientId($"{user}-{Guid.NewGuid():N}").WithCredentials(user, password).WithCleanStart(true).Build());
            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
            return client;
        }

        public async ValueTask DisposeAsync()
        {
            if (_embedded is not null)
            {
                await _embedded.DisposeAsync();
            }

            if (_mosquitto is not null)
            {
                await _mosquitto.DisposeAsync();
            }
        }
    }

    /// <summary>Messages a client received, by topic.</summary>
    private static ConcurrentQueue<(string Topic, string Payload)> Record(IMqttClient client)
    {
        var seen = new ConcurrentQueue<(string, string)>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            seen.Enqueue((e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload)));
            return Task.CompletedTask;
        };
        return seen;
    }

    private static Task Publish(IMqttClient client, string topic, string payload) =>
        client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

    /// <summary>A publish that should be refused: the broker may answer "not authorized" or close the connection (Mosquitto does, for a user with no write right).</summary>
    private static async Task TryPublish(IMqttClient client, string topic, string payload)
    {
        try
        {
            await Publish(client, topic, payload);
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttClientNotConnectedException or MQTTnet.Exceptions.MqttCommunicationException)
        {
        }
    }

    private static async Task Subscribe(IMqttClient client, string filter) =>
        await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build());

    /// <summary>Waits until <paramref name="marker"/> was seen, then a little longer for anything that should not come.</summary>
    private static async Task Settle(ConcurrentQueue<(string Topic, string Payload)> seen, string marker)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!seen.Any(m => m.Payload == marker) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Contains(seen, m => m.Payload == marker);
        await Task.Delay(300);
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task Each_role_publishes_only_where_it_may(string kind)
    {
        await using var broker = new RoleBroker(kind, Users());
        await broker.StartAsync();
        using var spy = await broker.ConnectAsync("logger");
        var seen = Record(spy);
        await Subscribe(spy, "closedloop/#");
        using var rig1 = await broker.ConnectAsync("rig-01");
        using var alice = await broker.ConnectAsync("alice");

        // Each refused attempt on a connection of its own: Mosquitto closes the connection of a client that
        // publishes where it may not, the embedded broker answers "not authorized".
        async Task Refused(string user, string topic, string payload)
        {
            using var client = await broker.ConnectAsync(user);
            await TryPublish(client, topic, payload);
        }

        await Refused("rig-02", "closedloop/rig-01/events", "forged by rig-02");
        await Refused("rig-01", "closedloop/rig-01/commands", "a rig arming itself");
        await Refused("bob", "closedloop/rig-01/commands", "arm from a viewer");
        await Refused("bob", "closedloop/rig-01/config", "config from a viewer");
        await Refused("logger", "closedloop/rig-01/config", "config from the logger");
        await Publish(alice, "closedloop/rig-01/commands", "arm from an operator");
        await Publish(alice, "closedloop/rig-01/config", "config from an operator");
        await Publish(rig1, "closedloop/rig-01/events", "the rig's own event");
        await Publish(spy, "closedloop/rig-01/commands", "replay from the logger");
        await Settle(seen, "replay from the logger");

        Assert.Equal(
            ["arm from an operator", "config from an operator", "replay from the logger", "the rig's own event"],
            seen.Select(m => m.Payload).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task A_rig_reads_only_its_own_commands_and_config(string kind)
    {
        await using var broker = new RoleBroker(kind, Users());
        await broker.StartAsync();
        using var rig1 = await broker.ConnectAsync("rig-01");
        var seen = Record(rig1);
        await rig1.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
            .WithTopicFilter("closedloop/#", MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await Subscribe(rig1, "closedloop/rig-01/commands");
        using var alice = await broker.ConnectAsync("alice");

        await Publish(alice, "closedloop/rig-02/commands", "for rig-02");
        await Publish(alice, "closedloop/rig-02/config", "config for rig-02");
        await Publish(alice, "closedloop/rig-01/commands", "for rig-01");
        await Settle(seen, "for rig-01");

        // Mosquitto delivers once per matching subscription; what matters is that nothing for rig-02 came.
        Assert.Equal(["for rig-01"], seen.Select(m => m.Payload).Distinct());
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task A_wrong_password_is_refused(string kind)
    {
        await using var broker = new RoleBroker(kind, Users());
        await broker.StartAsync();
        using var client = new MqttClientFactory().CreateMqttClient();

        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", broker.Port).WithClientId("intruder").WithCredentials("alice", "guess").Build();
        string refusal;
        try
        {
            refusal = (await client.ConnectAsync(options)).ResultCode.ToString();
        }
        catch (MQTTnet.Adapter.MqttConnectingFailedException e)
        {
            refusal = e.Message;
        }

        Assert.Matches("BadUserNameOrPassword|NotAuthorized", refusal);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task The_broker_commands_write_a_users_file_and_the_mosquitto_files_from_it()
    {
        string folder = Directory.CreateTempSubdirectory("closedloop-users").FullName;
        try
        {
            string users = Path.Combine(folder, "users.json");
            Environment.SetEnvironmentVariable("CLOSEDLOOP_NEW_PASSWORD", Secret);
            var added = await CommandLine.Invoke("broker", "user", "rig-01", "--role", "rig", "--users", users);
            Environment.SetEnvironmentVariable("CLOSEDLOOP_NEW_PASSWORD", null);
            var written = await CommandLine.Invoke("broker", "mosquitto", "--users", users, "--out", folder);

            Assert.True(added.Code == 0, added.Error);
            Assert.True(written.Code == 0, written.Error);
            Assert.NotNull(BrokerUsers.Load(users).Authenticate("rig-01", Secret));
            Assert.DoesNotContain(Secret, File.ReadAllText(users), StringComparison.Ordinal);
            Assert.StartsWith("rig-01:$7$101$", File.ReadAllText(Path.Combine(folder, "passwd")), StringComparison.Ordinal);
            Assert.Contains("user rig-01\ntopic write closedloop/rig-01/status\ntopic write closedloop/rig-01/events\n", File.ReadAllText(Path.Combine(folder, "acl")), StringComparison.Ordinal);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(users));
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
