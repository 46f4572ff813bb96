using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace ClosedLoop.Host.Mqtt;

/// <summary>
/// The embedded broker's listener in place of MQTTnet's own TCP adapter (which reads whatever a client declares):
/// it accepts on one address and port (TLS when given a certificate), holds at most
/// <see cref="MaxUnauthenticated"/> connections that have not been answered CONNACK, closes one that has not been
/// within <see cref="DefaultConnectTimeout"/>, and hands MQTTnet a stream that refuses a packet by its declared length
/// before reading it (<see cref="MqttPacketGuard"/>). Follows MQTTnet's own listener (MQTTnet 5.2,
/// Source/MQTTnet.Server/Internal/Adapter/MqttTcpServerListener.cs, TryHandleClientConnectionAsync): the same public
/// MqttTcpChannel and MqttChannelAdapter, the server's writer buffer sizes, the endpoint's NoDelay and packet
/// fragmentation settings, TLS above the socket; the guard stream is the only thing added between them.
/// </summary>
public sealed class GuardedTcpServerAdapter(IPAddress address, int port, X509Certificate2? certificate, TimeSpan? connectTimeout = null) : IMqttServerAdapter
{
    /// <summary>Connections not yet answered CONNACK, at once: beyond this a new one is closed on arrival.</summary>
    public const int MaxUnauthenticated = 32;

    /// <summary>How long a connection may take from accept to its CONNACK (TLS handshake and CONNECT included), unless told otherwise.</summary>
    public static readonly TimeSpan DefaultConnectTimeout = TimeSpan.FromSeconds(10);

    private readonly TimeSpan _connectTimeout = connectTimeout ?? DefaultConnectTimeout;

    private readonly CancellationTokenSource _stop = new();
    private TcpListener? _listener;
    private Task? _accepting;
    private int _unauthenticated;
    private IMqttNetLogger _logger = MqttNetNullLogger.Instance;
    private MqttServerOptions? _options;

    public Func<IMqttChannelAdapter, Task>? ClientHandler { get; set; }

    /// <summary>Connections closed by the guard since the start: too many waiting, too slow, or a packet too large.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    private long _refused;

    public Task StartAsync(MqttServerOptions options, IMqttNetLogger logger)
    {
        _logger = logger;
        _options = options;
        _listener = new TcpListener(address, port);
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
        return Task.CompletedTask;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        if (_accepting is not null)
        {
            await _accepting.ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener?.Stop();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener!.AcceptSocketAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                if (_stop.IsCancellationRequested)
                {
                    return;
                }

                continue;
            }

            if (Interlocked.Increment(ref _unauthenticated) > MaxUnauthenticated)
            {
                Interlocked.Decrement(ref _unauthenticated);
                Interlocked.Increment(ref _refused);
                socket.Dispose();
                continue;
            }

            // As MQTTnet's own listener does (the endpoint's NoDelay, on by default): no Nagle delay on small packets.
            socket.NoDelay = _options!.DefaultEndpointOptions.NoDelay;
            _ = Task.Run(() => ServeAsync(socket));
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        var network = new NetworkStream(socket, ownsSocket: true);
        GuardedStream? guard = null;
        using var deadline = new CancellationTokenSource(_connectTimeout);
        using var expire = deadline.Token.Register(() =>
        {
            if (guard is not { Answered: true })
            {
                // No CONNACK in time (a slow handshake, a CONNECT never finished): the connection goes.
                Interlocked.Increment(ref _refused);
                network.Dispose();
            }
        });
        try
        {
            Stream transport = network;
            if (certificate is not null)
            {
                var tls = new SslStream(network, leaveInnerStreamOpen: false);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate }, deadline.Token).ConfigureAwait(false);
                transport = tls;
            }

            // Above TLS, so that the guard reads MQTT, not ciphertext.
            guard = new GuardedStream(transport, this);
            var channel = new MqttTcpChannel(guard, socket.LocalEndPoint!, socket.RemoteEndPoint!, null);
            var writer = new MqttBufferWriter(_options!.WriterBufferSize, _options.WriterBufferSizeMax);
            using var adapter = new MqttChannelAdapter(channel, new MqttPacketFormatterAdapter(writer), _logger);
            adapter.AllowPacketFragmentation = _options.DefaultEndpointOptions.AllowPacketFragmentation;
            if (ClientHandler is { } handler)
            {
                await handler(adapter).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A client that broke a limit, timed out, failed its handshake or went away: its connection is closed,
            // nothing else is (MQTTnet's listener likewise ends one connection, never the server, on any error).
        }
        finally
        {
            if (guard is null || !guard.Answered)
            {
                Interlocked.Decrement(ref _unauthenticated);
            }

            guard?.Dispose();
            network.Dispose();
        }
    }

    /// <summary>
    /// The client's bytes, checked by <see cref="MqttPacketGuard"/> as MQTTnet reads them; the first bytes the broker
    /// writes back (its CONNACK) end the connection's unauthenticated time.
    /// </summary>
    private sealed class GuardedStream(Stream inner, GuardedTcpServerAdapter owner) : Stream
    {
        private readonly MqttPacketGuard _guard = new();

        /// <summary>True once the broker has written to the client (its CONNACK): no longer unauthenticated.</summary>
        public bool Answered { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (_guard.Take(buffer.Span[..read]) is string refused)
            {
                Interlocked.Increment(ref owner._refused);
                throw new IOException($"closed by the broker's guard: {refused}");
            }

            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (!Answered)
            {
                Answered = true;
                Interlocked.Decrement(ref owner._unauthenticated);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
