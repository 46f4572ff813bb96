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

        public bool IsValid
        {
            get { return Config != null; }
        }
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

        /// <summary>Validates a document that may carry overrides; syntax errors found earlier can be passed in.</summary>
        public static ConfigLoadResult FromDocument(ConfigDocument document, ConfigErrorList errors)
        {
            return Finish(document, errors);
        }

        private static ConfigLoadResult Finish(ConfigDocument document, ConfigErrorList errors)
        {
            // Validate even after syntax errors so that one round trip reports everything wrong.
            ConfigValues values = ConfigValidator.Validate(document, errors);
            if (values == null || errors.Count > 0)
            {
                return new ConfigLoadResult(null, errors.ToArray());
            }

            return new ConfigLoadResult(new RigConfig(values), new ConfigError[0]);
        }
    }
}
