namespace ClosedLoop.Engine.Acquisition
{
    /// <summary>Which excitation a reading was taken under.</summary>
    public enum Phase
    {
        /// <summary>Inside a settle guard after an LED edge: discarded.</summary>
        Settling,

        /// <summary>Signal LED (~470 nm) on.</summary>
        Signal,

        /// <summary>Control / isosbestic LED (~405-415 nm) on.</summary>
        Control,

        /// <summary>Both LEDs off: ambient light and amplifier offset.</summary>
        Dark,
    }
}
