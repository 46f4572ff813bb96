namespace ClosedLoop.Firmware.Acquisition
{
    /// <summary>One photodiode ADC back-end: the ESP32's own ADC or an ADS1115.</summary>
    public interface IPhotodiode
    {
        /// <summary>Reads one raw value (blocking for as long as the converter needs).</summary>
        int Read();

        /// <summary>
        /// How long before the read the light it reports was measured, on average. The sampler subtracts it from the
        /// read's timestamp so that phase tagging sees when the light fell on the diode.
        /// </summary>
        long LatencyUs { get; }
    }
}
