namespace ClosedLoop.Engine.Config
{
    /// <summary>The definition of one configuration key: its place, kind, allowed values, default and meaning.</summary>
    public sealed class ConfigKey
    {
        private ConfigKey(string section, string name, ConfigKind kind, double min, double max, string[] choices, bool identifier, string defaultValue, string help)
        {
            Section = section;
            Name = name;
            Kind = kind;
            Min = min;
            Max = max;
            Choices = choices;
            IsIdentifier = identifier;
            DefaultValue = defaultValue;
            Help = help;
        }

        public string Section { get; private set; }

        public string Name { get; private set; }

        public ConfigKind Kind { get; private set; }

        public double Min { get; private set; }

        /// <summary>The largest value for numbers, or the longest text.</summary>
        public double Max { get; private set; }

        public string[] Choices { get; private set; }

        /// <summary>Text limited to letters, digits, '-' and '_' (safe in MQTT topics and file names).</summary>
        public bool IsIdentifier { get; private set; }

        public string DefaultValue { get; private set; }

        public string Help { get; private set; }

        /// <summary>
        /// A password: written in nf.config only as ${NAME}, never echoed in an error, and left out of the config
        /// hash, so the board's expanded file and the host's unexpanded one have the same identity.
        /// </summary>
        public bool IsSecret { get; private set; }

        /// <summary>
        /// An output setting or safety limit (sections output, opto and dose): a config a rig runs must state it,
        /// never leave it to a default that may not be what the experimenter thinks.
        /// </summary>
        public bool IsSafety => Section == "output" || Section == "opto" || Section == "dose";

        public string Field => Section + "." + Name;

        public static ConfigKey Integer(string section, string name, long min, long max, long defaultValue, string help)
        {
            return new ConfigKey(section, name, ConfigKind.Integer, min, max, null, false, defaultValue.ToString(), help);
        }

        public static ConfigKey Number(string section, string name, double min, double max, string defaultValue, string help)
        {
            return new ConfigKey(section, name, ConfigKind.Number, min, max, null, false, defaultValue, help);
        }

        public static ConfigKey Boolean(string section, string name, bool defaultValue, string help)
        {
            return new ConfigKey(section, name, ConfigKind.Boolean, 0, 1, null, false, defaultValue ? "true" : "false", help);
        }

        public static ConfigKey Choice(string section, string name, string[] choices, string defaultValue, string help)
        {
            return new ConfigKey(section, name, ConfigKind.Choice, 0, choices.Length - 1, choices, false, defaultValue, help);
        }

        public static ConfigKey Text(string section, string name, int maxLength, bool identifier, string defaultValue, string help)
        {
            return new ConfigKey(section, name, ConfigKind.Text, identifier ? 1 : 0, maxLength, null, identifier, defaultValue, help);
        }

        public static ConfigKey Secret(string section, string name, int maxLength, string defaultValue, string help)
        {
            ConfigKey key = Text(section, name, maxLength, false, defaultValue, help);
            key.IsSecret = true;
            return key;
        }

        /// <summary>The index of <paramref name="word"/> among the choices, or -1.</summary>
        public int IndexOfChoice(string word)
        {
            if (Choices == null)
            {
                return -1;
            }

            for (int i = 0; i < Choices.Length; i++)
            {
                if (Choices[i] == word)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Describes the accepted values, for error messages and documentation.</summary>
        public string Describe()
        {
            switch (Kind)
            {
                case ConfigKind.Integer:
                    return "an integer from " + ((long)Min).ToString() + " to " + ((long)Max).ToString();
                case ConfigKind.Number:
                    return "a number from " + Min.ToString() + " to " + Max.ToString();
                case ConfigKind.Boolean:
                    return "true or false";
                case ConfigKind.Choice:
                    string list = string.Empty;
                    for (int i = 0; i < Choices.Length; i++)
                    {
                        list += (i == 0 ? string.Empty : (i == Choices.Length - 1 ? " or " : ", ")) + Choices[i];
                    }

                    return "one of " + list;
                default:
                    return IsIdentifier
                        ? "1 to " + ((int)Max).ToString() + " letters, digits, '-' or '_', not starting with '_'"
                        : "text of at most " + ((int)Max).ToString() + " characters";
            }
        }
    }
}
