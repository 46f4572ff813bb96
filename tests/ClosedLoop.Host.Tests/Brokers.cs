using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ClosedLoop.Host.Mqtt;

namespace ClosedLoop.Host.Tests;

/// <summary>A broker the tests can start, stop and restart on the same port.</summary>
public interface ITestBroker : IAsyncDisposable
{
    BrokerEndpoint Endpoint { get; }

    Task StartAsync();

    Task StopAsync();
}

/// <summary>The embedded MQTTnet broker (what `closedloop demo` and `closedloop broker` run).</summary>
public sealed class EmbeddedTestBroker : ITestBroker
{
    private readonly int _port = EmbeddedBroker.FreePort();
    private EmbeddedBroker? _broker;

    public BrokerEndpoint Endpoint => BrokerEndpoint.Loopback(_port);

    public async Task StartAsync() => _broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, _port);

    public async Task StopAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
            _broker = null;
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}

/// <summary>
/// A real Mosquitto 2 broker on a free loopback port, with its own config: a password file, an ACL that limits
/// the test user to the ClosedLoop topics, unlimited queues for offline sessions, and persistence on disk so that
/// a restart keeps sessions and queued messages. `./test.sh` installs the Debian package where it is missing; a
/// test that needs it fails, with this explanation, when it cannot be started.
/// </summary>
/// With <c>users</c>, the password and ACL files are the ones `closedloop broker mosquitto` writes for them.
public sealed class MosquittoTestBroker(bool tls = false, BrokerUsers? users = null) : ITestBroker
{
    private const string User = "closedloop";
    private const string Password = "rig-secret";
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-mosquitto").FullName;
    private readonly int _port = EmbeddedBroker.FreePort();
    private Process? _process;

    public BrokerEndpoint Endpoint => new("127.0.0.1", _port, User, Password, tls, CaFile: tls ? CaPath : null);

    /// <summary>The test CA that signed the broker's certificate (TLS only).</summary>
    public string CaPath => Path.Combine(_folder, "ca.crt");

    public string LogPath => Path.Combine(_folder, "mosquitto.log");

    public async Task StartAsync()
    {
        string mosquitto = Find("mosquitto", "/usr/sbin/mosquitto");
        string passwd = Find("mosquitto_passwd", "/usr/bin/mosquitto_passwd");
        string passwordFile = Path.Combine(_folder, "passwd");
        if (!File.Exists(passwordFile))
        {
            if (users is null)
            {
                Run(passwd, $"-b -c {passwordFile} {User} {Password}");
            }
            else
            {
                File.WriteAllText(passwordFile, users.MosquittoPasswordFile());
            }

            string tlsLines = string.Empty;
            if (tls)
            {
                TestCertificates.Create(_folder);
                tlsLines = $"cafile {CaPath}\ncertfile {_folder}/server.crt\nkeyfile {_folder}/server.key\n";
            }

            File.WriteAllText(Path.Combine(_folder, "acl"), users is null ? $"user {User}\ntopic readwrite closedloop/#\n" : users.MosquittoAclFile());
            File.WriteAllText(Path.Combine(_folder, "mosquitto.conf"), $"""
                listener {_port} 127.0.0.1
                {tlsLines}allow_anonymous false
                password_file {passwordFile}
                acl_file {Path.Combine(_folder, "acl")}
                persistence true
                persistence_location {_folder}/
                autosave_interval 1
                max_queued_messages 0
                max_inflight_messages 100
                max_packet_size 65536
                user root
                log_dest file {LogPath}
                """);
        }

        _process = Process.Start(new ProcessStartInfo(mosquitto, $"-c {Path.Combine(_folder, "mosquitto.conf")}") { RedirectStandardError = true, RedirectStandardOutput = true })
            ?? throw new InvalidOperationException($"could not start {mosquitto}");
        bool listening = await Eventually.UntilAsync(async () =>
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"mosquitto exited with {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync()} {ReadLog()}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, _port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        });
        if (!listening)
        {
            throw new TimeoutException($"mosquitto did not listen on port {_port} within {Eventually.Patience.TotalSeconds} s. {ReadLog()}");
        }
    }

    /// <summary>Stops the broker as a service manager would (SIGTERM), so that it saves its state.</summary>
    public async Task StopAsync()
    {
        if (_process is null || _process.HasExited)
        {
            return;
        }

        Run("kill", $"-TERM {_process.Id}");
        await _process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
        _process.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(_folder, recursive: true);
    }

    private string ReadLog() => File.Exists(LogPath) ? File.ReadAllText(LogPath) : string.Empty;

    private static string Find(string name, string usual)
    {
        if (File.Exists(usual))
        {
            return usual;
        }

        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':'))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException($"{name} is not installed: the Mosquitto tests need the Debian package 'mosquitto' (./test.sh installs it with apt-get)");
    }

    internal static void Run(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {arguments} failed: {process.StandardError.ReadToEnd()}");
        }
    }
}

/// <summary>A CA of the test's own (ca.crt) and a server certificate for 127.0.0.1 signed by it (server.crt, server.key).</summary>
public static class TestCertificates
{
    public static void Create(string folder)
    {
        MosquittoTestBroker.Run("openssl", $"req -x509 -newkey rsa:2048 -nodes -keyout {folder}/ca.key -out {folder}/ca.crt -days 2 -subj /CN=ClosedLoop-test-CA");
        MosquittoTestBroker.Run("openssl", $"req -newkey rsa:2048 -nodes -keyout {folder}/server.key -out {folder}/server.csr -subj /CN=127.0.0.1");
        File.WriteAllText(Path.Combine(folder, "san.cnf"), "subjectAltName=IP:127.0.0.1\n");
        MosquittoTestBroker.Run("openssl", $"x509 -req -in {folder}/server.csr -CA {folder}/ca.crt -CAkey {folder}/ca.key -CAcreateserial -out {folder}/server.crt -days 2 -extfile {folder}/san.cnf");
    }
}

/// <summary>
/// A test class on its own embedded broker, started before each test and stopped after it, with a scratch folder
/// removed after each test.
/// </summary>
public abstract class EmbeddedBrokerTest : IAsyncLifetime
{
    protected EmbeddedTestBroker TestBroker { get; } = new();

    protected string Folder { get; } = Directory.CreateTempSubdirectory("closedloop-test").FullName;

    /// <summary>The broker as the CLI's --broker option names it.</summary>
    protected string BrokerAddress => $"127.0.0.1:{TestBroker.Endpoint.Port}";

    public virtual Task InitializeAsync() => TestBroker.StartAsync();

    public virtual async Task DisposeAsync()
    {
        await TestBroker.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}
