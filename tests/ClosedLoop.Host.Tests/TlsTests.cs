namespace ClosedLoop.Host.Tests;

/// <summary>The rig link, the logger and the commands over TLS to a Mosquitto broker with a lab's own CA.</summary>
public sealed class TlsTests : IAsyncLifetime, IDisposable
{
    private readonly MosquittoTestBroker _broker = new(tls: true);
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-tls-test").FullName;

    public Task InitializeAsync() => _broker.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Events_reach_the_logger_over_tls_with_a_password()
    {
        using var store = new Logging.EventStore(Path.Combine(_folder, "log.sqlite"));
        await using var logger = new Logging.EventLogger(_broker.Endpoint, store);
        await logger.StartAsync(CancellationToken.None);
        await using var rig = await LinkedRig.StartAsync(_broker.Endpoint);

        rig.Run(60);
        await rig.Link.FlushAsync(TimeSpan.FromSeconds(30));

        await Eventually.UntilAsync(() => logger.Gaps.High("rig-t", 1) >= rig.LastSequence, eachRound: rig.Link.Pump);

        Assert.Equal(rig.LastSequence, logger.Gaps.High("rig-t", 1));
    }

    [Fact]
    public async Task The_password_can_come_from_a_file_instead_of_the_process_list()
    {
        string broker = $"127.0.0.1:{_broker.Endpoint.Port}";
        string file = Path.Combine(Path.GetTempPath(), $"closedloop-password-{Guid.NewGuid():N}");
        File.WriteAllText(file, _broker.Endpoint.Password + "\n");
        try
        {
            var withFile = await CommandLine.Invoke(["arm", "rig-t", "--user", _broker.Endpoint.Username!, "--password-file", file, "--tls", "--ca", _broker.CaPath, "--broker", broker]);
            var withoutPassword = await CommandLine.Invoke(["arm", "rig-t", "--user", _broker.Endpoint.Username!, "--tls", "--ca", _broker.CaPath, "--broker", broker]);

            // Logged in (there is no rig here to answer); without the password the broker refuses the login.
            Assert.Contains("rig-t has no status on the broker", withFile.Error, StringComparison.Ordinal);
            Assert.Equal(6, withoutPassword.Code);
            var logger = await CommandLine.Invoke(["log", "--db", Path.Combine(Path.GetTempPath(), $"closedloop-denied-{Guid.NewGuid():N}.sqlite"), "--user", _broker.Endpoint.Username!, "--password", "wrong", "--tls", "--ca", _broker.CaPath, "--broker", broker]);
            Assert.True(logger.Code == 6, logger.Error);
            Assert.Contains("error: not authorized", logger.Error, StringComparison.Ordinal);
            Assert.Contains("error: not authorized: the broker refused the login of user", withoutPassword.Error, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task A_command_with_the_ca_connects_and_one_without_it_is_refused()
    {
        string broker = $"127.0.0.1:{_broker.Endpoint.Port}";
        string[] login = ["--user", _broker.Endpoint.Username!, "--password", _broker.Endpoint.Password!, "--tls", "--broker", broker];

        var trusted = await CommandLine.Invoke(["arm", "rig-t", .. login, "--ca", _broker.CaPath]);
        var untrusted = await CommandLine.Invoke(["arm", "rig-t", .. login]);

        // Connected and asked for the rig's status (there is no rig here): the TLS handshake went through.
        Assert.Contains("rig-t has no status on the broker", trusted.Error, StringComparison.Ordinal);
        Assert.Equal(3, untrusted.Code);
        Assert.Contains("error: cannot reach the broker", untrusted.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_embedded_broker_speaks_tls_with_a_labs_certificate()
    {
        string folder = Directory.CreateTempSubdirectory("closedloop-embedded-tls").FullName;
        try
        {
            TestCertificates.Create(folder);
            int port = Mqtt.EmbeddedBroker.FreePort();
            using var stop = new CancellationTokenSource();
            var output = new StringWriter();
            var serving = ClosedLoop.Host.Commands.ClosedLoopCommandLine.Build()
                .Parse(["broker", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--tls-cert", Path.Combine(folder, "server.crt"), "--tls-key", Path.Combine(folder, "server.key")])
                .InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = output }, stop.Token);
            await Eventually.UntilAsync(() => output.ToString().Contains("(TLS)", StringComparison.Ordinal));

            string broker = $"127.0.0.1:{port}";
            var trusted = await CommandLine.Invoke(["arm", "rig-t", "--tls", "--ca", Path.Combine(folder, "ca.crt"), "--broker", broker]);
            var untrusted = await CommandLine.Invoke(["arm", "rig-t", "--tls", "--broker", broker]);
            var plain = await CommandLine.Invoke(["arm", "rig-t", "--broker", broker]);
            await stop.CancelAsync();
            Assert.Equal(0, await serving);

            // Through TLS to the broker (no rig here to answer); a client that does not trust the CA, or speaks
            // plain MQTT, does not get in.
            Assert.Contains("rig-t has no status on the broker", trusted.Error, StringComparison.Ordinal);
            Assert.Contains("error: cannot reach the broker", untrusted.Error, StringComparison.Ordinal);
            Assert.Equal(3, plain.Code);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
