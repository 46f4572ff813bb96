using ClosedLoop.Engine.Acquisition;

namespace ClosedLoop.Engine.Config
{
    /// <summary>
    /// Checks a whole document against the schema and the rules that tie fields together, and reports every
    /// problem with the field, the value and what is allowed. It never throws on content.
    /// </summary>
    internal static class ConfigValidator
    {
        /// <summary>Returns the effective values, or null when <paramref name="errors"/> received any error.</summary>
        public static ConfigValues Validate(ConfigDocument document, ConfigErrorList errors)
        {
            return Validate(document, errors, false);
        }

        /// <summary>
        /// Validates a document; with <paramref name="requireSafety"/> every output setting and safety limit must be
        /// stated (what a rig runs), otherwise missing keys take their defaults (analysis, programmatic configs).
        /// </summary>
        public static ConfigValues Validate(ConfigDocument document, ConfigErrorList errors, bool requireSafety)
        {
            int errorsBefore = errors.Count;
            ConfigValues values = new ConfigValues();
            bool[] given = new bool[ConfigSchema.Count];
            for (int i = 0; i < document.Count; i++)
            {
                ConfigEntry entry = document[i];
                int index = ConfigSchema.IndexOf(entry.Section, entry.Key);
                if (index < 0)
                {
                    errors.Add(entry.Field, entry.Value, DescribeUnknown(entry.Section));
                    continue;
                }

                given[index] = true;
                CheckValue(ConfigSchema.KeyAt(index), index, entry.Value, values, errors);
            }

            for (int i = 0; i < ConfigSchema.Count; i++)
            {
                if (!given[i])
                {
                    ConfigKey key = ConfigSchema.KeyAt(i);
                    if (requireSafety && key.IsSafety)
                    {
                        errors.Add(key.Field, "", "expected it stated in the file (" + key.Describe() + "; e.g. " + key.DefaultValue + "): output settings and safety limits never take a default on a rig");
                        continue;
                    }

                    CheckValue(key, i, key.DefaultValue, values, errors);
                }
            }

            if (errors.Count > errorsBefore)
            {
                return null;
            }

            CheckRelations(values, errors);
            return errors.Count > errorsBefore ? null : values;
        }

        private static void CheckValue(ConfigKey key, int index, string text, ConfigValues values, ConfigErrorList errors)
        {
            switch (key.Kind)
            {
                case ConfigKind.Integer:
                    long integer;
                    if (!NumberText.TryParseLong(text, out integer) || integer < key.Min || integer > key.Max)
                    {
                        errors.Add(key.Field, text, "expected " + key.Describe());
                        return;
                    }

                    values.Set(index, text, integer);
                    return;
                case ConfigKind.Number:
                    double number;
                    if (!NumberText.TryParseDouble(text, out number) || number < key.Min || number > key.Max)
                    {
                        errors.Add(key.Field, text, "expected " + key.Describe());
                        return;
                    }

                    values.Set(index, text, number);
                    return;
                case ConfigKind.Boolean:
                    if (text != "true" && text != "false")
                    {
                        errors.Add(key.Field, text, "expected " + key.Describe());
                        return;
                    }

                    values.Set(index, text, text == "true" ? 1 : 0);
                    return;
                case ConfigKind.Choice:
                    int choice = key.IndexOfChoice(text);
                    if (choice < 0)
                    {
                        errors.Add(key.Field, text, "expected " + key.Describe());
                        return;
                    }

                    values.Set(index, text, choice);
                    return;
                default:
                    if (text.Length > key.Max || (key.IsIdentifier && !IsIdentifier(text)))
                    {
                        errors.Add(key.Field, key.IsSecret ? "(secret of " + text.Length.ToString() + " characters)" : text, "expected " + key.Describe());
                        return;
                    }

                    values.Set(index, text, 0);
                    return;
            }
        }

        /// <summary>Rules that no single field can check on its own.</summary>
        private static void CheckRelations(ConfigValues v, ConfigErrorList errors)
        {
            double rate = v.GetNumber("acquisition", "rate_hz");
            long period = (long)(1000000.0 / rate);
            if (v.GetChoice("acquisition", "mode") == 0)
            {
                long signalOn = v.GetInteger("acquisition", "signal_on_us");
                long controlOn = v.GetInteger("acquisition", "control_on_us");
                long settle = v.GetInteger("acquisition", "settle_us");
                long needed = signalOn + controlOn + settle;
                if (needed >= period)
                {
                    errors.Add("acquisition.signal_on_us", signalOn.ToString(),
                        "expected signal_on_us + control_on_us + settle_us (" + needed.ToString() + " us) below the cycle period " + period.ToString() + " us at " + rate.ToString() + " Hz, leaving a dark phase");
                }

                if (settle >= signalOn || settle >= controlOn)
                {
                    errors.Add("acquisition.settle_us", settle.ToString(), "expected less than signal_on_us and control_on_us, or no reading would be valid");
                }
            }

            CheckConverterWindows(v, errors);

            long pre = v.GetInteger("detector", "pre_ms");
            long baselineTau = (long)(v.GetNumber("processing", "baseline_tau_s") * 1000);
            if (baselineTau < pre)
            {
                errors.Add("processing.baseline_tau_s", v.GetText("processing", "baseline_tau_s"), "expected at least detector.pre_ms (" + pre.ToString() + " ms): a baseline shorter than the pre-onset window follows the response");
            }

            CheckEarlyLooks(v, errors);
            CheckTrain("opto", v, errors);
            CheckTrain("dose", v, errors);
            Output.RmtChannelMap.Check(v, errors);
            PinRules.Check(v, errors);
            CheckFrameMemory(v, errors);
            CheckDrive(v, errors);
        }

