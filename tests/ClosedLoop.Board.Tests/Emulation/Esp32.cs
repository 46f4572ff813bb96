using ClosedLoop.Board.Tests.Emulation;

namespace nanoFramework.Hardware.Esp32
{
    public class HighResTimer
    {
        public static ulong GetCurrent() => (ulong)EmulatedBoard.Current.NowUs;
    }

    public static class Configuration
    {
        public static void SetPinFunction(int gpioNumber, DeviceFunction function)
        {
        }
    }

    public enum DeviceFunction
    {
        I2C1_DATA,
        I2C1_CLOCK,
    }
}

namespace nanoFramework.Networking
{
    public static class WifiNetworkHelper
    {
        public static bool ConnectDhcp(string ssid, string password, System.Device.Wifi.WifiReconnectionKind reconnectionKind = System.Device.Wifi.WifiReconnectionKind.Automatic, bool requiresDateTime = false, int wifiAdapterId = 0, CancellationToken token = default) =>
            EmulatedBoard.Current.WifiAvailable;
    }
}

namespace System.Device.Wifi
{
    public enum WifiReconnectionKind
    {
        Automatic,
        Manual,
    }
}

namespace System.Device.Adc
{
    public class AdcController
    {
        public AdcChannel OpenChannel(int channelNumber) => new();
    }

    public class AdcChannel
    {
        internal AdcChannel()
        {
        }

        public int ReadValue() => EmulatedBoard.Current.ReadAdc();
    }
}

namespace System.Device.I2c
{
    /// <summary>The emulated board has no ADS1115 (its driver is tested against an emulated chip elsewhere).</summary>
    public class I2cDevice
    {
        internal I2cDevice()
        {
        }

        public static I2cDevice Create(I2cConnectionSettings settings) => throw new NotSupportedException("no I2C devices on the emulated board");
    }

    public class I2cConnectionSettings(int busId, int deviceAddress, I2cBusSpeed busSpeed)
    {
        public int BusId { get; } = busId;

        public int DeviceAddress { get; } = deviceAddress;

        public I2cBusSpeed BusSpeed { get; } = busSpeed;
    }

    public enum I2cBusSpeed
    {
        StandardMode,
        FastMode,
    }
}

namespace Iot.Device.Ads1115
{
    public class Ads1115(System.Device.I2c.I2cDevice device, InputMultiplexer inputMultiplexer, MeasuringRange measuringRange, DataRate dataRate, DeviceMode deviceMode)
    {
        public short ReadRaw() => throw new NotSupportedException($"no ADS1115 on the emulated board ({device}, {inputMultiplexer}, {measuringRange}, {dataRate}, {deviceMode})");
    }

    public enum InputMultiplexer { AIN0 = 4, AIN1 = 5, AIN2 = 6, AIN3 = 7 }

    public enum MeasuringRange { FS6144, FS4096, FS2048, FS1024, FS0512, FS0256 }

    public enum DataRate { SPS860 = 7 }

    public enum DeviceMode { Continuous, PowerDown }
}
