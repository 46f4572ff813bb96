using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;

namespace ClosedLoop.Host.Mqtt;

/// <summary>
/// Where a broker is and how to log in; the same for rigs, the logger and commands. With TLS, the broker's
/// certificate must chain to the system's roots, or to <see cref="CaFile"/> when given (a lab's own CA).
/// </summary>
public sealed record BrokerEndpoint(string Host, int Port, string? Username = null, string? Password = null, bool Tls = false, string TopicPrefix = "closedloop", string? CaFile = null)
{
    public static BrokerEndpoint Loopback(int port) => new("127.0.0.1", port);

    /// <summary>MQTT 5 options with this endpoint's address, credentials and TLS.</summary>
    public MqttClientOptionsBuilder Options(string clientId)
    {
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(Host, Port)
            .WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15));
        if (Username is not null)
        {
            builder.WithCredentials(Username, Password ?? string.Empty);
        }

        if (Tls)
        {
            builder.WithTlsOptions(tls =>
            {
                tls.UseTls().WithTargetHost(Host);
                if (CaFile is not null)
                {
                    var authority = X509CertificateLoader.LoadCertificateFromFile(CaFile);
                    tls.WithCertificateValidationHandler(e => ChainsTo(authority, e.Certificate, e.SslPolicyErrors));
                }
            });
        }

        return builder;
    }

    /// <summary>True when the broker's certificate names this host and chains to <paramref name="authority"/> alone.</summary>
    private static bool ChainsTo(X509Certificate2 authority, X509Certificate? presented, SslPolicyErrors errors)
    {
        if (presented is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var certificate = new X509Certificate2(presented);
        return chain.Build(certificate);
    }
}
