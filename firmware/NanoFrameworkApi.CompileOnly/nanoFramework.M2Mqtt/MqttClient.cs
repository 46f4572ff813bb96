// Compile-only declaration: nanoFramework.M2Mqtt 5.1.220 (nanoframework/nanoFramework.m2mqtt: M2Mqtt/MqttClient.cs, IMqttClient.cs, MqttSslProtocols.cs, Messages/*; enum members by name only).
// Signatures as in the public nanoFramework sources, no behaviour. Never deployed: the .nfproj uses the real package.

using System;
using System.Collections;
using System.Security.Cryptography.X509Certificates;
using nanoFramework.M2Mqtt.Messages;

namespace nanoFramework.M2Mqtt
{
    public interface IMqttClient
    {
        delegate void MqttMsgPublishEventHandler(object sender, MqttMsgPublishEventArgs e);

        delegate void MqttMsgPublishedEventHandler(object sender, MqttMsgPublishedEventArgs e);

        delegate void ConnectionClosedEventHandler(object sender, EventArgs e);
    }

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

    public enum MqttSslProtocols
    {
        None,
        TLSv1_2,
    }
}

namespace nanoFramework.M2Mqtt.Messages
{
    public class MqttMsgPublishEventArgs : EventArgs
    {
        internal MqttMsgPublishEventArgs() => throw null;

        public string Topic => throw null;

        public byte[] Message => throw null;

        public bool Retain => throw null;
    }

    public class MqttMsgPublishedEventArgs : EventArgs
    {
        internal MqttMsgPublishedEventArgs() => throw null;

        public ushort MessageId => throw null;

        public bool IsPublished => throw null;
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
    }
}
