namespace ClosedLoop.Engine.Config
{
    /// <summary>
    /// The ESP32's pin rules, checked on nf.config's [pins] (Espressif's ESP32 datasheet, "Pin Definitions" and
    /// "Strapping Pins"): only the GPIOs the chip has; never the module's flash pins (6-11), nor 16-17 on a WROVER,
    /// whose PSRAM uses them; nothing on the strapping pins (0, 2, 5, 12, 15), whose level at reset selects how the
    /// chip boots (GPIO12 high, for one, selects 1.8 V flash and the module does not start); no output, I2C or pulled
    /// input on 34-39, which are input only and have no internal pull resistors; one function per pin. Only the
    /// converter in use claims its pins: the ESP32 ADC channel, the ADS1115's I2C or the ADS131M02's SPI lines; an
    /// LED DAC claims its chip select and the SPI clock and data-out it shares with that converter.
    /// </summary>
    internal static class PinRules
    {
        /// <summary>GPIO of ADC1 channel 0..7 (ADC2 cannot be read while Wi-Fi runs, so only ADC1 is offered).</summary>
        public static readonly int[] Adc1Gpio = new int[] { 36, 37, 38, 39, 32, 33, 34, 35 };

        private static readonly string[] Outputs = new string[] { "signal_led", "control_led", "opto_ttl", "dose_ttl", "opto_enable", "dose_enable", "sync_out" };
        private static readonly string[] PulledInputs = new string[] { "arm_input", "estop_input" };
        private static readonly string[] Inputs = new string[] { "encounter_input", "selftest_input" };
        private static readonly string[] I2c = new string[] { "i2c_sda", "i2c_scl" };
        private static readonly string[] SpiOutputs = new string[] { "spi_sclk", "spi_mosi", "adc_cs" };
        private static readonly string[] SpiBusOutputs = new string[] { "spi_sclk", "spi_mosi" };
        private static readonly string[] LedDac = new string[] { "led_dac_cs" };
        private static readonly string[] SpiInputs = new string[] { "spi_miso" };
        private static readonly string[] Interlock = new string[] { "interlock_input" };

        public static void Check(ConfigValues v, ConfigErrorList errors)
        {
            bool psram = ConfigSchema.Boards[v.GetChoice("rig", "board")].IndexOf("PSRAM") >= 0;
            AdcBackend adc = (AdcBackend)v.GetChoice("acquisition", "adc");

            // Every pin in use, in a fixed order, so that a clash is reported at the later key.
            string[] names = new string[Outputs.Length + PulledInputs.Length + Inputs.Length + I2c.Length + SpiOutputs.Length + SpiInputs.Length + LedDac.Length + 2];
            int[] pins = new int[names.Length];
            int used = UseAll(v, Outputs, true, false, psram, names, pins, 0, errors);
            used = UseAll(v, PulledInputs, false, true, psram, names, pins, used, errors);
            used = UseAll(v, Inputs, false, false, psram, names, pins, used, errors);
            if (adc == AdcBackend.Ads1115)
            {
                used = UseAll(v, I2c, true, false, psram, names, pins, used, errors);
            }
            else if (adc == AdcBackend.Ads131m02)
            {
                used = UseAll(v, SpiOutputs, true, false, psram, names, pins, used, errors);
                used = UseAll(v, SpiInputs, false, false, psram, names, pins, used, errors);
            }
            else
            {
                names[used] = "photodiode_adc_channel";
                pins[used] = Adc1Gpio[(int)v.GetInteger("pins", "photodiode_adc_channel")];
                used++;
            }

            if (v.GetInteger("pins", "led_dac_cs") >= 0)
            {
                if (adc != AdcBackend.Ads131m02)
                {
                    // The DAC only listens: the bus's clock and data-out, without the converter's pins.
                    used = UseAll(v, SpiBusOutputs, true, false, psram, names, pins, used, errors);
                }

                used = UseAll(v, LedDac, true, false, psram, names, pins, used, errors);
            }

            if (v.GetInteger("pins", "interlock_input") >= 0)
            {
                // An input with no pull: the chain's own resistor holds it low when the chain is open.
                used = UseAll(v, Interlock, false, false, psram, names, pins, used, errors);
            }

            for (int i = 1; i < used; i++)
            {
                for (int j = 0; j < i; j++)
                {
                    if (pins[i] == pins[j])
                    {
                        string value = names[i] == "photodiode_adc_channel" ? v.GetInteger("pins", names[i]).ToString() : pins[i].ToString();
                        errors.Add("pins." + names[i], value, "expected a GPIO of its own: GPIO " + pins[i].ToString() + " is already pins." + names[j]);
                        break;
                    }
                }
            }
        }

        /// <summary>Claims the pins of <paramref name="keys"/>, each checked for its use (drives, pulled), after <paramref name="used"/> others.</summary>
        private static int UseAll(ConfigValues v, string[] keys, bool drives, bool pulled, bool psram, string[] names, int[] pins, int used, ConfigErrorList errors)
        {
            for (int i = 0; i < keys.Length; i++)
            {
                names[used] = keys[i];
                pins[used] = (int)v.GetInteger("pins", keys[i]);
                CheckPin(keys[i], pins[used], psram, drives, pulled, errors);
                used++;
            }

            return used;
        }

        private static void CheckPin(string name, int gpio, bool psram, bool drives, bool pulled, ConfigErrorList errors)
        {
            string field = "pins." + name;
            string value = gpio.ToString();
            if (gpio == 20 || gpio == 24 || (gpio >= 28 && gpio <= 31))
            {
                errors.Add(field, value, "expected a GPIO the ESP32 has: 0-19, 21-23, 25-27 or 32-39");
            }
            else if (gpio >= 6 && gpio <= 11)
            {
                errors.Add(field, value, "expected a free GPIO: 6-11 carry the module's flash");
            }
            else if (psram && (gpio == 16 || gpio == 17))
            {
                errors.Add(field, value, "expected a free GPIO: 16 and 17 carry the PSRAM of a WROVER module (rig.board)");
            }
            else if (gpio == 0 || gpio == 2 || gpio == 5 || gpio == 12 || gpio == 15)
            {
                errors.Add(field, value, "expected a GPIO that is not a strapping pin (0, 2, 5, 12, 15): a level on it at reset changes how the ESP32 boots");
            }
            else if (gpio >= 34 && (drives || pulled))
            {
                errors.Add(field, value, drives
                    ? "expected a GPIO that can drive: 34-39 are input only"
                    : "expected a GPIO with internal pull resistors (34-39 have none): " + name + " is read with one");
            }
        }
    }
}