        /// <summary>KiB of the I: drive kept for nf.config (at most 32 KiB), the CA file, the boot counter and littlefs itself.</summary>
        public const int DriveReserveKib = 64;

        /// <summary>
        /// The spill files live on nanoFramework's I: drive, whose size the module's flash sets; spill files larger than
        /// it would fail to grow mid-outage and lose what the docs promise to keep, so such a config is refused.
        /// </summary>
        private static void CheckDrive(ConfigValues v, ConfigErrorList errors)
        {
            int flash = v.GetChoice("rig", "flash_mb");
            long drive = ConfigSchema.DriveKib[flash];
            long events = v.GetInteger("journal", "spill_kb");
            long frames = v.GetInteger("journal", "frame_spill_kb");
            if (events + frames + DriveReserveKib > drive)
            {
                errors.Add("journal.frame_spill_kb", frames.ToString(),
                    "expected journal.spill_kb + journal.frame_spill_kb (" + (events + frames).ToString() + " KiB) at most "
                    + (drive - DriveReserveKib).ToString() + " KiB: a " + ConfigSchema.FlashSizes[flash] + " MB board's I: drive is "
                    + drive.ToString() + " KiB and " + DriveReserveKib.ToString() + " KiB stay for nf.config, the CA file and the file system (rig.flash_mb)");
            }
        }

        /// <summary>
        /// The early rule looks at early_min_ms, then every early_step_ms, while the post window is open: at least one
        /// look, and at most <see cref="Detection.EarlyEvidence.MaxLooks"/> (its tables are allocated once).
        /// </summary>
        private static void CheckEarlyLooks(ConfigValues v, ConfigErrorList errors)
        {
            long post = v.GetInteger("detector", "post_ms");
            long first = v.GetInteger("detector", "early_min_ms");
            long step = v.GetInteger("detector", "early_step_ms");
            if (first >= post)
            {
                errors.Add("detector.early_min_ms", first.ToString(), "expected less than detector.post_ms (" + post.ToString() + " ms): the early rule must look before the window closes");
                return;
            }

            long looks = (post - first - 1) / step + 1;
            if (looks > Detection.EarlyEvidence.MaxLooks)
            {
                errors.Add("detector.early_step_ms", step.ToString(), "expected at most " + Detection.EarlyEvidence.MaxLooks.ToString() + " looks between early_min_ms and post_ms; this gives " + looks.ToString() + ": use a longer step");
            }
        }

        /// <summary>RAM the board may give to held sample frames: most of a PSRAM board's, a small part of a plain ESP32's heap.</summary>
        public const long FrameBudgetPsramBytes = 1024 * 1024;

        /// <summary>Without PSRAM nanoFramework's managed heap is on the order of 100 KB, shared with everything else.</summary>
        public const long FrameBudgetBytes = 48 * 1024;

        /// <summary>
        /// The board allocates journal.frame_capacity frames of link.sample_batch samples at boot; more than its RAM
        /// allows would stop it there, so such a config is refused with the keys to change.
        /// </summary>
        private static void CheckFrameMemory(ConfigValues v, ConfigErrorList errors)
        {
            string board = ConfigSchema.Boards[v.GetChoice("rig", "board")];
            bool psram = board.IndexOf("PSRAM") >= 0;
            long frameBytes = Wire.SampleFrameWriter.HeaderBytes + (v.GetInteger("link", "sample_batch") * Wire.SampleFrameWriter.SampleBytes);
            long capacity = v.GetInteger("journal", "frame_capacity");
            long budget = psram ? FrameBudgetPsramBytes : FrameBudgetBytes;
            if (capacity * frameBytes > budget)
            {
                errors.Add("journal.frame_capacity", capacity.ToString(),
                    "expected at most " + (budget / frameBytes).ToString() + " frames on a " + board + " (each " + frameBytes.ToString() + " bytes at link.sample_batch = "
                    + v.GetInteger("link", "sample_batch").ToString() + "; " + (budget / 1024).ToString() + " KiB of RAM " + (psram ? "with PSRAM" : "without PSRAM") + ")");
            }
        }

