// Compile-only declaration: nanoFramework.Iot.Device.Ads1115 1.2.743 (nanoframework/nanoFramework.IoT.Device: devices/Ads1115/Ads1115.cs, InputMultiplexer.cs, MeasuringRange.cs, DataRate.cs, DeviceMode.cs).
// Signatures as in the public nanoFramework sources, no behaviour. Never deployed: the .nfproj uses the real package.

using System.Device.I2c;

namespace Iot.Device.Ads1115
{
    public class Ads1115
    {
        public Ads1115(I2cDevice i2cDevice, InputMultiplexer inputMultiplexer, MeasuringRange measuringRange, DataRate dataRate, DeviceMode deviceMode) => throw null;

        public short ReadRaw() => throw null;
    }

    public enum InputMultiplexer
    {
        AIN0_AIN1 = 0,
        AIN0_AIN3 = 1,
        AIN1_AIN3 = 2,
        AIN2_AIN3 = 3,
        AIN0 = 4,
        AIN1 = 5,
        AIN2 = 6,
        AIN3 = 7,
    }

    public enum MeasuringRange
    {
        FS6144 = 0,
        FS4096 = 1,
        FS2048 = 2,
        FS1024 = 3,
        FS0512 = 4,
        FS0256 = 5,
    }

    public enum DataRate
    {
        SPS008 = 0,
        SPS016 = 1,
        SPS032 = 2,
        SPS064 = 3,
        SPS128 = 4,
        SPS250 = 5,
        SPS475 = 6,
        SPS860 = 7,
    }

    public enum DeviceMode
    {
        Continuous = 0,
        PowerDown = 1,
    }
}
