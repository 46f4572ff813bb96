namespace ClosedLoop.Engine.Config
{
    /// <summary>The result of loading a configuration: a whole valid config, or every error and no config.</summary>
    public sealed class ConfigLoadResult
    {
        internal ConfigLoadResult(RigConfig config, ConfigError[] errors)
        {
            Config = config;
            Errors = errors;
        }

        /// <summary>The validated configuration, or null when there were errors.</summary>
        public RigConfig Config { get; private set; }

        public ConfigError[] Errors { get; private set; }

        public bool IsValid => Config != null;
    }

    /// <summary>Parse, then validate, then build: the one way a <see cref="RigConfig"/> comes to exist.</summary>
    public static class ConfigLoader
    {

        public static ConfigLoadResult Load(byte[] bytes, int length)
        {
            ConfigErrorList errors = new ConfigErrorList();
            ConfigDocument document = ConfigParser.Parse(bytes, length, errors);
            return Finish(document, errors);
        }

        public static ConfigLoadResult Load(string text)
        {
            ConfigErrorList errors = new ConfigErrorList();
            ConfigDocument document = ConfigParser.Parse(text, errors);
            return Finish(document, errors);
        }

        /// <summary>
        /// Loads a config a rig is to run (from its flash, over MQTT, for flashing): like <see cref="Load(byte[], int)"/>,
        /// but every output setting and safety limit must be stated (<see cref="ConfigKey.IsSafety"/>).
        /// </summary>
        public static ConfigLoadResult LoadForRig(byte[] bytes, int length)
        {
            ConfigErrorList errors = new ConfigErrorList();
            ConfigDocument document = ConfigParser.Parse(bytes, length, errors);
            return Finish(document, errors, true);
        }

        /// <summary>
        /// <see cref="LoadForRig(byte[], int)"/> for a config that must prove it is whole (<see cref="ConfigSeal"/>): the
        /// board's own nf.config as flashed.
        /// </summary>
        public static ConfigLoadResult LoadSealedForRig(byte[] bytes, int length)
        {
            ConfigErrorList errors = new ConfigErrorList();
            if (ConfigSeal.Check(bytes, length, errors) < 0)
            {
                return new ConfigLoadResult(null, errors.ToArray());
            }

            return LoadForRig(bytes, length);
        }

        /// <summary>The text form of <see cref="LoadForRig(byte[], int)"/>.</summary>
        public static ConfigLoadResult LoadForRig(string text)
        {
            ConfigErrorList errors = new ConfigErrorList();
            ConfigDocument document = ConfigParser.Parse(text, errors);
            return Finish(document, errors, true);
        }

        /// <summary>Validates a document that may carry overrides; syntax errors found earlier can be passed in.</summary>
        public static ConfigLoadResult FromDocument(ConfigDocument document, ConfigErrorList errors)
        {
            return Finish(document, errors, false);
        }

        /// <summary>As <see cref="FromDocument(ConfigDocument, ConfigErrorList)"/>; <paramref name="forRig"/> requires every safety key stated.</summary>
        public static ConfigLoadResult FromDocument(ConfigDocument document, ConfigErrorList errors, bool forRig)
        {
            return Finish(document, errors, forRig);
        }

        private static ConfigLoadResult Finish(ConfigDocument document, ConfigErrorList errors)
        {
            return Finish(document, errors, false);
        }

        private static ConfigLoadResult Finish(ConfigDocument document, ConfigErrorList errors, bool forRig)
        {
            // Validate even after syntax errors so that one round trip reports everything wrong, unless nothing could
            // be read at all: then every key would be reported missing, which says nothing.
            ConfigValues values = document.IsUnreadable ? null : ConfigValidator.Validate(document, errors, forRig);
            if (values == null || errors.Count > 0)
            {
                return new ConfigLoadResult(null, errors.ToArray());
            }

            return new ConfigLoadResult(new RigConfig(values), new ConfigError[0]);
        }
    }
}
