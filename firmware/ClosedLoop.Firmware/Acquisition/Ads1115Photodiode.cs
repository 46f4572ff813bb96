using System;
using System.Device.I2c;
using ClosedLoop.Engine.Acquisition;

namespace ClosedLoop.Firmware.Acquisition
{
    /// <summary>
    /// An ADS1115 16-bit ADC on I2C, driven through its four registers (datasheet SBAS444, section 8.6) rather than
    /// a binding: the nanoFramework binding allocates two buffers on every read and brings five more assemblies to
    /// deploy. The chip converts continuously at its fastest rate, 860 samples/s; its pointer is left on the
    /// conversion register, so each read is one two-byte transaction into a buffer allocated once (nanoFramework's
    /// native I2C call still creates one small I2cTransferResult object per transaction). A read returns
    /// the last finished conversion, so its light lies within the two conversions before the read.
    /// <para>
    /// The same source compiles against nanoFramework's I2cDevice (SpanByte) and dotnet/iot's (Span of byte): a
    /// byte array converts to either, and the transfer results, which only nanoFramework returns, are not read.
    /// </para>
    /// </summary>
    public sealed class Ads1115Photodiode : IPhotodiode
    {
        public const byte ConversionRegister = 0;
        public const byte ConfigRegister = 1;

        /// <summary>Config bit 8: 0 = continuous conversion.</summary>
        private const int ContinuousMode = 0;

        /// <summary>Config bits 7:5 = 111: 860 samples per second.</summary>
        private const int Rate860 = 7;

        /// <summary>Config bits 1:0 = 11: comparator off (ALERT/RDY high impedance).</summary>
        private const int ComparatorOff = 3;

        private readonly I2cDevice _device;
        private readonly byte[] _conversion = new byte[2];

        /// <param name="device">The I2C device at the chip's address.</param>
        /// <param name="input">Index into nf.config's ads1115_input choices (ain0..ain3, single-ended).</param>
        /// <param name="range">Index into nf.config's ads1115_range_mv choices (6144 down to 256 mV).</param>
        /// <exception cref="InvalidOperationException">No ADS1115 answered: its config register did not read back.</exception>
        public Ads1115Photodiode(I2cDevice device, int input, int range)
        {
            _device = device;
            Config = ConfigFor(input, range);
            _device.Write(new byte[] { ConfigRegister, (byte)(Config >> 8), (byte)Config });

            // A missing or wrong chip leaves the buffer as it was: it must come back as written (bit 15, the
            // conversion flag, reads differently from how it is written, so it is left out).
            byte[] readBack = new byte[] { 0xFF, 0xFF };
            _device.WriteRead(new byte[] { ConfigRegister }, readBack);
            if ((((readBack[0] << 8) | readBack[1]) & 0x7FFF) != Config)
            {
                throw new InvalidOperationException("no ADS1115 answered");
            }

            _device.Write(new byte[] { ConversionRegister });
        }

        /// <summary>The config register as written: multiplexer, gain, continuous mode, 860 samples/s, comparator off.</summary>
        public int Config { get; private set; }

        /// <summary>The conversion returned finished at most one conversion before the read, and integrated one before that.</summary>
        public long LookbackUs
        {
            get { return Ads1115Timing.LookbackUs; }
        }

        /// <summary>Never: the ADS1115 has no frame check (an I2C failure throws instead).</summary>
        public bool IsFailing
        {
            get { return false; }
        }

        public bool TryRead(out int value)
        {
            _device.Read(_conversion);
            value = (short)((_conversion[0] << 8) | _conversion[1]);
            return true;
        }

        /// <summary>
        /// The config register for a single-ended input (multiplexer 100 + input: ain0..ain3 against ground) and a
        /// full-scale range in nf.config's order (gain 000 = ±6.144 V down to 101 = ±0.256 V).
        /// </summary>
        public static int ConfigFor(int input, int range)
        {
            if (input < 0 || input > 3)
            {
                throw new ArgumentOutOfRangeException(nameof(input));
            }

            if (range < 0 || range > 5)
            {
                throw new ArgumentOutOfRangeException(nameof(range));
            }

            return ((4 + input) << 12) | (range << 9) | (ContinuousMode << 8) | (Rate860 << 5) | ComparatorOff;
        }
    }
}
