using System.Collections;

namespace ClosedLoop.Engine.Config
{
    /// <summary>
    /// The entries of an nf.config file as written, before any meaning is given to them. Overrides (the host's
    /// <c>--set section.key=value</c>) are applied here, so that the validator always sees the whole result.
    /// </summary>
    public sealed class ConfigDocument
    {
        private readonly ArrayList _entries = new ArrayList();

        /// <summary>Set when the bytes could not be read as text at all (too long, not UTF-8): there is nothing to validate.</summary>
        public bool IsUnreadable { get; set; }

        public int Count => _entries.Count;

        public ConfigEntry this[int index]
        {
            get { return (ConfigEntry)_entries[index]; }
        }

        /// <summary>The entry for section.key, or null.</summary>
        public ConfigEntry Find(string section, string key)
        {
            for (int i = 0; i < _entries.Count; i++)
            {
                ConfigEntry entry = (ConfigEntry)_entries[i];
                if (entry.Section == section && entry.Key == key)
                {
                    return entry;
                }
            }

            return null;
        }

        /// <summary>Adds an entry as read from a file; a duplicate is kept so that the validator can report it.</summary>
        public void Add(string section, string key, string value, int line)
        {
            _entries.Add(new ConfigEntry(section, key, value, line));
        }

        /// <summary>Sets section.key to value, replacing what the file said.</summary>
        public void Set(string section, string key, string value)
        {
            ConfigEntry existing = Find(section, key);
            if (existing != null)
            {
                existing.Value = value;
                return;
            }

            _entries.Add(new ConfigEntry(section, key, value, 0));
        }

        /// <summary>
        /// Applies an override written as <c>section.key=value</c>; returns false (and adds an error) when it is
        /// not of that form.
        /// </summary>
        public bool TrySet(string assignment, ConfigErrorList errors)
        {
            int equals = assignment == null ? -1 : assignment.IndexOf('=');
            int dot = equals < 0 ? -1 : assignment.IndexOf('.');
            if (equals < 0 || dot <= 0 || dot > equals)
            {
                errors.Add("--set", assignment == null ? string.Empty : assignment, "expected section.key=value, e.g. detector.post_ms=1500");
                return false;
            }

            string section = assignment.Substring(0, dot).Trim();
            string key = assignment.Substring(dot + 1, equals - dot - 1).Trim();
            string value = assignment.Substring(equals + 1).Trim();
            if (!ConfigParser.IsName(section) || !ConfigParser.IsName(key))
            {
                errors.Add("--set", assignment, "expected section.key=value with names of lower-case letters, digits and '_'");
                return false;
            }

            Set(section, key, value);
            return true;
        }
    }
}
