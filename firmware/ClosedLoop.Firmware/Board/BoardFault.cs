namespace ClosedLoop.Firmware.Board
{
    /// <summary>The detail of a <c>board</c> fault event: what the board could not bring up, or keep, at boot.</summary>
    public static class BoardFault
    {
        /// <summary>The photodiode ADC could not be opened (an ADS1115 not answering on I2C, say): no sampling.</summary>
        public const long NoPhotodiode = 1;

        /// <summary>The event spill file could not be created on I:: outages longer than the RAM journal lose events.</summary>
        public const long NoSpillFile = 2;

        /// <summary>The frame spill file could not be opened: sample frames survive outages only as long as RAM holds them.</summary>
        public const long NoFrameSpillFile = 3;

        /// <summary>
        /// The previous boot's event spill file still held events when it ended (restarted during an outage): those
        /// the broker had not taken cannot be sent under this boot's identity and are discarded. The fault is in the
        /// new boot's log; the previous boot's gaps in the log show what went.
        /// </summary>
        public const long PreviousEventsDiscarded = 4;

        /// <summary>As <see cref="PreviousEventsDiscarded"/>, for the previous boot's spilled sample frames.</summary>
        public const long PreviousFramesDiscarded = 5;

        /// <summary>
        /// The photodiode converter's frames keep failing their CRC (Ads131m02Photodiode.FailingRun in a row): the SPI
        /// link is broken or noisy. Its readings are left out meanwhile; reported again if it fails again after recovering.
        /// </summary>
        public const long PhotodiodeLink = 6;

        /// <summary>The DAC that sets the LEDs' currents (pins.led_dac_cs) could not be opened: the LEDs' currents were not set (the DAC keeps its power-on state).</summary>
        public const long NoLedDac = 7;
    }
}
