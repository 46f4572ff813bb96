using System.Text;

namespace ClosedLoop.Engine.Tests;

public sealed class ConfigTests
{
    private static ConfigLoadResult Load(string text) => ConfigLoader.Load(text);

    [Fact]
    public void Empty_config_is_valid_and_every_key_takes_its_default()
    {
        var result = Load(string.Empty);

        Assert.True(result.IsValid);
        Assert.Equal("rig-01", result.Config.RigId);
        Assert.Equal(3_000_000, result.Config.Detector.PreUs);
        Assert.Equal(3_000_000, result.Config.Detector.PostUs);
        Assert.Equal(7692, result.Config.Acquisition.PeriodUs);
        Assert.Equal(OutputMode.ClosedLoop, result.Config.Output.Mode);
    }

    [Fact]
    public void Sections_keys_and_comments_are_read()
    {
        var result = Load("""
            # a comment
            ; another comment
            [rig]
            id = cage-7

            [detector]
              post_ms   =  1500
            deficit_threshold = -0.25
            trigger = deficit
            [link]
            wifi_password = p#ss;word
            """);

        Assert.True(result.IsValid, string.Join("\n", result.Errors.Select(e => e.ToString())));
        Assert.Equal("cage-7", result.Config.RigId);
        Assert.Equal(1_500_000, result.Config.Detector.PostUs);
        Assert.Equal(-0.25, result.Config.Detector.DeficitThreshold);
        Assert.Equal(TriggerRule.Deficit, result.Config.Detector.Trigger);
        Assert.Equal("p#ss;word", result.Config.Values.GetText("link", "wifi_password"));
    }

    [Fact]
    public void Out_of_range_value_names_the_field_the_value_and_the_range()
    {
        var error = Assert.Single(Load("[detector]\npre_ms = 50\n").Errors);

        Assert.Equal("detector.pre_ms", error.Field);
        Assert.Equal("50", error.Value);
        Assert.Equal("expected an integer from 100 to 60000", error.Expected);
    }

    [Fact]
    public void Every_bad_field_is_reported_at_once()
    {
        var result = Load("[detector]\npre_ms = soon\ntrigger = always\n[opto]\nmax_duty = 2\n[acquisition]\nadc = arduino\n");

        Assert.False(result.IsValid);
        Assert.Null(result.Config);
        Assert.Equal(
            ["detector.pre_ms", "detector.trigger", "opto.max_duty", "acquisition.adc"],
            result.Errors.Select(e => e.Field));
        Assert.Equal("expected one of deficit, drop, either or none", result.Errors[1].Expected);
    }

