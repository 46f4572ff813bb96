namespace ClosedLoop.Engine.Config
{
    /// <summary>How photodiode readings are grouped into cycles. Times in µs; see <see cref="Acquisition.ExcitationSchedule"/>.</summary>
    public sealed class AcquisitionSettings
    {
        public bool Continuous;
        public long PeriodUs;
        public long SignalOnUs;
        public long ControlOnUs;
        public long SettleUs;
        public int MinReadings;
        public double LowPassHz;

        /// <summary>The photodiode converter's largest reading (4095 for the ESP32's 12-bit ADC, 32767 for an ADS1115).</summary>
        public double FullScaleCounts;

        /// <summary>pyPhotometry-like defaults: 130 Hz, 2.5 ms per LED, 300 µs settle, the rest dark.</summary>
        public static AcquisitionSettings Default()
        {
            AcquisitionSettings s = new AcquisitionSettings();
            s.PeriodUs = 7692;
            s.SignalOnUs = 2500;
            s.ControlOnUs = 2500;
            s.SettleUs = 300;
            s.MinReadings = 2;
            s.LowPassHz = 10;
            s.FullScaleCounts = 4095;
            return s;
        }
    }

    /// <summary>Memories of the online fit and of the z baseline, in µs.</summary>
    public sealed class ProcessingSettings
    {
        public long FitTauUs;
        public long BaselineTauUs;
        public double ZClip;
        public long WarmupUs;

        /// <summary>Lowest dark-subtracted level (counts) either channel may read before the signal counts as lost.</summary>
        public double MinLevel;

        /// <summary>Largest |dF/F| the fit may produce before it counts as diverged.</summary>
        public double MaxAbsDff;
    }

    /// <summary>Where encounters come from and how they are cleaned up, in µs.</summary>
    public sealed class EncounterSettings
    {
        public bool UseDigitalInput;
        public bool UseMessages;
        public bool ActiveHigh;
        public long DebounceUs;
        public long MinDurationUs;
        public long MinGapUs;
    }

    /// <summary>Which decisions request output.</summary>
    public enum TriggerRule
    {
        Deficit,
        Drop,
        Either,
        None,
    }

    /// <summary>The paper's Δz windows and the two decision rules, in µs and z units.</summary>
    public sealed class DetectorSettings
    {
        public long PreUs;
        public long PostUs;
        public double DeficitThreshold;
        public bool DropEnabled;
        public double DropK;
        public long DropMinUs;
        public TriggerRule Trigger;
    }

    /// <summary>One output's pulse train and the limits that hold for it at the moment of output.</summary>
    public sealed class TrainSettings
    {
        public long DelayUs;
        public long WidthUs;
        public long PeriodUs;
        public int Count;
        public double MaxDuty;
        public long MaxTrainUs;
        public int MaxPerHour;
        public int MaxPerSession;
        public long MinIntervalUs;
        public double DosePerPulse;
        public double MaxCumulativeDose;

        /// <summary>delay + count × period: the train's whole duration, as the RMT plan will have it.</summary>
        public long TrainUs
        {
            get { return DelayUs + Count * PeriodUs; }
        }
    }

    public enum OutputMode
    {
        ClosedLoop,
        OpenLoop,
        Sham,
        Yoked,
    }

    public enum OutputTarget
    {
        Opto,
        Dose,
        Both,
    }

    /// <summary>Everything the output gate needs.</summary>
    public sealed class OutputSettings
    {
        public OutputMode Mode;
        public OutputTarget Target;
        public long OpenLoopIntervalUs;
        public long RefractoryUs;
        public TrainSettings Opto;
        public TrainSettings Dose;
        public int RmtMemoryBlocks;
        public int RmtMaxItems;
    }
}
