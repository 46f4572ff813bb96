using System.Collections;

namespace ClosedLoop.Engine.Config
{
    /// <summary>Collects every error found, so that a rejection names all bad fields at once rather than the first.</summary>
    public sealed class ConfigErrorList
    {
        private readonly ArrayList _errors = new ArrayList();

        public int Count => _errors.Count;

        public ConfigError this[int index]
        {
            get { return (ConfigError)_errors[index]; }
        }

        /// <summary>The longest value an error quotes whole: a 68 KB line is named by its start and length.</summary>
        public const int MaxQuotedValue = 64;

        public void Add(string field, string value, string expected)
        {
            if (value != null && value.Length > MaxQuotedValue)
            {
                value = value.Substring(0, MaxQuotedValue) + "... (" + value.Length.ToString() + " characters)";
            }

            _errors.Add(new ConfigError(field, value, expected));
        }

        public ConfigError[] ToArray()
        {
            ConfigError[] result = new ConfigError[_errors.Count];
            for (int i = 0; i < result.Length; i++)
            {
                result[i] = (ConfigError)_errors[i];
            }

            return result;
        }
    }
}
