using MQTTnet;

namespace ClosedLoop.Host.Mqtt;

/// <summary>Where a broker is and how to log in; the same for rigs, the logger and commands.</summary>
public sealed record BrokerEndpoint(string Host, int Port, string? Username = null, string? Password = null, bool Tls = false, string TopicPrefix = "closedloop")
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
            builder.WithTlsOptions(tls => tls.UseTls());
        }

        return builder;
    }
}
