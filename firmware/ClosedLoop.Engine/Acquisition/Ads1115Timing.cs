namespace ClosedLoop.Engine.Acquisition
{
    /// <summary>
    /// The ADS1115's timing as the engine needs it: it runs at its fastest data rate (860 samples/s), so one
    /// conversion integrates the input for about 1163 µs, and the value read at time t is the last finished
    /// conversion, whose light lies within the two conversions before t.
    /// </summary>
    public static class Ads1115Timing
    {
        public const int SamplesPerSecond = 860;

        /// <summary>One conversion, rounded up to a whole µs.</summary>
        public const long ConversionUs = (1000000 + SamplesPerSecond - 1) / SamplesPerSecond;

        /// <summary>How far back the light behind a reading may lie: the conversion read and the one it finished after.</summary>
        public const long LookbackUs = 2 * ConversionUs;
    }
}
