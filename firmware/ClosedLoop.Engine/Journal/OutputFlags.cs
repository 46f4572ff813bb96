namespace ClosedLoop.Engine.Journal
{
    /// <summary>Bit flags on output events.</summary>
    public static class OutputFlags
    {
        /// <summary>Sham mode: logged and counted, never driven.</summary>
        public const int Sham = 1;

        /// <summary>Started because a yoked partner's schedule said so.</summary>
        public const int Yoked = 2;

        /// <summary>Started by the open-loop schedule.</summary>
        public const int Scheduled = 4;

        /// <summary>The train was cut short (disarm, e-stop, fault).</summary>
        public const int Aborted = 8;
    }
}
