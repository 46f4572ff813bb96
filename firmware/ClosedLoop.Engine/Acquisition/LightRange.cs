namespace ClosedLoop.Engine.Acquisition
{
    /// <summary>
    /// Where a second's light sits in the converter's range, for the person placing a fibre or setting LED currents:
    /// close to the levels at which the signal guard faults (the rail at 99 % of full scale, the floor at
    /// processing.min_level above dark), so that a fibre or LED can be adjusted before a session is lost to it.
    /// </summary>
    public enum LightRange
    {
        /// <summary>No second measured yet, or no cycle with enough readings in it.</summary>
        Unknown = 0,

        Ok = 1,

        /// <summary>A lit phase reads at 90 % of full scale or more: a brighter moment will saturate the converter.</summary>
        NearRail = 2,

        /// <summary>A lit phase reads less than five times processing.min_level above dark: a little less light is signal_lost.</summary>
        NearFloor = 3,
    }
}
