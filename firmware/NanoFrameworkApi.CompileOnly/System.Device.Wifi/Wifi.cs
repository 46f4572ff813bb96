// Compile-only declaration: nanoFramework.System.Device.Wifi 1.5.147 (nanoframework/System.Device.Wifi, tag v1.5.147, commit 282a90676d: System.Device.Wifi/NetworkHelper/WifiNetworkHelper.cs, WifiReconnectionKind.cs).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.

using System.Device.Wifi;
using System.Threading;

namespace nanoFramework.Networking
{
    public static class WifiNetworkHelper
    {
        public static bool ConnectDhcp(string ssid, string password, WifiReconnectionKind reconnectionKind = WifiReconnectionKind.Automatic, bool requiresDateTime = false, int wifiAdapterId = 0, CancellationToken token = default) => throw null;
    }
}

namespace System.Device.Wifi
{
    public enum WifiReconnectionKind
    {
        Automatic = 0,
        Manual = 1,
    }
}
