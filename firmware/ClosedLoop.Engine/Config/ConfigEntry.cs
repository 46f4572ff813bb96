namespace ClosedLoop.Engine.Config
{
    /// <summary>One <c>key = value</c> line of an nf.config file, with the section it stands in and its line number (0 when set programmatically).</summary>
    public sealed class ConfigEntry
    {
        public ConfigEntry(string section, string key, string value, int line)
        {
            Section = section;
            Key = key;
            Value = value;
            Line = line;
        }

        public string Section { get; private set; }

        public string Key { get; private set; }

        public string Value { get; set; }

        public int Line { get; private set; }

        public string Field => Section + "." + Key;
    }
}
