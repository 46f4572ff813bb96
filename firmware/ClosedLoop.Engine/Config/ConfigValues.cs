namespace ClosedLoop.Engine.Config
{
    /// <summary>
    /// The effective value of every schema key (the file's, or the default), already checked against its kind and
    /// range. Only the validator makes these, so typed reads cannot fail.
    /// </summary>
    public sealed class ConfigValues
    {
        private readonly string[] _text;
        private readonly double[] _numbers;

        internal ConfigValues()
        {
            _text = new string[ConfigSchema.Count];
            _numbers = new double[ConfigSchema.Count];
        }

        public string GetText(string section, string name)
        {
            return _text[Require(section, name)];
        }

        public double GetNumber(string section, string name)
        {
            return _numbers[Require(section, name)];
        }

        public long GetInteger(string section, string name)
        {
            return (long)_numbers[Require(section, name)];
        }

        public bool GetBoolean(string section, string name)
        {
            return _numbers[Require(section, name)] != 0;
        }

        /// <summary>The index of the chosen word in the key's choices.</summary>
        public int GetChoice(string section, string name)
        {
            return (int)_numbers[Require(section, name)];
        }

        /// <summary>
        /// The configuration's identity: FNV-1a (64-bit) over <c>section.key=value</c> lines of every effective
        /// value in schema order, as 16 hex digits. Comments, order and defaults written out or left implicit do
        /// not change it; any effective value does, except a secret's (see <see cref="ConfigKey.IsSecret"/>).
        /// </summary>
        public string ComputeHash()
        {
            ulong hash = 14695981039346656037UL;
            for (int i = 0; i < ConfigSchema.Count; i++)
            {
                ConfigKey key = ConfigSchema.KeyAt(i);
                hash = Mix(hash, key.Field);
                hash = Mix(hash, "=");
                hash = Mix(hash, key.IsSecret ? "(secret)" : _text[i]);
                hash = Mix(hash, "\n");
            }

            // Hex by hand: format strings differ between nanoFramework and .NET.
            char[] digits = new char[16];
            for (int i = 15; i >= 0; i--)
            {
                digits[i] = "0123456789abcdef"[(int)(hash & 0xF)];
                hash >>= 4;
            }

            return new string(digits);
        }

        internal void Set(int index, string text, double number)
        {
            _text[index] = text;
            _numbers[index] = number;
        }

        internal double NumberAt(int index)
        {
            return _numbers[index];
        }

        private static ulong Mix(ulong hash, string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                hash = (hash ^ (byte)(c & 0xFF)) * 1099511628211UL;
                hash = (hash ^ (byte)(c >> 8)) * 1099511628211UL;
            }

            return hash;
        }

        private static int Require(string section, string name)
        {
            int index = ConfigSchema.IndexOf(section, name);
            if (index < 0)
            {
                throw new System.ArgumentException("no configuration key " + section + "." + name);
            }

            return index;
        }
    }
}
