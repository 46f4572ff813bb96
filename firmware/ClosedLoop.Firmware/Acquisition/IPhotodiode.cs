namespace ClosedLoop.Firmware.Acquisition
{
    /// <summary>One photodiode ADC back-end: the ESP32's own ADC, an ADS1115 or the rig board's ADS131M02.</summary>
    public interface IPhotodiode
    {
        /// <summary>
        /// Reads one raw value (blocking for as long as the converter needs). False when the converter gave nothing
        /// trustworthy (a frame that failed its CRC, no new conversion): such a reading is left out, never guessed.
        /// </summary>
        bool TryRead(out int value);

        /// <summary>True while the converter's link keeps failing (a run of corrupt frames): the board reports a fault.</summary>
        bool IsFailing { get; }

        /// <summary>
        /// How long before the read began the light it reports may have fallen on the diode (0 when the conversion
        /// happens inside the read). The sampler widens each reading's time interval by it, so that phase tagging
        /// drops any reading whose light could belong to two LED phases.
        /// </summary>
        long LookbackUs { get; }
    }
}
