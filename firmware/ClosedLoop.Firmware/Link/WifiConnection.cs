using System.Device.Wifi;
using nanoFramework.Networking;
using System.Threading;

namespace ClosedLoop.Firmware.Link
{
    /// <summary>Joins the lab Wi-Fi (DHCP); the helper reconnects by itself after a drop.</summary>
    public static class WifiConnection
    {
        public const int TimeoutMs = 60000;

        /// <param name="needsTime">TLS checks certificate dates, so it must wait for the network time.</param>
        public static bool Connect(string ssid, string password, bool needsTime)
        {
            CancellationTokenSource timeout = new CancellationTokenSource(TimeoutMs);
            return WifiNetworkHelper.ConnectDhcp(ssid, password, WifiReconnectionKind.Automatic, needsTime, 0, timeout.Token);
        }
    }
}
