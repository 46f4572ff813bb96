using ClosedLoop.Engine.Output;

namespace ClosedLoop.Engine.Config
{
    /// <summary>The photodiode converter ([acquisition] adc), in the order of <see cref="ConfigSchema.AdcBackends"/>.</summary>
    public enum AdcBackend
    {
        Esp32 = 0,
        Ads1115 = 1,
        Ads131m02 = 2,
    }

    /// <summary>
    /// What the rig board needs of a configuration beyond the engine's own settings: its pins, converter, RMT
    /// channels and storage, typed, so that board code names no key and turns no choice into a number by position.
    /// </summary>
    public sealed class BoardSettings
    {
        internal BoardSettings(ConfigValues v)
        {
            SignalLedPin = Pin(v, "signal_led");
            ControlLedPin = Pin(v, "control_led");
            OptoTtlPin = Pin(v, "opto_ttl");
            DoseTtlPin = Pin(v, "dose_ttl");
            OptoEnablePin = Pin(v, "opto_enable");
            DoseEnablePin = Pin(v, "dose_enable");
            SyncPin = Pin(v, "sync_out");
            ArmInputPin = Pin(v, "arm_input");
            EStopInputPin = Pin(v, "estop_input");
            EncounterInputPin = Pin(v, "encounter_input");
            InterlockInputPin = Pin(v, "interlock_input");
            I2cDataPin = Pin(v, "i2c_sda");
            I2cClockPin = Pin(v, "i2c_scl");
            SelfTestInputPin = Pin(v, "selftest_input");
            SpiClockPin = Pin(v, "spi_sclk");
            SpiMosiPin = Pin(v, "spi_mosi");
            SpiMisoPin = Pin(v, "spi_miso");
            AdcChipSelectPin = Pin(v, "adc_cs");
            LedDacChipSelectPin = Pin(v, "led_dac_cs");
            PhotodiodeAdcChannel = Pin(v, "photodiode_adc_channel");

            Adc = (AdcBackend)v.GetChoice("acquisition", "adc");
            Ads1115Address = (int)v.GetInteger("acquisition", "ads1115_address");
            Ads1115Input = v.GetChoice("acquisition", "ads1115_input");
            Ads1115Range = v.GetChoice("acquisition", "ads1115_range_mv");
            Ads131m02Input = v.GetChoice("acquisition", "ads131m02_input");
            Ads131m02Gain = v.GetChoice("acquisition", "ads131m02_gain");
            Ads131m02Rate = v.GetChoice("acquisition", "ads131m02_rate_sps");

            OptoChannel = RmtChannelMap.ChannelOf(v, RmtChannelMap.Opto);
            DoseChannel = RmtChannelMap.ChannelOf(v, RmtChannelMap.Dose);
            SignalChannel = RmtChannelMap.ChannelOf(v, RmtChannelMap.Signal);
            ControlChannel = RmtChannelMap.ChannelOf(v, RmtChannelMap.Control);
            SyncChannel = RmtChannelMap.ChannelOf(v, RmtChannelMap.Sync);
            SelfTestChannel = RmtChannelMap.ChannelOf(v, RmtChannelMap.SelfTest);

            SyncEnabled = v.GetBoolean("sync", "enabled");
            SyncPulseMs = v.GetInteger("sync", "pulse_ms");
            EventSpillBytes = v.GetInteger("journal", "spill_kb") * 1024;
            FrameSpillBytes = v.GetInteger("journal", "frame_spill_kb") * 1024;
            FrameCapacity = (int)v.GetInteger("journal", "frame_capacity");
            CaFile = v.GetText("link", "ca_file");
        }

        public int SignalLedPin { get; private set; }

        public int ControlLedPin { get; private set; }

        public int OptoTtlPin { get; private set; }

        public int DoseTtlPin { get; private set; }

        public int OptoEnablePin { get; private set; }

        public int DoseEnablePin { get; private set; }

        public int SyncPin { get; private set; }

        public int ArmInputPin { get; private set; }

        public int EStopInputPin { get; private set; }

        public int EncounterInputPin { get; private set; }

        /// <summary>The GPIO reading the hardware arm chain back, or -1 when none is wired.</summary>
        public int InterlockInputPin { get; private set; }

        public int I2cDataPin { get; private set; }

        public int I2cClockPin { get; private set; }

        public int SelfTestInputPin { get; private set; }

        public int SpiClockPin { get; private set; }

        public int SpiMosiPin { get; private set; }

        public int SpiMisoPin { get; private set; }

        public int AdcChipSelectPin { get; private set; }

        /// <summary>The chip select of the DAC that sets the LEDs' currents, or -1 when the board sets them in hardware.</summary>
        public int LedDacChipSelectPin { get; private set; }

        public int PhotodiodeAdcChannel { get; private set; }

        public AdcBackend Adc { get; private set; }

        public int Ads1115Address { get; private set; }

        /// <summary>Index into ain0..ain3.</summary>
        public int Ads1115Input { get; private set; }

        /// <summary>Index into the full-scale ranges, 6144 mV down to 256 mV.</summary>
        public int Ads1115Range { get; private set; }

        /// <summary>Index into ain0, ain1: the ADS131M02 channel read.</summary>
        public int Ads131m02Input { get; private set; }

        /// <summary>Index into the gains 1 ... 128, which is the PGAGAIN code.</summary>
        public int Ads131m02Gain { get; private set; }

        /// <summary>Index into the rates of <see cref="ConfigSchema.Ads131m02Rates"/> and <see cref="Acquisition.Ads131m02Timing.Oversampling"/>.</summary>
        public int Ads131m02Rate { get; private set; }

        public int OptoChannel { get; private set; }

        public int DoseChannel { get; private set; }

        public int SignalChannel { get; private set; }

        public int ControlChannel { get; private set; }

        public int SyncChannel { get; private set; }

        public int SelfTestChannel { get; private set; }

        public bool SyncEnabled { get; private set; }

        public long SyncPulseMs { get; private set; }

        public long EventSpillBytes { get; private set; }

        public long FrameSpillBytes { get; private set; }

        public int FrameCapacity { get; private set; }

        /// <summary>The broker's CA certificate file beside nf.config (empty: none).</summary>
        public string CaFile { get; private set; }

        private static int Pin(ConfigValues v, string name)
        {
            return (int)v.GetInteger("pins", name);
        }
    }
}
