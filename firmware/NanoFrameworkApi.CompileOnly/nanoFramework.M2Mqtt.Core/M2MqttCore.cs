// Compile-only declaration: nanoFramework.M2Mqtt 5.1.220 (nanoframework/nanoFramework.m2mqtt at v5.1.220: nanoFramework.M2Mqtt.Core/IMqttClient.cs, MqttSslProtocols.cs, Messages/MqttMsgPublishEventArgs.cs, MqttMsgPublishedEventArgs.cs, MqttQoSLevel.cs, MqttReasonCode.cs).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.

using System;
using nanoFramework.M2Mqtt.Messages;

namespace nanoFramework.M2Mqtt
{
    /// <summary>The real interface also lists the client's members; only the delegates the board names are declared.</summary>
    public interface IMqttClient
    {
        public delegate void MqttMsgPublishEventHandler(object sender, MqttMsgPublishEventArgs e);

        public delegate void MqttMsgPublishedEventHandler(object sender, MqttMsgPublishedEventArgs e);

        public delegate void ConnectionClosedEventHandler(object sender, EventArgs e);
    }

    public enum MqttSslProtocols
    {
        None = 0,
        SSLv3 = 1,
        TLSv1_0 = 2,
        TLSv1_1 = 3,
        TLSv1_2 = 4,
        TLSv1_3 = 5,
    }
}

namespace nanoFramework.M2Mqtt.Messages
{
    public class MqttMsgPublishEventArgs : EventArgs
    {
        public MqttMsgPublishEventArgs(string topic, byte[] message, bool dupFlag, MqttQoSLevel qosLevel, bool retain) => throw null;

        public string Topic => throw null;

        public byte[] Message => throw null;

        public bool Retain => throw null;
    }

    public class MqttMsgPublishedEventArgs : EventArgs
    {
        public MqttMsgPublishedEventArgs(ushort messageId, bool isPublished) => throw null;

        public ushort MessageId { get => throw null; set => throw null; }

        public bool IsPublished { get => throw null; set => throw null; }
    }

    public enum MqttQoSLevel
    {
        AtMostOnce = 0x00,
        AtLeastOnce = 0x01,
        ExactlyOnce = 0x02,
        GrantedFailure = 0x80,
    }

    public enum MqttReasonCode
    {
        Success = 0x00,
    }
}
