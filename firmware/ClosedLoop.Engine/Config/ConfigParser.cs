namespace ClosedLoop.Engine.Config
{
    /// <summary>
    /// Reads the nf.config format: <c>[section]</c> headers, <c>key = value</c> lines, whole-line comments starting
    /// with <c>#</c> or <c>;</c>, and comments after a value starting with whitespace and <c>#</c>. A secret's value
    /// (a password) runs to the end of the line, so it may contain '#'.
    /// Names are lower-case letters, digits and '_'. The parser never throws on bad input: every problem becomes
    /// an error naming its line.
    /// </summary>
    public static class ConfigParser
    {
        /// <summary>The largest configuration accepted, so a hostile message cannot exhaust the board's heap.</summary>
        public const int MaxBytes = 32768;

        /// <summary>The value before an inline comment (whitespace, then '#'), trimmed.</summary>
        private static string WithoutComment(string value)
        {
            for (int i = 1; i < value.Length; i++)
            {
                if (value[i] == '#' && (value[i - 1] == ' ' || value[i - 1] == '\t'))
                {
                    return value.Substring(0, i).Trim();
                }
            }

            return value;
        }

        public static ConfigDocument Parse(byte[] bytes, int length, ConfigErrorList errors)
        {
            ConfigDocument document = new ConfigDocument();
            if (bytes == null || length < 0 || length > bytes.Length)
            {
                errors.Add("config", string.Empty, "expected a byte buffer with a valid length");
                document.IsUnreadable = true;
                return document;
            }

            if (length > MaxBytes)
            {
                errors.Add("config", length.ToString() + " bytes", "expected at most " + MaxBytes.ToString() + " bytes");
                document.IsUnreadable = true;
                return document;
            }

            int badOffset;
            string text = Utf8Text.Decode(bytes, length, out badOffset);
            if (text == null)
            {
                errors.Add("config", "byte " + badOffset.ToString(), "expected UTF-8 text; the byte at this offset starts an invalid sequence");
                document.IsUnreadable = true;
                return document;
            }

            ParseInto(text, document, errors);
            return document;
        }

        public static ConfigDocument Parse(string text, ConfigErrorList errors)
        {
            ConfigDocument document = new ConfigDocument();
            if (text == null)
            {
                errors.Add("config", string.Empty, "expected text");
                return document;
            }

            ParseInto(text, document, errors);
            return document;
        }

        /// <summary>True for a non-empty name of lower-case ASCII letters, digits and '_'.</summary>
        public static bool IsName(string text)
        {
            if (text == null || text.Length == 0 || text.Length > 64)
            {
                return false;
            }

            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }

        private static void ParseInto(string text, ConfigDocument document, ConfigErrorList errors)
        {
            string section = null;
            int lineNumber = 0;
            int start = 0;
            while (start <= text.Length)
            {
                int end = text.IndexOf('\n', start);
                if (end < 0)
                {
                    end = text.Length;
                }

                lineNumber++;
                string line = text.Substring(start, end - start).Trim();
                start = end + 1;
                if (line.Length > 0 && line[0] == '\uFEFF')
                {
                    line = line.Substring(1).Trim();
                }

                if (line.Length == 0 || line[0] == '#' || line[0] == ';')
                {
                    continue;
                }

                string where = "line " + lineNumber.ToString();
                if (line[0] == '[')
                {
                    if (line[line.Length - 1] != ']')
                    {
                        errors.Add(where, line, "expected a section header such as [detector]");
                        section = null;
                        continue;
                    }

                    string name = line.Substring(1, line.Length - 2).Trim();
                    if (!IsName(name))
                    {
                        errors.Add(where, line, "expected a section name of lower-case letters, digits and '_'");
                        section = null;
                        continue;
                    }

                    section = name;
                    continue;
                }

                int equals = line.IndexOf('=');
                if (equals <= 0)
                {
                    errors.Add(where, line, "expected key = value, a [section] header, or a comment starting with # or ;");
                    continue;
                }

                string key = line.Substring(0, equals).Trim();
                string value = line.Substring(equals + 1).Trim();
                if (!IsName(key))
                {
                    errors.Add(where, key, "expected a key of lower-case letters, digits and '_'");
                    continue;
                }

                if (section == null)
                {
                    errors.Add(where, key, "expected a [section] header before the first key");
                    continue;
                }

                int schemaKey = ConfigSchema.IndexOf(section, key);
                if (schemaKey < 0 || !ConfigSchema.KeyAt(schemaKey).IsSecret)
                {
                    value = WithoutComment(value);
                }

                for (int i = 0; i < value.Length; i++)
                {
                    if (value[i] < ' ' && value[i] != '\t')
                    {
                        errors.Add(section + "." + key, value, "expected printable text without control characters");
                        value = null;
                        break;
                    }
                }

                if (value == null)
                {
                    continue;
                }

                if (document.Find(section, key) != null)
                {
                    errors.Add(section + "." + key, value, "expected each key once; it is also set earlier (" + where + ")");
                    continue;
                }

                document.Add(section, key, value, lineNumber);
            }
        }
    }
}
