using System.Device.I2c;
using ClosedLoop.Engine.Acquisition;
using Iot.Device.Ads1115;

namespace ClosedLoop.Firmware.Acquisition
{
    /// <summary>
    /// An ADS1115 16-bit ADC on I2C, through the Iot.Device.Ads1115 binding (the same API on nanoFramework and in
    /// dotnet/iot, so this file is also tested on .NET against an emulated chip). It converts continuously at its
    /// fastest rate, 860 samples/s; a read returns the last finished conversion, so its light lies within the two
    /// conversions before the read.
    /// </summary>
    public sealed class Ads1115Photodiode : IPhotodiode
    {
        private readonly Ads1115 _adc;

        /// <param name="device">The I2C device at the chip's address.</param>
        /// <param name="input">Index into nf.config's ads1115_input choices (ain0..ain3, single-ended).</param>
        /// <param name="range">Index into nf.config's ads1115_range_mv choices (6144 down to 256 mV).</param>
        public Ads1115Photodiode(I2cDevice device, int input, int range)
        {
            _adc = new Ads1115(device, InputFor(input), RangeFor(range), DataRate.SPS860, DeviceMode.Continuous);
        }

        /// <summary>The conversion returned finished at most one conversion before the read, and integrated one before that.</summary>
        public long LookbackUs
        {
            get { return 2 * Ads1115Timing.ConversionUs; }
        }

        public int Read()
        {
            return _adc.ReadRaw();
        }

        /// <summary>The multiplexer setting for a single-ended input (ain0..ain3).</summary>
        public static InputMultiplexer InputFor(int input)
        {
            switch (input)
            {
                case 0:
                    return InputMultiplexer.AIN0;
                case 1:
                    return InputMultiplexer.AIN1;
                case 2:
                    return InputMultiplexer.AIN2;
                case 3:
                    return InputMultiplexer.AIN3;
                default:
                    throw new System.ArgumentOutOfRangeException("input");
            }
        }

        /// <summary>The gain setting for a full-scale range, in the order nf.config lists them.</summary>
        public static MeasuringRange RangeFor(int range)
        {
            switch (range)
            {
                case 0:
                    return MeasuringRange.FS6144;
                case 1:
                    return MeasuringRange.FS4096;
                case 2:
                    return MeasuringRange.FS2048;
                case 3:
                    return MeasuringRange.FS1024;
                case 4:
                    return MeasuringRange.FS0512;
                case 5:
                    return MeasuringRange.FS0256;
                default:
                    throw new System.ArgumentOutOfRangeException("range");
            }
        }
    }
}
