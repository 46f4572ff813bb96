namespace ClosedLoop.Engine.Acquisition
{
    /// <summary>
    /// The ADS131M02's timing as the engine needs it (TI datasheet SBAS950, "Digital Filter" and "Data Rate"). Its
    /// modulator runs at half the 8.192 MHz clock and a sinc3 filter decimates by the oversampling ratio, so a
    /// conversion completes every OSR / 4.096 MHz and weighs the input over the three periods before it. The driver
    /// waits for each new conversion, but one may have completed up to a period before the read began, so the light
    /// behind a reading lies within four periods before it is read.
    /// </summary>
    public static class Ads131m02Timing
    {
        /// <summary>Modulator clock: CLKIN / 2 with the board's 8.192 MHz oscillator.</summary>
        public const long ModulatorHz = 4096000;

        /// <summary>Oversampling ratios of the offered rates, in the order of nf.config's ads131m02_rate_sps choices.</summary>
        public static readonly int[] Oversampling = new int[] { 4096, 2048, 1024, 512 };

        /// <summary>The CLOCK register's OSR[2:0] code of each offered rate (000 = 128 ... 101 = 4096).</summary>
        public static readonly int[] OversamplingCode = new int[] { 5, 4, 3, 2 };

        /// <summary>Periods of the sinc3 filter's memory plus the one a finished conversion may wait before it is read.</summary>
        public const int LookbackPeriods = 4;

        /// <summary>One conversion period in µs, rounded up (rate index into ads131m02_rate_sps).</summary>
        public static long PeriodUs(int rate)
        {
            long osr = Oversampling[rate];
            return ((osr * 1000000) + ModulatorHz - 1) / ModulatorHz;
        }

        /// <summary>How far back the light behind a reading may lie.</summary>
        public static long LookbackUs(int rate)
        {
            return LookbackPeriods * PeriodUs(rate);
        }
    }
}
