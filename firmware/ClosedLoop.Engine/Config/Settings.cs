namespace ClosedLoop.Engine.Config
{
    // Settings are read-only outside the engine: a RigConfig promises that every value passed validation, and parts
    // sized from a value at build time (the per-hour start buffer of ChannelGate) must never see it change under them.

    /// <summary>How photodiode readings are grouped into cycles. Times in µs; see <see cref="Acquisition.ExcitationSchedule"/>.</summary>
    public sealed class AcquisitionSettings
    {
        public bool Continuous { get; internal set; }
        public long PeriodUs { get; internal set; }
        public long SignalOnUs { get; internal set; }
        public long ControlOnUs { get; internal set; }
        public long SettleUs { get; internal set; }
        public int MinReadings { get; internal set; }
        public double LowPassHz { get; internal set; }

        /// <summary>Current through the signal LED while it is lit (mA), where the board sets it (pins.led_dac_cs).</summary>
        public double SignalLedMa { get; internal set; }

        /// <summary>Current through the control LED while it is lit (mA), where the board sets it.</summary>
        public double ControlLedMa { get; internal set; }

        /// <summary>The photodiode converter's largest reading (4095 for the ESP32's 12-bit ADC, 32767 for an ADS1115).</summary>
        public double FullScaleCounts { get; internal set; }

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
            s.SignalLedMa = 10;
            s.ControlLedMa = 10;
            s.FullScaleCounts = 4095;
            return s;
        }
    }

    /// <summary>Memories of the online fit and of the z baseline, in µs.</summary>
    public sealed class ProcessingSettings
    {
        public long FitTauUs { get; internal set; }
        public long BaselineTauUs { get; internal set; }
        public double ZClip { get; internal set; }
        public long WarmupUs { get; internal set; }

        /// <summary>Lowest dark-subtracted level (counts) either channel may read before the signal counts as lost.</summary>
        public double MinLevel { get; internal set; }

        /// <summary>Largest |dF/F| the fit may produce before it counts as diverged.</summary>
        public double MaxAbsDff { get; internal set; }

        /// <summary>Deepest fall of dF/F below zero an indicator can make before it counts as diverged.</summary>
        public double MaxDffDrop { get; internal set; }

        /// <summary>Largest relative change of either channel's light within <see cref="LightStepUs"/> that an indicator can make.</summary>
        public double MaxLightStep { get; internal set; }

        /// <summary>The span over which a change of light counts as a step.</summary>
        public long LightStepUs { get; internal set; }

        /// <summary>How long light that has moved must hold steady at its new level before the chain learns it afresh.</summary>
        public long RelevelUs { get; internal set; }
    }

    /// <summary>Where encounters come from and how they are cleaned up, in µs.</summary>
    public sealed class EncounterSettings
    {
        public bool UseDigitalInput { get; internal set; }
        public bool UseMessages { get; internal set; }
        public bool ActiveHigh { get; internal set; }
        public long DebounceUs { get; internal set; }
        public long MinDurationUs { get; internal set; }
        public long MinGapUs { get; internal set; }

        /// <summary>The partner's novelty for encounters begun by the TTL input.</summary>
        public Encounters.Novelty InputNovelty { get; internal set; }
    }

    /// <summary>Which decisions request output.</summary>
    public enum TriggerRule
    {
        Deficit,
        Drop,
        Either,
        None,
    }

    /// <summary>When a deficit or response is decided ([detector] rule).</summary>
    public enum DecisionRule
    {
        /// <summary>When the post window closes, from the whole window's Δz (the paper's measure).</summary>
        Window,

        /// <summary>As soon as the growing window's Δz is clear enough, else when the window closes (see <see cref="Detection.EarlyEvidence"/>).</summary>
        Early,
    }

    /// <summary>The paper's Δz windows and the two decision rules, in µs and z units.</summary>
    public sealed class DetectorSettings
    {
        public long PreUs { get; internal set; }
        public long PostUs { get; internal set; }
        public double DeficitThreshold { get; internal set; }
        public bool DropEnabled { get; internal set; }
        public double DropK { get; internal set; }
        public long DropMinUs { get; internal set; }
        public TriggerRule Trigger { get; internal set; }

        public DecisionRule Rule { get; internal set; }

        /// <summary>Early rule: the first look, this long after onset.</summary>
        public long EarlyMinUs { get; internal set; }

        /// <summary>Early rule: the time between looks.</summary>
        public long EarlyStepUs { get; internal set; }

        /// <summary>Early rule: the chance, over all looks, that a typical response is called a deficit early.</summary>
        public double EarlyFalseDeficit { get; internal set; }

        /// <summary>Early rule: the chance, over all looks, that an encounter without a response is called a response early.</summary>
        public double EarlyFalseResponse { get; internal set; }

        /// <summary>Early rule: the Δz of a typical response until the animal's own responses are learned.</summary>
        public double ResponseDz { get; internal set; }
    }

    /// <summary>One output's pulse train and the limits that hold for it at the moment of output.</summary>
    public sealed class TrainSettings
    {
        public long DelayUs { get; internal set; }
        public long WidthUs { get; internal set; }
        public long PeriodUs { get; internal set; }
        public int Count { get; internal set; }
        public double MaxDuty { get; internal set; }
        public long MaxTrainUs { get; internal set; }
        public int MaxPerHour { get; internal set; }
        public int MaxPerSession { get; internal set; }
        public long MinIntervalUs { get; internal set; }
        public double DosePerPulse { get; internal set; }
        public double MaxCumulativeDose { get; internal set; }

        /// <summary>delay + count × period: the train's whole duration, as the RMT plan will have it.</summary>
        public long TrainUs => DelayUs + Count * PeriodUs;
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
        public OutputMode Mode { get; internal set; }
        public OutputTarget Target { get; internal set; }
        public long OpenLoopIntervalUs { get; internal set; }
        public long RefractoryUs { get; internal set; }
        public TrainSettings Opto { get; internal set; }
        public TrainSettings Dose { get; internal set; }
        public int RmtMemoryBlocks { get; internal set; }
        public int RmtMaxItems { get; internal set; }
    }
}
