// Compile-only declaration: nanoFramework.M2Mqtt 5.1.220 (nanoframework/nanoFramework.m2mqtt at v5.1.220: M2Mqtt/MqttClient.cs).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.

using System;
using System.Collections;
using System.Security.Cryptography.X509Certificates;
using nanoFramework.M2Mqtt.Messages;

namespace nanoFramework.M2Mqtt
{
    public class MqttClient : IMqttClient, IDisposable
    {
        public MqttClient(string brokerHostName, int brokerPort, bool secure, X509Certificate caCert, X509Certificate clientCert, MqttSslProtocols sslProtocol) => throw null;

        public event IMqttClient.MqttMsgPublishEventHandler MqttMsgPublishReceived { add => throw null; remove => throw null; }

        public event IMqttClient.MqttMsgPublishedEventHandler MqttMsgPublished { add => throw null; remove => throw null; }

        public event IMqttClient.ConnectionClosedEventHandler ConnectionClosed { add => throw null; remove => throw null; }

        public MqttReasonCode Connect(string clientId, string username, string password, bool willRetain, MqttQoSLevel willQosLevel, bool willFlag, string willTopic, string willMessage, bool cleanSession, ushort keepAlivePeriod) => throw null;

        public ushort Publish(string topic, byte[] message, string contentType, ArrayList userProperties, MqttQoSLevel qosLevel, bool retain) => throw null;

        public ushort Subscribe(string[] topics, MqttQoSLevel[] qosLevels) => throw null;

        public void Dispose() => throw null;
    }
}
