// Emulated for the board tests: nanoFramework.M2Mqtt 5.1.220's client API (tag v5.1.220: M2Mqtt/MqttClient.cs,
// nanoFramework.M2Mqtt.Core/IMqttClient.cs, M2Mqtt/Messages/*.cs; names, event signatures and enum values as there)
// over an MQTTnet client, so that the board's link talks MQTT 3.1.1 to a real broker (Mosquitto or the embedded
// MQTTnet one) in the tests.

using System.Collections;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;
using nanoFramework.M2Mqtt.Messages;

namespace nanoFramework.M2Mqtt
{
    public interface IMqttClient
    {
        delegate void MqttMsgPublishEventHandler(object sender, MqttMsgPublishEventArgs e);

        delegate void MqttMsgPublishedEventHandler(object sender, MqttMsgPublishedEventArgs e);

        delegate void ConnectionClosedEventHandler(object sender, EventArgs e);
    }

    /// <summary>
    /// M2Mqtt's client API over an MQTTnet client, so that the board's link talks MQTT to a real broker: Connect
    /// blocks and returns the CONNACK's code (and throws when the broker cannot be reached, as M2Mqtt does),
    /// Publish returns a message id at once and raises MqttMsgPublished when the broker has taken a QoS 1 message.
    /// </summary>
    public class MqttClient : IMqttClient, IDisposable
    {
        private readonly string _host;
        private readonly int _port;
        private readonly bool _secure;
        private readonly X509Certificate? _authority;
        private readonly MQTTnet.IMqttClient _client = new MqttClientFactory().CreateMqttClient();
        private int _nextId;

        public MqttClient(string brokerHostName, int brokerPort, bool secure, X509Certificate? caCert, X509Certificate? clientCert, MqttSslProtocols sslProtocol)
        {
            _secure = secure;
            _authority = caCert;
            _host = brokerHostName;
            _port = brokerPort;
            _client.ApplicationMessageReceivedAsync += e =>
            {
                MqttMsgPublishReceived?.Invoke(this, new MqttMsgPublishEventArgs(e.ApplicationMessage.Topic, System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload), e.ApplicationMessage.Retain));
                return Task.CompletedTask;
            };
            _client.DisconnectedAsync += _ =>
            {
                ConnectionClosed?.Invoke(this, EventArgs.Empty);
                return Task.CompletedTask;
            };
        }

        public event IMqttClient.MqttMsgPublishEventHandler? MqttMsgPublishReceived;

        public event IMqttClient.MqttMsgPublishedEventHandler? MqttMsgPublished;

        public event IMqttClient.ConnectionClosedEventHandler? ConnectionClosed;

        public MqttReasonCode Connect(string clientId, string? username, string? password, bool willRetain, MqttQoSLevel willQosLevel, bool willFlag, string willTopic, string willMessage, bool cleanSession, ushort keepAlivePeriod)
        {
            var options = new MqttClientOptionsBuilder()
                .WithTcpServer(_host, _port)
                .WithClientId(clientId)
                .WithCleanSession(cleanSession)
                .WithKeepAlivePeriod(TimeSpan.FromSeconds(keepAlivePeriod))
                .WithTimeout(TimeSpan.FromSeconds(3))
                .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311);
            if (username is not null)
            {
                options.WithCredentials(username, password);
            }

            if (willFlag)
            {
                options.WithWillTopic(willTopic).WithWillPayload(Encoding.UTF8.GetBytes(willMessage)).WithWillRetain(willRetain)
                    .WithWillQualityOfServiceLevel((MqttQualityOfServiceLevel)willQosLevel);
            }

            if (_secure)
            {
                // As on the board: the broker's certificate must name the host and chain to the deployed CA.
                options.WithTlsOptions(tls =>
                {
                    tls.UseTls().WithTargetHost(_host);
                    if (_authority is not null)
                    {
                        tls.WithCertificateValidationHandler(e => ChainsTo(_authority, e.Certificate, e.SslPolicyErrors));
                    }
                });
            }

            try
            {
                var result = _client.ConnectAsync(options.Build()).GetAwaiter().GetResult();
                return result.ResultCode == MqttClientConnectResultCode.Success ? MqttReasonCode.Success : MqttReasonCode.UnspecifiedError;
            }
            catch (Exception e)
            {
                throw new IOException("cannot connect to the broker", e);
            }
        }

        public ushort Publish(string topic, byte[] message, string? contentType, ArrayList? userProperties, MqttQoSLevel qosLevel, bool retain)
        {
            ushort id = (ushort)(Interlocked.Increment(ref _nextId) % 65535 + 1);
            var application = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(message)
                .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)qosLevel).WithRetainFlag(retain).Build();
            _ = Task.Run(async () =>
            {
                bool published;
                try
                {
                    var result = await _client.PublishAsync(application);
                    published = result.IsSuccess;
                }
                catch (Exception)
                {
                    published = false;
                }

                if (qosLevel != MqttQoSLevel.AtMostOnce)
                {
                    MqttMsgPublished?.Invoke(this, new MqttMsgPublishedEventArgs(id, published));
                }
            });
            return id;
        }

        private static bool ChainsTo(X509Certificate authority, X509Certificate? presented, System.Net.Security.SslPolicyErrors errors)
        {
            if (presented is null || (errors & (System.Net.Security.SslPolicyErrors.RemoteCertificateNameMismatch | System.Net.Security.SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
            {
                return false;
            }

            using var root = X509CertificateLoader.LoadCertificate(authority.GetRawCertData());
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(root);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var certificate = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
            return chain.Build(certificate);
        }

        public ushort Subscribe(string[] topics, MqttQoSLevel[] qosLevels)
        {
            var options = new MqttClientSubscribeOptionsBuilder();
            for (int i = 0; i < topics.Length; i++)
            {
                options.WithTopicFilter(topics[i], (MqttQualityOfServiceLevel)qosLevels[i]);
            }

            _client.SubscribeAsync(options.Build()).GetAwaiter().GetResult();
            return (ushort)(Interlocked.Increment(ref _nextId) % 65535 + 1);
        }

        public void Dispose()
        {
            try
            {
                if (_client.IsConnected)
                {
                    _client.DisconnectAsync().GetAwaiter().GetResult();
                }
            }
            finally
            {
                _client.Dispose();
            }
        }
    }

    public enum MqttSslProtocols
    {
        None,
        TLSv1_2,
    }
}

namespace nanoFramework.M2Mqtt.Messages
{
    public class MqttMsgPublishEventArgs(string topic, byte[] message, bool retain) : EventArgs
    {
        public string Topic { get; } = topic;

        public byte[] Message { get; } = message;

        /// <summary>Set when the broker delivered a retained message (MQTT 3.1.1 §3.3.1.3), as M2Mqtt reports it.</summary>
        public bool Retain { get; } = retain;
    }

    public class MqttMsgPublishedEventArgs(ushort messageId, bool isPublished) : EventArgs
    {
        public ushort MessageId { get; } = messageId;

        public bool IsPublished { get; } = isPublished;
    }

    public enum MqttQoSLevel : byte
    {
        AtMostOnce = 0,
        AtLeastOnce = 1,
        ExactlyOnce = 2,
    }

    public enum MqttReasonCode : byte
    {
        Success = 0,
        UnspecifiedError = 0x80,
    }
}
