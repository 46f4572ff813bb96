namespace ClosedLoop.Firmware.Board
{
    /// <summary>The detail of a <c>board</c> fault event: what the board could not bring up at boot.</summary>
    public static class BoardFault
    {
        /// <summary>The photodiode ADC could not be opened (an ADS1115 not answering on I2C, say): no sampling.</summary>
        public const long NoPhotodiode = 1;

        /// <summary>The event spill file could not be created on I:: outages longer than the RAM journal lose events.</summary>
        public const long NoSpillFile = 2;

        /// <summary>The frame spill file could not be opened: sample frames survive outages only as long as RAM holds them.</summary>
        public const long NoFrameSpillFile = 3;
    }
}
