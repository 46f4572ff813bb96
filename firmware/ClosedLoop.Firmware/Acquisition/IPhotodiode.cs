namespace ClosedLoop.Firmware.Acquisition
{
    /// <summary>One photodiode ADC back-end: the ESP32's own ADC, an ADS1115 or the rig board's ADS131M02.</summary>
    public interface IPhotodiode
    {
        /// <summary>Reads one raw value (blocking for as long as the converter needs).</summary>
        int Read();

        /// <summary>
        /// How long before the read began the light it reports may have fallen on the diode (0 when the conversion
        /// happens inside the read). The sampler widens each reading's time interval by it, so that phase tagging
        /// drops any reading whose light could belong to two LED phases.
        /// </summary>
        long LookbackUs { get; }
    }
}