        /// <summary>
        /// An external converter's reading carries light from before the moment it is read: the ADS1115 returns the
        /// last finished conversion (two conversions of 1163 µs back), the ADS131M02 a conversion whose sinc3 filter
        /// reaches back three periods, read up to a period late. Readings whose light could straddle an LED edge are
        /// dropped, so every LED window must hold its settle time, that look-back, and min_readings conversions.
        /// </summary>
        private static void CheckConverterWindows(ConfigValues v, ConfigErrorList errors)
        {
            if (v.GetChoice("acquisition", "mode") != 0)
            {
                return;
            }

            long period;
            long lookback;
            string converter;
            AdcBackend adc = (AdcBackend)v.GetChoice("acquisition", "adc");
            if (adc == AdcBackend.Ads1115)
            {
                period = Ads1115Timing.ConversionUs;
                lookback = Ads1115Timing.LookbackUs;
                converter = "adc = ads1115: settle_us, the look-back of 2 conversions and min_readings - 1 more, of " + period.ToString() + " us each (860 samples/s)";
            }
            else if (adc == AdcBackend.Ads131m02)
            {
                int rate = v.GetChoice("acquisition", "ads131m02_rate_sps");
                period = Ads131m02Timing.PeriodUs(rate);
                lookback = Ads131m02Timing.LookbackUs(rate);
                converter = "adc = ads131m02: settle_us, the look-back of " + Ads131m02Timing.LookbackPeriods.ToString() + " conversions and min_readings - 1 more, of " + period.ToString()
                    + " us each (" + ConfigSchema.Ads131m02Rates[rate] + " samples/s)";
            }
            else
            {
                return;
            }

            long needed = v.GetInteger("acquisition", "settle_us") + lookback + ((v.GetInteger("acquisition", "min_readings") - 1) * period);
            CheckWindow("acquisition.signal_on_us", v.GetInteger("acquisition", "signal_on_us"), needed, converter, errors);
            CheckWindow("acquisition.control_on_us", v.GetInteger("acquisition", "control_on_us"), needed, converter, errors);
        }

        private static void CheckWindow(string field, long windowUs, long neededUs, string converter, ConfigErrorList errors)
        {
            if (windowUs < neededUs)
            {
                errors.Add(field, windowUs.ToString(), "expected at least " + neededUs.ToString() + " us with " + converter);
            }
        }

        private static void CheckTrain(string section, ConfigValues v, ConfigErrorList errors)
        {
            long width = v.GetInteger(section, "pulse_width_us");
            long period = v.GetInteger(section, "period_us");
            long count = v.GetInteger(section, "pulse_count");
            long delay = v.GetInteger(section, "delay_us");
            if (width >= period)
            {
                errors.Add(section + ".pulse_width_us", width.ToString(), "expected less than " + section + ".period_us (" + period.ToString() + ")");
                return;
            }

            double duty = (double)width / period;
            double maxDuty = v.GetNumber(section, "max_duty");
            if (duty > maxDuty)
            {
                errors.Add(section + ".pulse_width_us", width.ToString(), "expected a duty cycle (width / period = " + duty.ToString() + ") of at most " + section + ".max_duty = " + maxDuty.ToString());
            }

            long trainUs = delay + count * period;
            long maxTrainUs = v.GetInteger(section, "max_train_ms") * 1000;
            if (trainUs > maxTrainUs)
            {
                errors.Add(section + ".pulse_count", count.ToString(), "expected a train (delay + count x period = " + trainUs.ToString() + " us) no longer than " + section + ".max_train_ms = " + (maxTrainUs / 1000).ToString() + " ms");
            }

            int items = Output.RmtPlanner.CountItems(delay, width, period, count);
            long maxItems = v.GetInteger("rmt", "max_items");
            if (items > maxItems)
            {
                errors.Add(section + ".pulse_count", count.ToString(), "expected a train that fits rmt.max_items = " + maxItems.ToString() + " RMT items; this one needs " + items.ToString());
            }
        }

        private static string DescribeUnknown(string section)
        {
            string known = string.Empty;
            for (int i = 0; i < ConfigSchema.Count; i++)
            {
                ConfigKey key = ConfigSchema.KeyAt(i);
                if (key.Section == section)
                {
                    known += (known.Length == 0 ? string.Empty : ", ") + key.Name;
                }
            }

            if (known.Length == 0)
            {
                string sections = string.Empty;
                for (int i = 0; i < ConfigSchema.Count; i++)
                {
                    string name = ConfigSchema.KeyAt(i).Section;
                    if (i == 0 || ConfigSchema.KeyAt(i - 1).Section != name)
                    {
                        sections += (sections.Length == 0 ? string.Empty : ", ") + name;
                    }
                }

                return "expected a known section: " + sections;
            }

            return "expected a key of [" + section + "]: " + known;
        }

        /// <summary>True when <paramref name="text"/> could be a rig's id (letters, digits, '-' and '_', not starting with '_').</summary>
        public static bool IsRigId(string text)
        {
            return text != null && text.Length <= 32 && IsIdentifier(text);
        }

        private static bool IsIdentifier(string text)
        {
            // A leading '_' is kept for the host's own topic levels (the loggers' _loggers), which a rig named so
            // would be read as.
            if (text.Length == 0 || text[0] == '_')
            {
                return false;
            }

            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
