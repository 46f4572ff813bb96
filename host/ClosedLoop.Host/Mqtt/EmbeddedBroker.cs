using System.Net;
using MQTTnet.Server;

namespace ClosedLoop.Host.Mqtt;

/// <summary>
/// The MQTTnet broker inside `closedloop` (the default for the demo and `closedloop broker`), bound to one
/// address and port, with optional username/password.
/// </summary>
public sealed class EmbeddedBroker : IAsyncDisposable
{
    private readonly MqttServer _server;

    private readonly GuardedTcpServerAdapter _listener;

    private EmbeddedBroker(MqttServer server, GuardedTcpServerAdapter listener, int port)
    {
        _server = server;
        _listener = listener;
        Port = port;
    }

    /// <summary>Connections the listener closed: too many not yet logged in, too slow to log in, or a packet declared too large.</summary>
    public long RefusedConnections => _listener.Refused;

    /// <summary>Messages the broker queues for one client (a logger away or catching up) before it drops the oldest.</summary>
    public const int MaxQueuedPerClient = 2_000_000;

    /// <summary>
    /// The largest message the broker passes on or retains (the largest the protocol sends is a config of at most
    /// 32 KB). MQTTnet has no packet size limit of its own; the listener (<see cref="GuardedTcpServerAdapter"/>)
    /// refuses a packet that declares more than this and its headers before reading it.
    /// </summary>
    public const int MaxMessageBytes = 65536;

    public int Port { get; }

    public MqttServer Server => _server;

    /// <summary>
    /// Starts the broker. With <paramref name="retainedFile"/>, retained messages (rig status, desired configs)
    /// are loaded from that file at start and written back whenever they change, so a restart keeps them.
    /// </summary>
    /// <param name="certificate">With a certificate (and its private key), the broker speaks TLS only, on <paramref name="port"/>.</param>
    public static async Task<EmbeddedBroker> StartAsync(IPAddress address, int port, string? username = null, string? password = null, string? retainedFile = null, BrokerUsers? users = null,
        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null, string? usersFile = null, TimeSpan? connectTimeout = null)
    {
        // The users file is read again when it changes: a changed password or a removed user counts at the next connection.
        var live = users is null ? null : new LiveUsers(users, usersFile);
        var builder = new MqttServerOptionsBuilder()
            .WithPersistentSessions()
            // MQTTnet's default keeps 250 messages per client and drops the oldest beyond that: a logger that is
            // away or slow would lose events. Queue generously; the gap replay covers anything beyond.
            .WithMaxPendingMessagesPerClient(MaxQueuedPerClient);
        // Our own listener, on the one address asked for (TLS only, with a certificate), which refuses floods
        // before MQTTnet reads them; MQTTnet's endpoints stay closed.
        var options = builder.WithoutDefaultEndpoint().Build();
        var listener = new GuardedTcpServerAdapter(address, port, certificate, connectTimeout);
        var server = new MqttServerFactory().CreateMqttServer(options, [listener]);
        server.ValidatingConnectionAsync += e =>
        {
            AssignClientId(e);
            return Task.CompletedTask;
        };
        server.InterceptingPublishAsync += e =>
        {
            if (e.ApplicationMessage.Payload.Length > MaxMessageBytes)
            {
                e.ProcessPublish = false;
            }
            else if (live is not null && e.ClientId is not null && !MayPublish(live.Current(), e.UserName, e.ApplicationMessage.Topic))
            {
                // A role publishes only where docs/protocol.md says: a rig never as another rig, a viewer never.
                e.ProcessPublish = false;
                e.Response.ReasonCode = MQTTnet.Protocol.MqttPubAckReasonCode.NotAuthorized;
            }

            return Task.CompletedTask;
        };
        if (live is not null)
        {
            EnforceRoles(server, live);
        }
        else if (username is not null)
        {
            server.ValidatingConnectionAsync += e =>
            {
                if (e.UserName != username || e.Password != password)
                {
                    e.ReasonCode = MQTTnet.Protocol.MqttConnectReasonCode.BadUserNameOrPassword;
                }

                return Task.CompletedTask;
            };
        }

        if (retainedFile is not null)
        {
            var store = new RetainedMessageFile(retainedFile);
            server.LoadingRetainedMessageAsync += e =>
            {
                e.LoadedRetainedMessages = store.Load();
                return Task.CompletedTask;
            };
            server.RetainedMessageChangedAsync += e =>
            {
                store.Save(e.StoredRetainedMessages);
                return Task.CompletedTask;
            };
            server.RetainedMessagesClearedAsync += _ =>
            {
                store.Save([]);
                return Task.CompletedTask;
            };
        }

        await server.StartAsync().ConfigureAwait(false);
        return new EmbeddedBroker(server, listener, port);
    }

    private static bool MayPublish(BrokerUsers users, string? userName, string topic) =>
        users.Find(userName) is { } user && users.MayPublish(user, topic);

    /// <summary>Each client logs in as a user of the file and subscribes only where its role may read.</summary>
    private static void EnforceRoles(MqttServer server, LiveUsers live)
    {
        server.ValidatingConnectionAsync += e =>
        {
            var users = live.Current();
            if (users.Authenticate(e.UserName, e.Password) is not { } user)
            {
                e.ReasonCode = MQTTnet.Protocol.MqttConnectReasonCode.BadUserNameOrPassword;
            }
            else if (user.Role != BrokerRole.Logger && e.CleanSession != true
                && (e.SessionExpiryInterval > 0 || e.ProtocolVersion != MQTTnet.Formatter.MqttProtocolVersion.V500))
            {
                // Only a logger's session is kept while it is away: anyone else's would queue everything the rigs
                // publish (millions of messages) for a client that may never come back.
                e.ReasonCode = MQTTnet.Protocol.MqttConnectReasonCode.NotAuthorized;
                e.ReasonString = "persistent sessions are kept for loggers only: connect with a clean start";
            }

            return Task.CompletedTask;
        };
        server.InterceptingSubscriptionAsync += e =>
        {
            var users = live.Current();
            if (users.Find(e.UserName) is not { } user || !users.MaySubscribe(user, e.TopicFilter.Topic))
            {
                e.ProcessSubscription = false;
                e.Response.ReasonCode = MQTTnet.Protocol.MqttSubscribeReasonCode.NotAuthorized;
            }

            return Task.CompletedTask;
        };
    }

    private static readonly System.Reflection.FieldInfo? ConnectPacketField =
        typeof(ValidatingConnectionEventArgs).GetField("_connectPacket", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic);

    /// <summary>
    /// MQTT 3.1.1 §3.1.3.1: a server must accept an empty client id with a clean session and assign one (clients
    /// such as mosquitto_sub may send none). MQTTnet 5.2 assigns ids to MQTT 5 clients only and refuses the rest
    /// after this hook (MqttClientSessionsManager.ValidateConnection), so the id is written into its CONNECT packet
    /// here. Should a later MQTTnet rename that field, nothing is assigned and EmbeddedBrokerTests fails.
    /// </summary>
    private static void AssignClientId(ValidatingConnectionEventArgs e)
    {
        if (!string.IsNullOrEmpty(e.ClientId) || e.CleanSession != true)
        {
            return;
        }

        string id = "auto-" + Guid.NewGuid().ToString("N");
        e.AssignedClientIdentifier = id;
        if (ConnectPacketField?.GetValue(e) is MQTTnet.Packets.MqttConnectPacket packet)
        {
            packet.ClientId = id;
        }
    }

    /// <summary>A free TCP port on loopback, for tests and the demo.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _server.StopAsync().ConfigureAwait(false);
        _server.Dispose();
    }
}
