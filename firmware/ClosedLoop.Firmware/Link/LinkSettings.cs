using ClosedLoop.Engine.Config;

namespace ClosedLoop.Firmware.Link
{
    /// <summary>
    /// Where and how the board reaches the lab broker, read once at boot from the deployed nf.config (whose
    /// secrets `closedloop flash` filled in). A config received later over MQTT never changes these: it carries
    /// placeholders, not passwords, and a rig that rewired its own link could strand itself.
    /// </summary>
    public sealed class LinkSettings
    {
        public LinkSettings(ConfigValues values, byte[] caCertificate)
        {
            WifiSsid = values.GetText("link", "wifi_ssid");
            WifiPassword = values.GetText("link", "wifi_password");
            BrokerHost = values.GetText("link", "broker_host");
            BrokerPort = (int)values.GetInteger("link", "broker_port");
            Tls = values.GetBoolean("link", "tls");
            CaCertificate = caCertificate;
            Username = values.GetText("link", "username");
            Password = values.GetText("link", "password");
            TopicPrefix = values.GetText("link", "topic_prefix");
            SampleBatch = (int)values.GetInteger("link", "sample_batch");
        }

        public string WifiSsid { get; private set; }

        public string WifiPassword { get; private set; }

        public string BrokerHost { get; private set; }

        public int BrokerPort { get; private set; }

        public bool Tls { get; private set; }

        /// <summary>The CA certificate (PEM bytes) named by link.ca_file, or null.</summary>
        public byte[] CaCertificate { get; private set; }

        public string Username { get; private set; }

        public string Password { get; private set; }

        public string TopicPrefix { get; private set; }

        public int SampleBatch { get; private set; }
    }
}
