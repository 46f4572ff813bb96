namespace ClosedLoop.Engine.Config
{
    /// <summary>
    /// Proof that a config a rig is given arrived whole. The tools that hand a rig its config (<c>closedloop
    /// configure</c>, the console, studies, <c>closedloop flash</c>) end it with one more comment line,
    /// <code># sealed: 1234 bytes, fnv1a64 0123456789abcdef</code>
    /// giving the length and the FNV-1a (64-bit) hash of every byte before that line. A rig takes a config only
    /// when its last line is a seal that matches: a config cut short anywhere (inside its last value, at a line
    /// boundary, inside the seal itself), on the wire or on flash, is refused whole. The config hash cannot serve
    /// here: it ignores comments and secrets, so a cut inside a password would pass. People editing nf.config by
    /// hand never write the line; <c>closedloop config check</c> does not ask for it.
    /// </summary>
    public static class ConfigSeal
    {
        /// <summary>How the seal line begins.</summary>
        public const string Marker = "# sealed: ";

        /// <summary>The field errors about the seal are reported under.</summary>
        public const string Field = "config";

        /// <summary>The seal line (with its line break) for the first <paramref name="length"/> bytes, which must end with a line break.</summary>
        public static string LineFor(byte[] bytes, int length)
        {
            return Marker + length.ToString() + " bytes, fnv1a64 " + Hex(Fnv1a64(bytes, length)) + "\n";
        }

        /// <summary>
        /// The length of the sealed content when the config ends with a seal that matches it; otherwise -1, with the
        /// reason added to <paramref name="errors"/>.
        /// </summary>
        public static int Check(byte[] bytes, int length, ConfigErrorList errors)
        {
            int end = length;
            while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r'))
            {
                end--;
            }

            int start = end;
            while (start > 0 && bytes[start - 1] != '\n')
            {
                start--;
            }

            string line = AsciiLine(bytes, start, end);
            if (line == null || !line.StartsWith(Marker))
            {
                errors.Add(Field, "no seal line", "expected a last line '" + Marker + "N bytes, fnv1a64 H' as closedloop configure and flash write it: without it a config cut short on the way or on flash cannot be told from a whole one");
                return -1;
            }

            string expected = LineFor(bytes, start);
            if (line + "\n" != expected)
            {
                errors.Add(Field, line, "expected '" + expected.Substring(0, expected.Length - 1) + "': the config does not match its seal (cut short or changed on the way)");
                return -1;
            }

            return start;
        }

        /// <summary>The line as ASCII, or null when it is longer than any seal (so nothing large is allocated) or not ASCII.</summary>
        private static string AsciiLine(byte[] bytes, int start, int end)
        {
            if (end - start > 80)
            {
                return null;
            }

            char[] chars = new char[end - start];
            for (int i = start; i < end; i++)
            {
                if (bytes[i] >= 0x80)
                {
                    return null;
                }

                chars[i - start] = (char)bytes[i];
            }

            return new string(chars);
        }

        private static ulong Fnv1a64(byte[] bytes, int length)
        {
            ulong hash = 14695981039346656037UL;
            for (int i = 0; i < length; i++)
            {
                hash = (hash ^ bytes[i]) * 1099511628211UL;
            }

            return hash;
        }

        private static string Hex(ulong value)
        {
            // By hand: format strings differ between nanoFramework and .NET.
            char[] digits = new char[16];
            for (int i = 15; i >= 0; i--)
            {
                digits[i] = "0123456789abcdef"[(int)(value & 0xF)];
                value >>= 4;
            }

            return new string(digits);
        }
    }
}
