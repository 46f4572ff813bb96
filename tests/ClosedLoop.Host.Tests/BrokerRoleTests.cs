using System.Collections.Concurrent;
using System.CommandLine;
using System.Net;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Output;
using ClosedLoop.Engine.Wire;
using ClosedLoop.Host.Commands;
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
        await Eventually.HoldsAsync(() => seen.Any(m => m.Payload == marker), () => $"marker {marker} never came back");
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
        await Refused("rig-01", "closedloop/rig-01/commands/rig-01", "a rig arming itself");
        await Refused("bob", "closedloop/rig-01/commands/bob", "arm from a viewer");
        await Refused("bob", "closedloop/rig-01/config", "config from a viewer");
        await Refused("logger", "closedloop/rig-01/config", "config from the logger");
        await Refused("logger", "closedloop/rig-01/commands/logger", "arm from the logger");
        await Refused("logger", "closedloop/rig-01/commands/alice", "arm from the logger as alice");
        await Refused("alice", "closedloop/rig-01/commands/bob", "arm from alice as bob");
        await Refused("alice", "closedloop/rig-01/replay/logger", "replay from alice as the logger");
        await Refused("logger", "closedloop/rig-01/commands", "arm on the old topic");
        await Refused("alice", "closedloop/rig-01/audit/bob", "audit from alice as bob");
        await Refused("alice", "closedloop/rig-01/audit", "audit on the old topic");
        await Publish(alice, "closedloop/rig-01/commands/alice", "arm from an operator");
        await Publish(alice, "closedloop/rig-01/audit/alice", "audit from an operator");
        await Publish(alice, "closedloop/rig-01/config", "config from an operator");
        await Publish(rig1, "closedloop/rig-01/events", "the rig's own event");
        await Publish(spy, "closedloop/rig-01/replay/logger", "replay from the logger");
        await Settle(seen, "replay from the logger");

        Assert.Equal(
            ["arm from an operator", "audit from an operator", "config from an operator", "replay from the logger", "the rig's own event"],
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
        await Subscribe(rig1, "closedloop/rig-01/commands/+");
        using var alice = await broker.ConnectAsync("alice");

        await Publish(alice, "closedloop/rig-02/commands/alice", "for rig-02");
        await Publish(alice, "closedloop/rig-02/config", "config for rig-02");
        await Publish(alice, "closedloop/rig-01/commands/alice", "for rig-01");
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

            // The lines it prints for mosquitto.conf open the in-flight window the logger needs (it acknowledges after
            // each commit; Mosquitto's default of 20 throttled a burst to 375 events/s: README, "Logger ingest").
            Assert.Contains("  max_inflight_messages 1000\n", written.Output, StringComparison.Ordinal);
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

    /// <summary>The CLI as a lab runs it, with only the options a lab types; stopped by cancelling.</summary>
    private static (Task<int> Run, StringWriter Output, CancellationTokenSource Stop) StartCli(params string[] args)
    {
        var stop = new CancellationTokenSource();
        var output = new StringWriter();
        var run = ClosedLoopCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = TextWriter.Synchronized(output), Error = TextWriter.Synchronized(output) }, stop.Token);
        return (run, output, stop);
    }

    private static Task WaitForAsync(Func<bool> condition, Func<string> what) => Eventually.HoldsAsync(condition, what);

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task The_logger_as_a_lab_starts_it_logs_every_event_and_its_status_reaches_the_monitors(string kind)
    {
        await using var broker = new RoleBroker(kind, Users());
        await broker.StartAsync();
        using var viewer = await broker.ConnectAsync("bob");
        var seen = Record(viewer);
        await Subscribe(viewer, "closedloop/_loggers/+/status");
        string database = Path.Combine(Path.GetTempPath(), $"closedloop-role-{Guid.NewGuid():N}.sqlite");

        // No --client-id: the default a lab gets. The ACL grants the logger its status under its user name.
        var (logging, output, stop) = StartCli("log", "--db", database, "--broker", $"127.0.0.1:{broker.Port}", "--user", "logger", "--password", Secret);
        await WaitForAsync(() => seen.Any(m => m.Topic == "closedloop/_loggers/logger/status" && m.Payload.Contains("\"online\":true", StringComparison.Ordinal)), () => $"no online status from the logger: {output}");
        await using (var rig = await LinkedRig.StartAsync(new BrokerEndpoint("127.0.0.1", broker.Port, "rig-01", Secret), rigId: "rig-01"))
        {
            rig.Run(30);
            await rig.Link.FlushAsync(TimeSpan.FromSeconds(30));
            await WaitForAsync(() => Stored(database) == rig.LastSequence, () => $"{Stored(database)} of {rig.LastSequence} events stored: {output}");
        }

        await stop.CancelAsync();
        Assert.Equal(0, await logging);
        Assert.DoesNotContain("cannot reach", output.ToString(), StringComparison.Ordinal);
        File.Delete(database);

        static long Stored(string path)
        {
            using var store = new ClosedLoop.Host.Logging.EventStore(path);
            return store.Sequences("rig-01", 1).Count;
        }
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task The_logger_account_cannot_act_on_a_rig_and_a_rig_journals_the_sender_the_broker_proved(string kind)
    {
        await using var broker = new RoleBroker(kind, Users());
        await broker.StartAsync();
        await using var rig = await LinkedRig.StartAsync(new BrokerEndpoint("127.0.0.1", broker.Port, "rig-01", Secret), rigId: "rig-01", armed: false);
        await using (rig.PumpInBackground())
        {
            // A fresh, well-formed arm that says it is from alice, from the logger's account: on the command topic
            // the broker refuses it; on the replay topic, which the logger may write, the rig does.
            var buffer = new byte[CommandJson.MaxBytes];
            int length = new CommandJson().Write(CommandKind.Arm, 0, 77, "alice", rig.BootId, rig.Rig.Clock.NowMicros + 30_000_000, buffer, 0);
            using (var logger = await broker.ConnectAsync("logger"))
            {
                await TryPublish(logger, "closedloop/rig-01/commands/logger", Encoding.UTF8.GetString(buffer, 0, length));
            }

            using (var logger = await broker.ConnectAsync("logger"))
            {
                await Publish(logger, "closedloop/rig-01/replay/logger", Encoding.UTF8.GetString(buffer, 0, length));
            }

            await WaitForAsync(() => rig.Events(EventKind.Command).Count > 0, () => "the rig never answered the arm on the replay topic");
            var refused = Assert.Single(rig.Events(EventKind.Command));
            Assert.Equal((RefusalReason.WrongTopic, "logger"), ((RefusalReason)refused.Flags, SenderName.Unpack(refused.Ref2)));
            Assert.False(rig.Rig.Engine.IsArmed);

            // The operator, with the options a lab types, claiming to be someone else: journaled as alice.
            var (code, output, error) = await CommandLine.Invoke("arm", "rig-01", "--broker", $"127.0.0.1:{broker.Port}", "--user", "alice", "--password", Secret, "--from", "bob");
            Assert.True(code == 0, output + error);
            Assert.True(rig.Rig.Engine.IsArmed);
            var accepted = rig.Events(EventKind.Command).Last();
            Assert.Equal((RefusalReason.None, "alice"), ((RefusalReason)accepted.Flags, SenderName.Unpack(accepted.Ref2)));
        }
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task A_second_logger_with_the_same_client_id_ends_the_first_which_says_so_instead_of_splitting_the_stream(string kind)
    {
        await using var broker = new RoleBroker(kind, Users());
        await broker.StartAsync();
        string folder = Directory.CreateTempSubdirectory("closedloop-two-loggers").FullName;
        string[] Log(string db) => ["log", "--db", Path.Combine(folder, db), "--broker", $"127.0.0.1:{broker.Port}", "--user", "logger", "--password", Secret, "--client-id", "lab-logger"];

        var (first, firstOutput, firstStop) = StartCli(Log("a.sqlite"));
        await WaitForAsync(() => firstOutput.ToString().Contains("logging closedloop/#", StringComparison.Ordinal), () => firstOutput.ToString());
        var (second, secondOutput, secondStop) = StartCli(Log("b.sqlite"));

        Assert.Equal(ExitCodes.Refused, await first.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("took its session", firstOutput.ToString(), StringComparison.Ordinal);
        await Task.Delay(1000);
        Assert.False(second.IsCompleted, secondOutput.ToString());
        await secondStop.CancelAsync();
        Assert.Equal(0, await second);
        firstStop.Dispose();
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Two_loggers_on_other_log_files_get_other_default_client_ids_and_one_logger_keeps_its_own()
    {
        string a = ClosedLoop.Host.Logging.EventLogger.DefaultClientId("/data/a.sqlite");

        Assert.Equal(a, ClosedLoop.Host.Logging.EventLogger.DefaultClientId("/data/a.sqlite"));
        Assert.NotEqual(a, ClosedLoop.Host.Logging.EventLogger.DefaultClientId("/data/b.sqlite"));
        Assert.StartsWith("closedloop-logger-", a, StringComparison.Ordinal);
    }

    [Fact]
    public void An_operator_or_logger_name_must_be_a_name_rigs_can_journal()
    {
        var users = new BrokerUsers();

        var error = Assert.Throws<ArgumentException>(() => users.Set("Experimenter.Long", BrokerRole.Operator, Secret));
        Assert.Contains(SenderName.Rule, error.Message, StringComparison.Ordinal);
        users.Set("rig-with-a-long-name", BrokerRole.Rig, Secret);
    }

    [Fact]
    public async Task Mosquitto_run_as_its_service_user_reads_the_files_broker_mosquitto_writes()
    {
        // Mosquitto drops root for its own user before it reads password_file and acl_file (Debian's service runs
        // it as mosquitto): owner-only files stopped it with "Unable to open pwfile".
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Assert.Fail("this test runs Mosquitto as its service user, which needs Linux and root (as CI has)");
            return;
        }

        string folder = Directory.CreateTempSubdirectory("closedloop-mosquitto-service").FullName;
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_101);
        using var mosquitto = new System.Diagnostics.Process();
        try
        {
            string users = Path.Combine(folder, "users.json");
            Environment.SetEnvironmentVariable("CLOSEDLOOP_NEW_PASSWORD", Secret);
            var added = await CommandLine.Invoke("broker", "user", "alice", "--role", "operator", "--users", users);
            Environment.SetEnvironmentVariable("CLOSEDLOOP_NEW_PASSWORD", null);
            var written = await CommandLine.Invoke("broker", "mosquitto", "--users", users, "--out", folder);
            Assert.True(added.Code == 0 && written.Code == 0, added.Error + written.Error);
            Assert.Contains("readable by group mosquitto (mode 640)", written.Output, StringComparison.Ordinal);
            foreach (string file in new[] { "passwd", "acl" })
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(Path.Combine(folder, file)));
            }

            int port = EmbeddedBroker.FreePort();
            string config = Path.Combine(folder, "mosquitto.conf");
            File.WriteAllText(config, $"listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {folder}/passwd\nacl_file {folder}/acl\nuser mosquitto\n");
            mosquitto.StartInfo = new System.Diagnostics.ProcessStartInfo(File.Exists("/usr/sbin/mosquitto") ? "/usr/sbin/mosquitto" : "mosquitto", $"-c {config}") { RedirectStandardError = true, RedirectStandardOutput = true };
            mosquitto.Start();
            using var client = new MqttClientFactory().CreateMqttClient();
            MqttClientConnectResult? result = null;
            for (int attempt = 0; attempt < 100 && result is null && !mosquitto.HasExited; attempt++)
            {
                try
                {
                    result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithCredentials("alice", Secret).Build());
                }
                catch (MQTTnet.Exceptions.MqttCommunicationException)
                {
                    await Task.Delay(100);
                }
            }

            Assert.False(mosquitto.HasExited, mosquitto.HasExited ? await mosquitto.StandardError.ReadToEndAsync() : string.Empty);
            Assert.Equal(MqttClientConnectResultCode.Success, result?.ResultCode);
        }
        finally
        {
            if (!mosquitto.HasExited)
            {
                mosquitto.Kill();
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_embedded_broker_reads_the_users_file_again_so_a_changed_password_counts_at_the_next_login()
    {
        string folder = Directory.CreateTempSubdirectory("closedloop-users-live").FullName;
        string file = Path.Combine(folder, "users.json");
        var users = Users();
        users.Save(file);
        int port = EmbeddedBroker.FreePort();
        await using var broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, port, users: BrokerUsers.Load(file), usersFile: file);

        async Task<bool> LogsIn(string password)
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            try
            {
                return (await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithCredentials("alice", password).Build())).ResultCode == MqttClientConnectResultCode.Success;
            }
            catch (MQTTnet.Adapter.MqttConnectingFailedException)
            {
                return false;
            }
        }

        Assert.True(await LogsIn(Secret));
        users.Set("alice", BrokerRole.Operator, "a-new-password");
        users.Save(file);
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(1));

        Assert.False(await LogsIn(Secret));
        Assert.True(await LogsIn("a-new-password"));
        Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task A_wrong_password_and_a_viewers_command_are_not_authorized_exit_6_not_an_unreachable_broker(string kind)
    {
        await using var broker = new RoleBroker(kind, Users());
        await broker.StartAsync();
        await using var rig = await LinkedRig.StartAsync(new BrokerEndpoint("127.0.0.1", broker.Port, "rig-01", Secret), rigId: "rig-01", armed: false);
        await using (rig.PumpInBackground())
        {
            var monitor = await CommandLine.Invoke("monitor", "--broker", $"127.0.0.1:{broker.Port}", "--user", "bob", "--password", "wrong", "--seconds", "1");
            var arm = await CommandLine.Invoke("arm", "rig-01", "--broker", $"127.0.0.1:{broker.Port}", "--user", "bob", "--password", Secret);

            Assert.True(monitor.Code == ExitCodes.NotAuthorized, monitor.Output + monitor.Error);
            Assert.Contains("not authorized", monitor.Error, StringComparison.Ordinal);
            Assert.True(arm.Code == ExitCodes.NotAuthorized, arm.Output + arm.Error);
            Assert.Contains("not authorized", arm.Error, StringComparison.Ordinal);
            Assert.False(rig.Rig.Engine.IsArmed);
        }
    }
}
