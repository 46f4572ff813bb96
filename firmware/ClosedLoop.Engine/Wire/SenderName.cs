namespace ClosedLoop.Engine.Wire
{
    /// <summary>
    /// Who sent a command, small enough for one 64-bit event slot: up to <see cref="MaxLength"/> characters from
    /// <c>a-z 0-9 . _ - @</c>, packed as base-41 digits (0 never occurs inside a name, so short names stay
    /// unambiguous). The rig journals it in the answer to each command without allocating; readers unpack it.
    /// </summary>
    public static class SenderName
    {
        public const int MaxLength = 11;

        /// <summary>What a sender may be called, for error messages and help.</summary>
        public const string Rule = "1 to 11 characters from a-z 0-9 . _ - @";

        private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789._-@";
        private const int Base = 41;

        /// <summary>The packed form of ASCII bytes, or -1 when they are not a valid sender name.</summary>
        public static long Pack(byte[] bytes, int start, int length)
        {
            if (length < 1 || length > MaxLength)
            {
                return -1;
            }

            long bits = 0;
            for (int i = start; i < start + length; i++)
            {
                int digit = Alphabet.IndexOf((char)bytes[i]) + 1;
                if (digit == 0)
                {
                    return -1;
                }

                bits = bits * Base + digit;
            }

            return bits;
        }

        /// <summary>The packed form of a name, or -1 when it is not a valid sender name.</summary>
        public static long Pack(string name)
        {
            if (name == null || name.Length < 1 || name.Length > MaxLength)
            {
                return -1;
            }

            byte[] bytes = new byte[name.Length];
            for (int i = 0; i < name.Length; i++)
            {
                bytes[i] = name[i] < 0x80 ? (byte)name[i] : (byte)0;
            }

            return Pack(bytes, 0, bytes.Length);
        }

        /// <summary>Writes the name into <paramref name="into"/> and returns its length (0 for an empty or invalid value).</summary>
        public static int Unpack(long bits, char[] into)
        {
            if (bits <= 0)
            {
                return 0;
            }

            int length = 0;
            long rest = bits;
            while (rest > 0)
            {
                int digit = (int)(rest % Base);
                if (digit == 0 || length == MaxLength)
                {
                    return 0;
                }

                into[length++] = Alphabet[digit - 1];
                rest /= Base;
            }

            // Digits came out last first.
            for (int i = 0, j = length - 1; i < j; i++, j--)
            {
                char c = into[i];
                into[i] = into[j];
                into[j] = c;
            }

            return length;
        }

        /// <summary>The name as a string (allocates; for hosts and messages).</summary>
        public static string Unpack(long bits)
        {
            char[] chars = new char[MaxLength];
            return new string(chars, 0, Unpack(bits, chars));
        }
    }
}
