namespace ClosedLoop.Engine.Config
{
    /// <summary>
    /// A complete, validated rig configuration in the units the engine works in (µs, z, counts). Only
    /// <see cref="ConfigLoader"/> makes one, so holding a RigConfig means holding a config that passed every check.
    /// </summary>
    public sealed class RigConfig
    {
        internal RigConfig(ConfigValues v)
        {
            Values = v;
            Hash = v.ComputeHash();
            RigId = v.GetText("rig", "id");
            JournalCapacity = (int)v.GetInteger("journal", "capacity");

            Acquisition = new AcquisitionSettings();
            Acquisition.Continuous = v.GetChoice("acquisition", "mode") == 1;
            Acquisition.PeriodUs = (long)(1000000.0 / v.GetNumber("acquisition", "rate_hz") + 0.5);
            Acquisition.SignalOnUs = v.GetInteger("acquisition", "signal_on_us");
            Acquisition.ControlOnUs = v.GetInteger("acquisition", "control_on_us");
            Acquisition.SettleUs = v.GetInteger("acquisition", "settle_us");
            Acquisition.MinReadings = (int)v.GetInteger("acquisition", "min_readings");
            Acquisition.LowPassHz = v.GetNumber("acquisition", "lowpass_hz");
            Acquisition.SignalLedMa = v.GetNumber("acquisition", "signal_led_ma");
            Acquisition.ControlLedMa = v.GetNumber("acquisition", "control_led_ma");
            Acquisition.FullScaleCounts = FullScale((AdcBackend)v.GetChoice("acquisition", "adc"));

            Processing = new ProcessingSettings();
            Processing.FitTauUs = Seconds(v.GetNumber("processing", "fit_tau_s"));
            Processing.BaselineTauUs = Seconds(v.GetNumber("processing", "baseline_tau_s"));
            Processing.ZClip = v.GetNumber("processing", "z_clip");
            Processing.WarmupUs = Seconds(v.GetNumber("processing", "warmup_s"));
            Processing.MinLevel = v.GetNumber("processing", "min_level");
            Processing.MaxAbsDff = v.GetNumber("processing", "max_abs_dff");
            Processing.MaxDffDrop = v.GetNumber("processing", "max_dff_drop");
            Processing.MaxLightStep = v.GetNumber("processing", "max_light_step");
            Processing.LightStepUs = v.GetInteger("processing", "light_step_ms") * 1000L;
            Processing.RelevelUs = Seconds(v.GetNumber("processing", "relevel_s"));

            Encounter = new EncounterSettings();
            int source = v.GetChoice("encounter", "source");
            Encounter.UseDigitalInput = source == 0 || source == 2;
            Encounter.UseMessages = source == 1 || source == 2;
            Encounter.ActiveHigh = v.GetBoolean("encounter", "active_high");
            Encounter.DebounceUs = v.GetInteger("encounter", "debounce_ms") * 1000;
            Encounter.MinDurationUs = v.GetInteger("encounter", "min_duration_ms") * 1000;
            Encounter.MinGapUs = v.GetInteger("encounter", "min_gap_ms") * 1000;
            Encounter.InputNovelty = (Encounters.Novelty)v.GetChoice("encounter", "input_novelty");

            Detector = new DetectorSettings();
            Detector.PreUs = v.GetInteger("detector", "pre_ms") * 1000;
            Detector.PostUs = v.GetInteger("detector", "post_ms") * 1000;
            Detector.DeficitThreshold = v.GetNumber("detector", "deficit_threshold");
            Detector.DropEnabled = v.GetBoolean("detector", "drop_enabled");
            Detector.DropK = v.GetNumber("detector", "drop_k");
            Detector.DropMinUs = v.GetInteger("detector", "drop_min_ms") * 1000;
            Detector.Trigger = (TriggerRule)v.GetChoice("detector", "trigger");
            Detector.Rule = (DecisionRule)v.GetChoice("detector", "rule");
            Detector.EarlyMinUs = v.GetInteger("detector", "early_min_ms") * 1000;
            Detector.EarlyStepUs = v.GetInteger("detector", "early_step_ms") * 1000;
            Detector.EarlyFalseDeficit = v.GetNumber("detector", "early_false_deficit");
            Detector.EarlyFalseResponse = v.GetNumber("detector", "early_false_response");
            Detector.ResponseDz = v.GetNumber("detector", "response_dz");

            Output = new OutputSettings();
            Output.Mode = (OutputMode)v.GetChoice("output", "mode");
            Output.Target = (OutputTarget)v.GetChoice("output", "target");
            Output.OpenLoopIntervalUs = Seconds(v.GetNumber("output", "open_loop_interval_s"));
            Output.RefractoryUs = v.GetInteger("output", "refractory_ms") * 1000;
            Output.Opto = ReadTrain(v, "opto");
            Output.Dose = ReadTrain(v, "dose");
            Output.RmtMemoryBlocks = (int)v.GetInteger("rmt", "memory_blocks");
            Output.RmtMaxItems = (int)v.GetInteger("rmt", "max_items");
            Board = new BoardSettings(v);
        }

        /// <summary>Every effective value, including board and link keys the engine itself does not use.</summary>
        public ConfigValues Values { get; private set; }

        /// <summary>16 hex digits that acknowledgements quote; see <see cref="ConfigValues.ComputeHash"/>.</summary>
        public string Hash { get; private set; }

        public string RigId { get; private set; }

        public int JournalCapacity { get; private set; }

        public AcquisitionSettings Acquisition { get; private set; }

        public ProcessingSettings Processing { get; private set; }

        public EncounterSettings Encounter { get; private set; }

        public DetectorSettings Detector { get; private set; }

        public OutputSettings Output { get; private set; }

        /// <summary>Pins, converter, RMT channels and storage of the rig board.</summary>
        public BoardSettings Board { get; private set; }

        /// <summary>The configuration with every key at its default.</summary>
        public static RigConfig Default()
        {
            return ConfigLoader.Load(string.Empty).Config;
        }

        private static TrainSettings ReadTrain(ConfigValues v, string section)
        {
            TrainSettings t = new TrainSettings();
            t.DelayUs = v.GetInteger(section, "delay_us");
            t.WidthUs = v.GetInteger(section, "pulse_width_us");
            t.PeriodUs = v.GetInteger(section, "period_us");
            t.Count = (int)v.GetInteger(section, "pulse_count");
            t.MaxDuty = v.GetNumber(section, "max_duty");
            t.MaxTrainUs = v.GetInteger(section, "max_train_ms") * 1000;
            t.MaxPerHour = (int)v.GetInteger(section, "max_trains_per_hour");
            t.MaxPerSession = (int)v.GetInteger(section, "max_trains_per_session");
            t.MinIntervalUs = v.GetInteger(section, "min_interval_ms") * 1000;
            t.DosePerPulse = v.GetNumber(section, "dose_per_pulse");
            t.MaxCumulativeDose = v.GetNumber(section, "max_cumulative_dose");
            return t;
        }

        /// <summary>The converter's largest code: 12-bit ESP32 ADC, 16-bit ADS1115, 24-bit ADS131M02 (two's complement).</summary>
        private static double FullScale(AdcBackend adc)
        {
            if (adc == AdcBackend.Esp32)
            {
                return 4095;
            }

            return adc == AdcBackend.Ads1115 ? 32767 : 8388607;
        }

        private static long Seconds(double seconds)
        {
            return (long)(seconds * 1000000 + 0.5);
        }
    }
}