    [Fact]
    public void Unknown_key_lists_the_keys_its_section_has()
    {
        var error = Assert.Single(Load("[detector]\npost = 3000\n").Errors);

        Assert.Equal("detector.post", error.Field);
        Assert.StartsWith("expected a key of [detector]: pre_ms, post_ms,", error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_section_lists_the_known_sections()
    {
        var error = Assert.Single(Load("[detektor]\npre_ms = 3000\n").Errors);

        Assert.Equal("expected a known section: rig, pins, acquisition, processing, encounter, detector, output, opto, dose, rmt, sync, journal, link", error.Expected);
    }

    [Theory]
    [InlineData("pre_ms = 3000", "line 1", "expected a [section] header before the first key")]
    [InlineData("[detector\npre_ms = 1", "line 1", "expected a section header such as [detector]")]
    [InlineData("[detector]\njust words", "line 2", "expected key = value, a [section] header, or a comment starting with # or ;")]
    [InlineData("[Detector]", "line 1", "expected a section name of lower-case letters, digits and '_'")]
    [InlineData("[detector]\nPre-ms = 1", "line 2", "expected a key of lower-case letters, digits and '_'")]
    public void Syntax_errors_name_the_line(string text, string field, string expected)
    {
        var error = Load(text).Errors.First();

        Assert.Equal(field, error.Field);
        Assert.Equal(expected, error.Expected);
    }

    [Theory]
    [InlineData("_loggers")]
    [InlineData("_rig")]
    [InlineData("rig 01")]
    [InlineData("rig/01")]
    public void A_rig_id_that_is_not_a_plain_name_or_that_claims_a_hosts_topic_level_is_refused(string id)
    {
        var error = Assert.Single(Load($"[rig]\nid = {id}\n").Errors);

        Assert.Equal(("rig.id", id, "expected 1 to 32 letters, digits, '-' or '_', not starting with '_'"), (error.Field, error.Value, error.Expected));
    }

    [Theory]
    [InlineData("rig_01")]
    [InlineData("aIC-left")]
    public void A_rig_id_may_hold_underscores_and_dashes_after_its_first_character(string id) =>
        Assert.Equal(id, Load($"[rig]\nid = {id}\n").Config.RigId);

    [Fact]
    public void A_key_given_twice_is_an_error()
    {
        var errors = Load("[detector]\npre_ms = 3000\npre_ms = 2000\n").Errors;

        Assert.Contains(errors, e => e.Field == "detector.pre_ms" && e.Expected.Contains("set earlier", StringComparison.Ordinal));
    }

    [Fact]
    public void The_frames_a_board_holds_in_ram_must_fit_its_ram()
    {
        Assert.True(Load("[rig]\nboard = ESP32_PSRAM_REV3\n").IsValid);

        // The default 1024 frames of 317 bytes need PSRAM: a plain ESP32 would stop at boot allocating them.
        var error = Assert.Single(Load("[rig]\nboard = ESP32_REV3\n").Errors);
        Assert.Equal("journal.frame_capacity", error.Field);
        Assert.Contains("expected at most 155 frames on a ESP32_REV3", error.Expected, StringComparison.Ordinal);
        Assert.True(Load("[rig]\nboard = ESP32_REV3\n[journal]\nframe_capacity = 155\n").IsValid);
    }

    [Fact]
    public void The_early_rule_must_look_before_the_window_closes_and_not_too_often()
    {
        var early = RigConfig.Default();
        Assert.True(Load("[detector]\nrule = early\n").IsValid);
        Assert.Equal(DecisionRule.Window, early.Detector.Rule);

        var late = Assert.Single(Load("[detector]\nrule = early\npost_ms = 1000\nearly_min_ms = 1000\n").Errors);
        Assert.Equal(("detector.early_min_ms", "1000"), (late.Field, late.Value));
        Assert.Contains("less than detector.post_ms (1000 ms)", late.Expected, StringComparison.Ordinal);

        var often = Assert.Single(Load("[detector]\nearly_min_ms = 100\nearly_step_ms = 10\n").Errors);
        Assert.Equal(("detector.early_step_ms", "10"), (often.Field, often.Value));
        Assert.Contains("at most 48 looks", often.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void The_spill_files_must_fit_the_boards_flash_drive()
    {
        Assert.True(Load("[rig]\nflash_mb = 8\n").IsValid);

        // 256 + 512 KiB of spill files do not fit a 4 MB module's 256 KiB I: drive.
        var error = Assert.Single(Load("[rig]\nflash_mb = 4\n").Errors);
        Assert.Equal(("journal.frame_spill_kb", "512"), (error.Field, error.Value));
        Assert.Contains("(768 KiB) at most 192 KiB: a 4 MB board's I: drive is 256 KiB", error.Expected, StringComparison.Ordinal);
        Assert.True(Load("[rig]\nflash_mb = 4\n[journal]\nspill_kb = 64\nframe_spill_kb = 128\n").IsValid);
        Assert.Equal(8, int.Parse(ConfigSchema.FlashSizes[RigConfig.Default().Values.GetChoice("rig", "flash_mb")], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("opto_ttl = 39", "pins.opto_ttl", "39", "34-39 are input only")]
    [InlineData("i2c_sda = 36", null, null, null)]
    [InlineData("dose_ttl = 12", "pins.dose_ttl", "12", "not a strapping pin (0, 2, 5, 12, 15)")]
    [InlineData("selftest_input = 0", "pins.selftest_input", "0", "not a strapping pin")]
    [InlineData("signal_led = 7", "pins.signal_led", "7", "6-11 carry the module's flash")]
    [InlineData("sync_out = 20", "pins.sync_out", "20", "a GPIO the ESP32 has")]
    [InlineData("arm_input = 36", "pins.arm_input", "36", "internal pull resistors (34-39 have none)")]
    [InlineData("opto_enable = 16", "pins.opto_enable", "16", "PSRAM of a WROVER module")]
    [InlineData("encounter_input = 27", "pins.encounter_input", "27", "GPIO 27 is already pins.opto_ttl")]
    [InlineData("photodiode_adc_channel = 4", "pins.photodiode_adc_channel", "4", "GPIO 32 is already pins.arm_input")]
    public void A_pin_the_esp32_cannot_use_that_way_is_refused_with_the_reason(string setting, string? field, string? value, string? expected)
    {
        var result = Load("[pins]\n" + setting + "\n");

        if (field is null)
        {
            // The I2C pins only count with the ADS1115.
            Assert.True(result.IsValid);
            Assert.Contains(Load("[pins]\n" + setting + "\n[acquisition]\nadc = ads1115\n").Errors, e => e.Field == "pins.i2c_sda" && e.Expected.Contains("input only", StringComparison.Ordinal));
            return;
        }

        var error = Assert.Single(result.Errors);
        Assert.Equal((field, value), (error.Field, error.Value));
        Assert.Contains(expected!, error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Gpio_16_is_free_on_a_module_without_psram()
    {
        Assert.True(Load("[rig]\nboard = ESP32_REV3\n[journal]\nframe_capacity = 155\n[pins]\nopto_enable = 16\n").IsValid);
    }

    [Fact]
    public void The_hardware_docs_pin_map_is_nf_configs_defaults()
    {
        string doc = File.ReadAllText(Path.Combine(Paths.RepositoryRoot, "docs", "hardware.md"));
        var defaults = RigConfig.Default().Values;
        var rows = System.Text.RegularExpressions.Regex.Matches(doc, @"^\| (`[a-z0-9_]+`(?: / `[a-z0-9_]+`)*) \| (-?[0-9]+(?: \([^)]*\))?(?: / [0-9]+)*) \|", System.Text.RegularExpressions.RegexOptions.Multiline);
        var documented = new Dictionary<string, int>();
        foreach (System.Text.RegularExpressions.Match row in rows)
        {
            var keys = row.Groups[1].Value.Split(" / ").Select(k => k.Trim('`')).ToList();
            var gpios = row.Groups[2].Value.Split(" / ").Select(g => int.Parse(g.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(keys.Count, gpios.Count);
            for (int i = 0; i < keys.Count; i++)
            {
                documented[keys[i]] = gpios[i];
            }
        }

        var configured = Enumerable.Range(0, ConfigSchema.Count).Select(ConfigSchema.KeyAt).Where(k => k.Section == "pins")
            .ToDictionary(k => k.Name, k => k.Name == "photodiode_adc_channel" ? PinRules.Adc1Gpio[(int)defaults.GetInteger("pins", k.Name)] : (int)defaults.GetInteger("pins", k.Name));
        Assert.Equal(configured.OrderBy(p => p.Key), documented.OrderBy(p => p.Key));
    }

    [Fact]
    public void Pulse_width_must_be_below_the_period()
    {
        var error = Assert.Single(Load("[opto]\npulse_width_us = 50000\nperiod_us = 50000\n").Errors);

        Assert.Equal("opto.pulse_width_us", error.Field);
        Assert.Equal("expected less than opto.period_us (50000)", error.Expected);
    }

    [Fact]
    public void A_train_longer_than_its_limit_is_refused_when_validated()
    {
        var error = Assert.Single(Load("[opto]\npulse_count = 300\n").Errors);

        Assert.Equal("opto.pulse_count", error.Field);
        Assert.Contains("no longer than opto.max_train_ms = 10000 ms", error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Duty_cycle_above_the_limit_is_refused()
    {
        var error = Assert.Single(Load("[opto]\npulse_width_us = 40000\n").Errors);

        Assert.Contains("of at most opto.max_duty = 0.5", error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void Excitation_windows_must_leave_a_dark_phase()
    {
        var error = Assert.Single(Load("[acquisition]\nsignal_on_us = 4000\ncontrol_on_us = 3500\n").Errors);

        Assert.Equal("acquisition.signal_on_us", error.Field);
        Assert.Contains("below the cycle period 7692 us", error.Expected, StringComparison.Ordinal);
    }

    // The default opto train: 100 pulses of 10 ms high (1 half) and 40 ms low (2 halves: 40000 > 32767) = 150 items.
    [Fact]
    public void A_train_needing_more_rmt_items_than_allowed_is_refused()
    {
        var error = Assert.Single(Load("[rmt]\nmax_items = 50\n").Errors);

        Assert.Equal("expected a train that fits rmt.max_items = 50 RMT items; this one needs 150", error.Expected);
    }

    [Fact]
    public void Hash_ignores_comments_order_and_written_defaults_but_not_values()
    {
        string a = Load("[detector]\npost_ms = 1500\n[rig]\nid = a\n").Config.Hash;
        string b = Load("# note\n[rig]\nid = a\n[detector]\npre_ms = 3000\npost_ms = 1500\n").Config.Hash;
        string c = Load("[detector]\npost_ms = 1501\n[rig]\nid = a\n").Config.Hash;

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Matches("^[0-9a-f]{16}$", a);
    }

    [Fact]
    public void Overrides_replace_file_values_and_are_validated()
    {
        var errors = new ConfigErrorList();
        var document = ConfigParser.Parse("[detector]\npost_ms = 3000\n", errors);

        Assert.True(document.TrySet("detector.post_ms=1200", errors));
        Assert.False(document.TrySet("post_ms=1200", errors));
        Assert.Equal("--set", errors[0].Field);

        var result = ConfigLoader.FromDocument(document, new ConfigErrorList());
        Assert.Equal(1_200_000, result.Config.Detector.PostUs);
    }

    [Fact]
    public void Invalid_utf8_is_refused_with_its_offset()
    {
        byte[] bytes = [.. Encoding.ASCII.GetBytes("[rig]\nid = x"), 0xC3, 0x28];

        var error = Assert.Single(ConfigLoader.Load(bytes, bytes.Length).Errors);

        Assert.Equal("config", error.Field);
        Assert.Equal("byte 12", error.Value);
    }

    [Fact]
    public void Utf8_comments_and_values_are_accepted()
    {
        byte[] bytes = Encoding.UTF8.GetBytes("# 10 µs resolution ✓\n[link]\nwifi_ssid = Labor-Größe\n");

        var result = ConfigLoader.Load(bytes, bytes.Length);

        Assert.True(result.IsValid);
        Assert.Equal("Labor-Größe", result.Config.Values.GetText("link", "wifi_ssid"));
    }

    [Fact]
    public void Oversized_config_is_refused()
    {
        var bytes = new byte[ConfigParser.MaxBytes + 1];

        var error = Assert.Single(ConfigLoader.Load(bytes, bytes.Length).Errors);

        Assert.Equal("expected at most 32768 bytes", error.Expected);
    }

    [Fact]
    public void Arbitrary_bytes_give_errors_or_a_whole_config_and_never_throw() =>
        Gen.Byte.Array[0, 400].Sample(bytes =>
        {
            var result = ConfigLoader.Load(bytes, bytes.Length);
            return result.IsValid ? result.Errors.Length == 0 && result.Config.Hash.Length == 16 : result.Config is null && result.Errors.Length > 0;
        });

    [Fact]
    public void Arbitrary_text_made_of_config_pieces_never_throws()
    {
        string[] pieces = ["[detector]", "[opto]", "[rig]", "pre_ms = ", "post_ms=", "id = ", "=", "#", "\n", "3000", "-1", "1e9", "x", " ", "[", "]", "pulse_count = 5", "\r\n", "\t"];
        var piece = Gen.Int[0, pieces.Length - 1].Select(i => pieces[i]);
        piece.Array[0, 40].Select(parts => string.Concat(parts)).Sample(text =>
        {
            var result = ConfigLoader.Load(text);
            return result.IsValid == (result.Errors.Length == 0);
        });
    }

    [Fact]
    public void Numbers_parse_the_same_way_everywhere()
    {
        Assert.True(NumberText.TryParseDouble("-1.25e2", out double a));
        Assert.Equal(-125, a);
        Assert.True(NumberText.TryParseDouble("0.1", out double b));
        Assert.Equal(0.1, b, 15);
        Assert.False(NumberText.TryParseDouble("1.2.3", out _));
        Assert.False(NumberText.TryParseDouble("e5", out _));
        Assert.False(NumberText.TryParseDouble("1e", out _));
        Assert.False(NumberText.TryParseLong("9223372036854775808", out _));
        Assert.True(NumberText.TryParseLong("-9223372036854775808", out long min));
        Assert.Equal(long.MinValue, min);
        Assert.False(NumberText.TryParseLong("-9223372036854775809", out _));
        Assert.True(NumberText.TryParseLong("-9223372036854775807", out long c));
        Assert.Equal(-9223372036854775807, c);
    }

    [Fact]
    public void Decimal_numbers_round_trip_closely() =>
        Gen.Double[-1e12, 1e12].Sample(x =>
            NumberText.TryParseDouble(x.ToString("R", System.Globalization.CultureInfo.InvariantCulture), out double y) && Math.Abs(x - y) <= 1e-15 * Math.Abs(x) + 1e-300);

    [Fact]
    public void The_example_nf_config_at_the_root_is_valid()
    {
        var path = Path.Combine(Paths.RepositoryRoot, "nf.config");
        var result = ConfigLoader.Load(File.ReadAllText(path));

        Assert.True(result.IsValid, string.Join("\n", result.Errors.Select(e => e.ToString())));
    }

    [Fact]
    public void Secrets_do_not_change_the_hash_so_the_flashed_file_and_the_published_one_agree()
    {
        var placeholder = Load("[link]\nwifi_password = ${RIG_WIFI_PASSWORD}\npassword = ${RIG_MQTT_PASSWORD}\n");
        var expanded = Load("[link]\nwifi_password = hunter2\npassword = s3cret\n");
        var otherHost = Load("[link]\nwifi_password = hunter2\nbroker_host = 192.0.2.11\n");

        Assert.Equal(placeholder.Config.Hash, expanded.Config.Hash);
        Assert.NotEqual(placeholder.Config.Hash, otherHost.Config.Hash);
    }

    [Fact]
    public void A_bad_secret_is_reported_without_its_value()
    {
        string password = new('p', 70);

        var error = Assert.Single(Load("[link]\npassword = " + password + "\n").Errors);

        Assert.Equal("link.password", error.Field);
        Assert.DoesNotContain("ppp", error.ToString());
        Assert.Contains("70 characters", error.Value);
    }

    [Fact]
    public void With_the_ads1115_each_led_window_must_hold_whole_conversions()
    {
        var refused = Load("[acquisition]\nadc = ads1115\n").Errors;
        var fits = Load("[acquisition]\nadc = ads1115\nrate_hz = 60\nsignal_on_us = 4000\ncontrol_on_us = 4000\n");

        Assert.Equal(["acquisition.signal_on_us", "acquisition.control_on_us"], refused.Select(e => e.Field));
        Assert.Contains("at least 3789 us", refused[0].Expected);
        Assert.True(fits.IsValid, string.Join("; ", fits.Errors.Select(e => e.ToString())));
    }

    [Theory]
    [InlineData("4000", 2500, 1550)]
    [InlineData("2000", 2500, 2800)]
    [InlineData("1000", 2500, 5300)]
    public void With_the_ads131m02_each_led_window_must_hold_the_settle_time_its_lookback_and_the_readings(string rate, long window, long needed)
    {
        var result = Load($"[acquisition]\nadc = ads131m02\nads131m02_rate_sps = {rate}\n");

        if (window >= needed)
        {
            Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.ToString())));
            Assert.Single(Load($"[acquisition]\nadc = ads131m02\nads131m02_rate_sps = {rate}\nsettle_us = {300 + window - needed + 1}\n").Errors, e => e.Field == "acquisition.signal_on_us");
            return;
        }

        Assert.Equal(["acquisition.signal_on_us", "acquisition.control_on_us"], result.Errors.Select(e => e.Field));
        Assert.Contains($"at least {needed} us with adc = ads131m02", result.Errors[0].Expected, StringComparison.Ordinal);
        Assert.Contains($"({rate} samples/s)", result.Errors[0].Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void The_ads131m02_rates_are_its_modulator_clock_over_the_oversampling_ratios_the_driver_writes()
    {
        for (int i = 0; i < ConfigSchema.Ads131m02Rates.Length; i++)
        {
            long rate = long.Parse(ConfigSchema.Ads131m02Rates[i], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(Ads131m02Timing.ModulatorHz, rate * Ads131m02Timing.Oversampling[i]);

            // OSR[2:0]: 000 = 128, doubling with each code.
            Assert.Equal(Ads131m02Timing.Oversampling[i], 128 << Ads131m02Timing.OversamplingCode[i]);
            Assert.Equal(1_000_000 / rate, Ads131m02Timing.PeriodUs(i));
        }
    }

    [Theory]
    [InlineData("spi_sclk = 36", "pins.spi_sclk", "34-39 are input only")]
    [InlineData("adc_cs = 5", "pins.adc_cs", "not a strapping pin")]
    [InlineData("spi_miso = 27", "pins.spi_miso", "GPIO 27 is already pins.opto_ttl")]
    [InlineData("spi_mosi = 17", "pins.spi_mosi", "PSRAM of a WROVER module")]
    public void The_ads131m02s_spi_pins_follow_the_pin_rules_when_it_is_the_converter(string setting, string field, string expected)
    {
        Assert.True(Load("[pins]\n" + setting + "\n").IsValid, "the SPI pins are free while another converter is in use");

        var error = Assert.Single(Load("[pins]\n" + setting + "\n[acquisition]\nadc = ads131m02\n").Errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(expected, error.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void With_the_ads131m02_the_esp32_adc_channel_and_the_i2c_pins_are_free()
    {
        var result = Load("[pins]\nphotodiode_adc_channel = 4\n[acquisition]\nadc = ads131m02\n");

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.ToString())));
        Assert.Equal(8388607, result.Config.Acquisition.FullScaleCounts);
        Assert.Equal((22, 21, 39, 23), (result.Config.Board.SpiClockPin, result.Config.Board.SpiMosiPin, result.Config.Board.SpiMisoPin, result.Config.Board.AdcChipSelectPin));
        Assert.Equal(AdcBackend.Ads131m02, result.Config.Board.Adc);
    }

    [Fact]
    public void The_LED_dac_claims_its_chip_select_and_the_spi_clock_and_data_out_it_shares_with_the_converter()
    {
        const string NoPsram = "[rig]\nboard = ESP32_REV3\n[journal]\nframe_capacity = 150\n";
        var result = Load(NoPsram + "[pins]\nled_dac_cs = 16\n[acquisition]\nsignal_led_ma = 12.5\ncontrol_led_ma = 0\n");

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.ToString())));
        Assert.Equal(16, result.Config.Board.LedDacChipSelectPin);
        Assert.Equal((12.5, 0.0), (result.Config.Acquisition.SignalLedMa, result.Config.Acquisition.ControlLedMa));
        Assert.Equal(-1, RigConfig.Default().Board.LedDacChipSelectPin);

        // A WROVER's PSRAM holds GPIO16; the ADS1115's I2C lines are the SPI bus's GPIOs; the chip select drives.
        Assert.Contains("PSRAM of a WROVER module", Assert.Single(Load("[pins]\nled_dac_cs = 16\n").Errors).Expected, StringComparison.Ordinal);
        var clashes = Load(NoPsram + "[pins]\nled_dac_cs = 16\n[acquisition]\nadc = ads1115\nrate_hz = 60\nsignal_on_us = 4000\ncontrol_on_us = 4000\n").Errors;
        Assert.Equal(
            ["pins.spi_sclk: expected a GPIO of its own: GPIO 22 is already pins.i2c_scl", "pins.spi_mosi: expected a GPIO of its own: GPIO 21 is already pins.i2c_sda"],
            clashes.Select(e => $"{e.Field}: {e.Expected}"));
        Assert.Equal("pins.led_dac_cs", Assert.Single(Load(NoPsram + "[pins]\nled_dac_cs = 36\n").Errors).Field);
        Assert.Equal("pins.led_dac_cs", Assert.Single(Load(NoPsram + "[pins]\nled_dac_cs = 23\n[acquisition]\nadc = ads131m02\n").Errors).Field);
    }

    [Theory]
    [InlineData("signal_led_ma = 100.5", "acquisition.signal_led_ma")]
    [InlineData("control_led_ma = -1", "acquisition.control_led_ma")]
    public void An_LED_current_beyond_0_to_100_mA_is_refused_by_name(string setting, string field)
    {
        var error = Assert.Single(Load("[acquisition]\n" + setting + "\n").Errors);
        Assert.Equal(field, error.Field);
        Assert.Equal("expected a number from 0 to 100", error.Expected);
    }

    [Fact]
    public void A_comment_after_a_value_is_a_comment_except_in_a_password()
    {
        var result = Load("[detector]\npost_ms = 1500   # the paper uses 3 s\ndeficit_threshold = 0.75\t# per animal\n[link]\npassword = pa ss #word\n");

        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.ToString())));
        Assert.Equal(1_500_000, result.Config.Detector.PostUs);
        Assert.Equal(0.75, result.Config.Detector.DeficitThreshold);
        Assert.Equal("pa ss #word", result.Config.Values.GetText("link", "password"));
    }

    [Fact]
    public void A_hash_inside_a_word_is_part_of_the_value()
    {
        var result = Load("[link]\nwifi_ssid = lab#2\n");

        Assert.Equal("lab#2", result.Config.Values.GetText("link", "wifi_ssid"));
    }

    [Fact]
    public void A_config_rendered_whole_parses_back_to_the_same_values_and_hash_without_its_secrets()
    {
        var config = Load("[rig]\nid = rig-07\n[link]\nwifi_ssid = Labör-2\npassword = hunter2\n[detector]\ndeficit_threshold = 0.75\n").Config;

        byte[] text = ConfigText.Render(config.Values);
        var back = ConfigLoader.LoadForRig(text, text.Length);

        Assert.True(back.IsValid, string.Join("; ", back.Errors.Select(e => e.ToString())));
        Assert.Equal(config.Hash, back.Config.Hash);
        Assert.Equal(0.75, back.Config.Detector.DeficitThreshold);
        Assert.Equal("Labör-2", back.Config.Values.GetText("link", "wifi_ssid"));
        Assert.DoesNotContain("hunter2", System.Text.Encoding.UTF8.GetString(text), StringComparison.Ordinal);
    }
}
