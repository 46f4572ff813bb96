namespace ClosedLoop.Engine.Config
{
    /// <summary>
    /// Every key nf.config may hold, with its range and default. The board, the host and the tests all validate
    /// against this one table; docs/configuration.md is its prose twin.
    /// </summary>
    public static class ConfigSchema
    {
        public static readonly string[] Boards = new string[]
        {
            "ESP32_REV0", "ESP32_REV3", "ESP32_PSRAM_REV0", "ESP32_PSRAM_REV3", "ESP32_BLE_REV0", "ESP32_BLE_REV3", "ESP32_PICO",
        };

        public static readonly string[] AdcBackends = new string[] { "esp32", "ads1115", "ads131m02" };

        /// <summary>[rig] flash_mb: the ESP32 module's flash (MB), which sets the size of nanoFramework's I: drive.</summary>
        public static readonly string[] FlashSizes = new string[] { "4", "8", "16" };

        /// <summary>
        /// KiB of the littlefs "config" partition (the I: drive) in nf-interpreter's ESP32 partition tables
        /// (targets/ESP32/_IDF/esp32/partitions_nanoclr_4mb/8mb/16mb.csv), in the order of <see cref="FlashSizes"/>.
        /// </summary>
        public static readonly int[] DriveKib = new int[] { 256, 2048, 3072 };

        /// <summary>ADS1115 full-scale ranges in mV, in the order of its PGA setting (000 = ±6.144 V).</summary>
        public static readonly string[] Ads1115RangesMv = new string[] { "6144", "4096", "2048", "1024", "512", "256" };

        /// <summary>ADS1115 single-ended inputs, in the order of its multiplexer settings 100..111.</summary>
        public static readonly string[] Ads1115Inputs = new string[] { "ain0", "ain1", "ain2", "ain3" };

        /// <summary>ADS131M02 inputs (the rig board's BNC IN1 and IN2), in the order of its channels.</summary>
        public static readonly string[] Ads131m02Inputs = new string[] { "ain0", "ain1" };

        /// <summary>ADS131M02 PGA gains, in the order of its PGAGAIN codes (000 = 1 ... 111 = 128).</summary>
        public static readonly string[] Ads131m02Gains = new string[] { "1", "2", "4", "8", "16", "32", "64", "128" };

        /// <summary>ADS131M02 data rates (samples/s, high-resolution mode, 8.192 MHz clock), in the order of <see cref="Acquisition.Ads131m02Timing.Oversampling"/>.</summary>
        public static readonly string[] Ads131m02Rates = new string[] { "1000", "2000", "4000", "8000" };

        public static readonly string[] AcquisitionModes = new string[] { "time_division", "continuous" };

        public static readonly string[] EncounterSources = new string[] { "digital", "message", "both" };

        /// <summary>Words of <see cref="Encounters.Novelty"/>, in its order (the events and commands use the same words).</summary>
        public static readonly string[] Novelties = new string[] { "unmarked", "familiar", "novel" };

        public static readonly string[] Triggers = new string[] { "deficit", "drop", "either", "none" };

        /// <summary>[detector] rule, in the order of <see cref="DecisionRule"/>.</summary>
        public static readonly string[] DecisionRules = new string[] { "window", "early" };

        public static readonly string[] OutputModes = new string[] { "closed_loop", "open_loop", "sham", "yoked" };

        public static readonly string[] OutputTargets = new string[] { "opto", "dose", "both" };

        private static readonly ConfigKey[] s_keys = BuildKeys();

        public static int Count => s_keys.Length;

        public static ConfigKey KeyAt(int index)
        {
            return s_keys[index];
        }

        /// <summary>The index of section.key in the schema, or -1 when there is no such key.</summary>
        public static int IndexOf(string section, string name)
        {
            for (int i = 0; i < s_keys.Length; i++)
            {
                if (s_keys[i].Section == section && s_keys[i].Name == name)
                {
                    return i;
                }
            }

            return -1;
        }

        private static ConfigKey[] BuildKeys()
        {
            return new ConfigKey[]
            {
                ConfigKey.Text("rig", "id", 32, true, "rig-01", "the rig's name: MQTT topics, logs and file names use it"),
                ConfigKey.Choice("rig", "board", Boards, "ESP32_PSRAM_REV3", "nanoFramework firmware target the board is flashed with"),
                ConfigKey.Text("rig", "serial_port", 64, false, "/dev/ttyUSB0", "where the board is attached for flashing (COM3 on Windows)"),
                ConfigKey.Choice("rig", "flash_mb", FlashSizes, "8", "flash of the board's ESP32 module in MB (WROOM and WROVER-E modules come with 4, 8 or 16): the I: drive for nf.config and the spill files is 256 KiB, 2 MiB or 3 MiB"),
                ConfigKey.Text("rig", "firmware_version", 32, false, "", "nanoFramework firmware version closedloop flash installs (nanoff --fwversion); empty: the newest, which may not match the pinned packages"),

                ConfigKey.Integer("pins", "photodiode_adc_channel", 0, 7, 6, "ESP32 ADC1 channel of the photodiode amplifier (6 = GPIO34)"),
                ConfigKey.Integer("pins", "signal_led", 0, 39, 25, "GPIO driving the 470 nm excitation LED (RMT)"),
                ConfigKey.Integer("pins", "control_led", 0, 39, 26, "GPIO driving the 405/415 nm isosbestic LED (RMT)"),
                ConfigKey.Integer("pins", "opto_ttl", 0, 39, 27, "GPIO of the optogenetic laser/LED TTL output (RMT)"),
                ConfigKey.Integer("pins", "dose_ttl", 0, 39, 14, "GPIO of the dosing pump/valve TTL output (RMT)"),
                ConfigKey.Integer("pins", "opto_enable", 0, 39, 18, "GPIO enabling the opto TTL's output buffer (low = output held low)"),
                ConfigKey.Integer("pins", "dose_enable", 0, 39, 19, "GPIO enabling the dosing TTL's output buffer (low = output held low)"),
                ConfigKey.Integer("pins", "sync_out", 0, 39, 13, "GPIO of the 1 Hz sync pulse output (RMT)"),
                ConfigKey.Integer("pins", "arm_input", 0, 39, 32, "GPIO of the arm key switch (low = disarmed)"),
                ConfigKey.Integer("pins", "estop_input", 0, 39, 33, "GPIO of the e-stop button (normally closed to ground; high = stop)"),
                ConfigKey.Integer("pins", "encounter_input", 0, 39, 35, "GPIO of the encounter TTL from the behaviour system"),
                ConfigKey.Integer("pins", "i2c_sda", 0, 39, 21, "I2C data line to an ADS1115"),
                ConfigKey.Integer("pins", "i2c_scl", 0, 39, 22, "I2C clock line to an ADS1115"),
                ConfigKey.Integer("pins", "spi_sclk", 0, 39, 22, "SPI clock to an ADS131M02 (the rig board's converter)"),
                ConfigKey.Integer("pins", "spi_mosi", 0, 39, 21, "SPI data to an ADS131M02 (its DIN)"),
                ConfigKey.Integer("pins", "spi_miso", 0, 39, 39, "SPI data from an ADS131M02 (its DOUT)"),
                ConfigKey.Integer("pins", "adc_cs", 0, 39, 23, "SPI chip select of an ADS131M02 (active low)"),
                ConfigKey.Integer("pins", "selftest_input", 0, 39, 4, "GPIO the opto output is wired back to for the timing self-test (RMT receiver)"),
                ConfigKey.Integer("pins", "interlock_input", -1, 39, -1, "GPIO reading the hardware arm chain back (high only with the e-stop released and the key on; the rig board: 34); -1: not wired, not checked"),
                ConfigKey.Integer("pins", "led_dac_cs", -1, 39, -1, "SPI chip select (active low) of an MCP4822 setting both LEDs' currents, on spi_sclk and spi_mosi (the rig board: 16); -1: the currents are set in hardware"),

                ConfigKey.Choice("acquisition", "adc", AdcBackends, "esp32", "photodiode ADC: the ESP32's own, an external ADS1115, or the rig board's ADS131M02"),
                ConfigKey.Choice("acquisition", "mode", AcquisitionModes, "time_division", "two-colour time division with a dark phase, or one colour continuously"),
                ConfigKey.Number("acquisition", "rate_hz", 1, 1000, "130", "excitation cycles per second (samples per channel per second)"),
                ConfigKey.Integer("acquisition", "signal_on_us", 50, 500000, 2500, "how long the signal LED is on in each cycle"),
                ConfigKey.Integer("acquisition", "control_on_us", 50, 500000, 2500, "how long the control LED is on in each cycle"),
                ConfigKey.Integer("acquisition", "settle_us", 0, 100000, 300, "readings this soon after an LED edge are discarded"),
                ConfigKey.Integer("acquisition", "min_readings", 1, 1000, 2, "fewest valid readings per phase for a cycle to count"),
                ConfigKey.Integer("acquisition", "ads1115_address", 72, 75, 72, "I2C address of the ADS1115 (72 = 0x48, ADDR to ground)"),
                ConfigKey.Choice("acquisition", "ads1115_input", Ads1115Inputs, "ain0", "ADS1115 input the photodiode amplifier drives (single-ended)"),
                ConfigKey.Choice("acquisition", "ads1115_range_mv", Ads1115RangesMv, "4096", "ADS1115 full-scale range; pick the smallest that holds the brightest signal"),
                ConfigKey.Choice("acquisition", "ads131m02_input", Ads131m02Inputs, "ain0", "ADS131M02 input the photoreceiver drives (ain0 = BNC IN1, ain1 = IN2)"),
                ConfigKey.Choice("acquisition", "ads131m02_gain", Ads131m02Gains, "1", "ADS131M02 gain: full scale is 1.2 V / gain at the converter (the board divides its BNC inputs by 8.5)"),
                ConfigKey.Choice("acquisition", "ads131m02_rate_sps", Ads131m02Rates, "4000", "ADS131M02 conversions per second; lower is quieter but needs longer LED windows"),
                ConfigKey.Number("acquisition", "lowpass_hz", 0.1, 200, "10", "causal low-pass cut-off applied to each channel"),
                ConfigKey.Number("acquisition", "signal_led_ma", 0, 100, "10", "current through the signal LED while it is lit, in 25 uA steps (set by the rig board's DAC, pins.led_dac_cs; its circuit cannot pass more than 102 mA)"),
                ConfigKey.Number("acquisition", "control_led_ma", 0, 100, "10", "current through the control LED while it is lit, as signal_led_ma"),

                ConfigKey.Number("processing", "fit_tau_s", 1, 86400, "120", "memory of the online control-to-signal fit (RLS forgetting time constant)"),
                ConfigKey.Number("processing", "baseline_tau_s", 1, 86400, "60", "memory of the robust z baseline and spread"),
                ConfigKey.Number("processing", "z_clip", 1, 20, "2.5", "residuals beyond this many spreads are clipped before they update the baseline"),
                ConfigKey.Number("processing", "warmup_s", 0, 3600, "30", "time after start before z counts as ready"),
                ConfigKey.Number("processing", "min_level", 0, 100000, "20", "signal lost below this many counts (dark subtracted) on either channel: fault, cycles invalid"),
                ConfigKey.Number("processing", "max_abs_dff", 0.01, 100, "0.5", "signal lost when the fit gives |dF/F| above this (bulk GCaMP moves a few %: a runaway fit or a fading LED)"),
                ConfigKey.Number("processing", "max_dff_drop", 0.01, 100, "0.2", "signal lost when dF/F falls below minus this (calcium and dopamine indicators dip a few % below their baseline; a fading signal LED falls further)"),
                ConfigKey.Number("processing", "max_light_step", 0.02, 10, "0.2", "signal lost when either channel's light changes by more than this fraction within light_step_ms (no indicator moves bulk light that fast; a patch cord or LED does)"),
                ConfigKey.Integer("processing", "light_step_ms", 20, 2000, 100, "the span over which a change of light counts as a step"),
                ConfigKey.Number("processing", "relevel_s", 1, 3600, "10", "light that moved and then holds steady this long at its new level is learnt afresh (fit and z warm up again)"),

                ConfigKey.Choice("encounter", "source", EncounterSources, "both", "encounters from the TTL input, from messages (video tracking), or both"),
                ConfigKey.Boolean("encounter", "active_high", true, "the encounter input is high during contact"),
                ConfigKey.Integer("encounter", "debounce_ms", 0, 1000, 20, "an input level must hold this long to count"),
                ConfigKey.Integer("encounter", "min_duration_ms", 0, 60000, 500, "shorter contacts are not encounters"),
                ConfigKey.Integer("encounter", "min_gap_ms", 0, 60000, 1000, "contacts separated by less are one encounter"),
                ConfigKey.Choice("encounter", "input_novelty", Novelties, "unmarked", "the partner of encounters the TTL input marks: familiar or novel when that line comes from one partner's zone (messages say their own)"),

                ConfigKey.Integer("detector", "pre_ms", 100, 60000, 3000, "baseline window before onset (the paper: 3 s)"),
                ConfigKey.Integer("detector", "post_ms", 100, 60000, 3000, "response window after onset (the paper: 3 s; shorten for faster decisions)"),
                ConfigKey.Number("detector", "deficit_threshold", -50, 50, "1", "a response with delta z below this is a deficit (1 sits above the spread of delta z without a response)"),
                ConfigKey.Boolean("detector", "drop_enabled", true, "also watch for a drop during the encounter"),
                ConfigKey.Number("detector", "drop_k", 0.1, 50, "2", "a drop is z this many spreads below the pre-onset mean"),
                ConfigKey.Integer("detector", "drop_min_ms", 10, 60000, 500, "for at least this long"),
                ConfigKey.Choice("detector", "trigger", Triggers, "either", "which decisions request output in closed-loop mode"),
                ConfigKey.Choice("detector", "rule", DecisionRules, "window", "window: decide when the post window closes (the paper's delta z); early: decide as soon as the evidence suffices, within the error rates below"),
                ConfigKey.Integer("detector", "early_min_ms", 50, 60000, 500, "early rule: no decision before this long after onset (the response's latency and rise)"),
                ConfigKey.Integer("detector", "early_step_ms", 10, 10000, 250, "early rule: time between two looks at the evidence"),
                ConfigKey.Number("detector", "early_false_deficit", 0.0001, 0.5, "0.05", "early rule: target chance that an encounter with a typical response is called a deficit early (split over the looks)"),
                ConfigKey.Number("detector", "early_false_response", 0.0001, 0.5, "0.05", "early rule: target chance that an encounter without a response is called a response early (split over the looks)"),
                ConfigKey.Number("detector", "response_dz", 0.1, 100, "3", "early rule: delta z of a typical response, its prior until the animal's own responses are learned (from a baseline session)"),

                ConfigKey.Choice("output", "mode", OutputModes, "closed_loop", "closed_loop, open_loop (scheduled), sham (logged, never driven), yoked (another rig's times)"),
                ConfigKey.Choice("output", "target", OutputTargets, "opto", "which output a decision or schedule drives"),
                ConfigKey.Number("output", "open_loop_interval_s", 1, 86400, "60", "open-loop: time between scheduled trains"),
                ConfigKey.Integer("output", "refractory_ms", 0, 86400000, 10000, "no new train on a channel this soon after its last one ended"),

                ConfigKey.Integer("opto", "delay_us", 0, 60000000, 0, "from the decision to the first pulse"),
                ConfigKey.Integer("opto", "pulse_width_us", 1, 10000000, 10000, "light on per pulse"),
                ConfigKey.Integer("opto", "period_us", 2, 10000000, 50000, "pulse start to pulse start (50000 = 20 Hz)"),
                ConfigKey.Integer("opto", "pulse_count", 1, 100000, 100, "pulses per train"),
                ConfigKey.Number("opto", "max_duty", 0.0001, 1, "0.5", "limit: pulse width / period"),
                ConfigKey.Integer("opto", "max_train_ms", 1, 3600000, 10000, "limit: delay + pulses x period"),
                ConfigKey.Integer("opto", "max_trains_per_hour", 0, 3600, 30, "limit: trains started in any 60 minutes"),
                ConfigKey.Integer("opto", "max_trains_per_session", 0, 100000, 200, "limit: trains per session"),
                ConfigKey.Integer("opto", "min_interval_ms", 0, 86400000, 10000, "limit: train start to train start"),
                ConfigKey.Number("opto", "dose_per_pulse", 0, 1000000, "1", "what one pulse counts toward the cumulative dose (here: pulses)"),
                ConfigKey.Number("opto", "max_cumulative_dose", 0, 1000000000, "20000", "limit: total dose per session"),

                ConfigKey.Integer("dose", "delay_us", 0, 60000000, 0, "from the decision to the pulse"),
                ConfigKey.Integer("dose", "pulse_width_us", 1, 10000000, 500000, "pump/valve open per pulse"),
                ConfigKey.Integer("dose", "period_us", 2, 10000000, 1000000, "pulse start to pulse start"),
                ConfigKey.Integer("dose", "pulse_count", 1, 100000, 1, "pulses per dose"),
                ConfigKey.Number("dose", "max_duty", 0.0001, 1, "0.6", "limit: pulse width / period"),
                ConfigKey.Integer("dose", "max_train_ms", 1, 3600000, 5000, "limit: delay + pulses x period"),
                ConfigKey.Integer("dose", "max_trains_per_hour", 0, 3600, 2, "limit: doses started in any 60 minutes"),
                ConfigKey.Integer("dose", "max_trains_per_session", 0, 100000, 4, "limit: doses per session"),
                ConfigKey.Integer("dose", "min_interval_ms", 0, 86400000, 600000, "limit: dose start to dose start"),
                ConfigKey.Number("dose", "dose_per_pulse", 0, 1000000, "1", "volume one pulse delivers (e.g. µL)"),
                ConfigKey.Number("dose", "max_cumulative_dose", 0, 1000000000, "4", "limit: total volume per session"),

                ConfigKey.Integer("rmt", "memory_blocks", 1, 8, 2, "RMT memory blocks per output channel (64 items each) = one refill chunk"),
                ConfigKey.Integer("rmt", "max_items", 1, 8192, 1024, "largest plan accepted; bigger trains are refused"),
                ConfigKey.Integer("rmt", "opto_channel", 0, 7, 0, "RMT channel of the opto output; it owns memory_blocks blocks from its own number up"),
                ConfigKey.Integer("rmt", "dose_channel", 0, 7, 2, "RMT channel of the dose output (memory_blocks blocks)"),
                ConfigKey.Integer("rmt", "signal_channel", 0, 7, 4, "RMT channel of the signal LED (one block)"),
                ConfigKey.Integer("rmt", "control_channel", 0, 7, 5, "RMT channel of the control LED (one block)"),
                ConfigKey.Integer("rmt", "sync_channel", 0, 7, 6, "RMT channel of the sync output (one block)"),
                ConfigKey.Integer("rmt", "selftest_channel", 0, 7, 7, "RMT channel receiving the self-test loopback (one block)"),

                ConfigKey.Boolean("sync", "enabled", true, "drive a 1 Hz pulse on pins.sync_out for aligning video and other recordings"),
                ConfigKey.Integer("sync", "pulse_ms", 1, 500, 10, "width of each sync pulse"),

                ConfigKey.Integer("journal", "capacity", 16, 100000, 2048, "events held in RAM for replay"),
                ConfigKey.Integer("journal", "spill_kb", 0, 1024, 256, "board flash kept for events the broker has not yet taken (0: none)"),
                ConfigKey.Integer("journal", "frame_spill_kb", 0, 4096, 512, "board flash for sample frames RAM cannot hold while the broker is away (512: about 3 min at 130 Hz; 0: none)"),
                ConfigKey.Integer("journal", "frame_capacity", 1, 65536, 1024, "sample frames kept in RAM to send again to a logger that missed them (1024: 100 s at 130 Hz with 13 samples a frame)"),

                ConfigKey.Text("link", "wifi_ssid", 32, false, "lab-rigs", "Wi-Fi network"),
                ConfigKey.Secret("link", "wifi_password", 64, "${RIG_WIFI_PASSWORD}", "never written here: ${NAME} is filled from the environment at deploy time"),
                ConfigKey.Text("link", "broker_host", 253, false, "192.0.2.10", "the lab MQTT broker"),
                ConfigKey.Integer("link", "broker_port", 1, 65535, 1883, "1883 plain, 8883 TLS"),
                ConfigKey.Boolean("link", "tls", false, "connect to the broker with TLS"),
                ConfigKey.Text("link", "ca_file", 64, false, "", "with tls: the broker's CA certificate (PEM), deployed next to nf.config"),
                ConfigKey.Text("link", "username", 64, false, "", "broker user name (empty: none)"),
                ConfigKey.Secret("link", "password", 64, "", "broker password, as ${NAME}"),
                ConfigKey.Text("link", "topic_prefix", 64, false, "closedloop", "topics are PREFIX/RIG/..."),
                ConfigKey.Integer("link", "sample_batch", 1, Wire.SampleFrameWriter.MaxSamples, 13, "processed samples per published frame"),
            };
        }
    }
}
