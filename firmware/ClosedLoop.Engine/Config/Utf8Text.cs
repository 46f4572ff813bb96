namespace ClosedLoop.Engine.Config
{
    /// <summary>
    /// Strict UTF-8 decoding and encoding. System.Text.Encoding is a separate package on nanoFramework, and a
    /// config arriving over the network must be checked byte by byte anyway: a bad sequence is reported with its
    /// offset instead of being replaced silently.
    /// </summary>
    public static class Utf8Text
    {
        /// <summary>Decodes bytes[0, length) into a string; returns null and sets errorOffset at the first invalid byte.</summary>
        public static string Decode(byte[] bytes, int length, out int errorOffset)
        {
            errorOffset = -1;
            char[] chars = new char[length];
            int count = 0;
            int i = 0;
            while (i < length)
            {
                int b = bytes[i];
                if (b < 0x80)
                {
                    chars[count++] = (char)b;
                    i++;
                    continue;
                }

                int extra;
                int codePoint;
                int minimum;
                if ((b & 0xE0) == 0xC0)
                {
                    extra = 1;
                    codePoint = b & 0x1F;
                    minimum = 0x80;
                }
                else if ((b & 0xF0) == 0xE0)
                {
                    extra = 2;
                    codePoint = b & 0x0F;
                    minimum = 0x800;
                }
                else if ((b & 0xF8) == 0xF0)
                {
                    extra = 3;
                    codePoint = b & 0x07;
                    minimum = 0x10000;
                }
                else
                {
                    errorOffset = i;
                    return null;
                }

                if (i + extra >= length)
                {
                    errorOffset = i;
                    return null;
                }

                for (int k = 1; k <= extra; k++)
                {
                    int next = bytes[i + k];
                    if ((next & 0xC0) != 0x80)
                    {
                        errorOffset = i;
                        return null;
                    }

                    codePoint = (codePoint << 6) | (next & 0x3F);
                }

                // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
                if (codePoint < minimum || (codePoint >= 0xD800 && codePoint <= 0xDFFF) || codePoint > 0x10FFFF)
                {
                    errorOffset = i;
                    return null;
                }

                if (codePoint >= 0x10000)
                {
                    codePoint -= 0x10000;
                    chars[count++] = (char)(0xD800 + (codePoint >> 10));
                    chars[count++] = (char)(0xDC00 + (codePoint & 0x3FF));
                }
                else
                {
                    chars[count++] = (char)codePoint;
                }

                i += extra + 1;
            }

            return new string(chars, 0, count);
        }

        /// <summary>Encodes ASCII text into buffer at offset without allocating; returns the new offset. Characters above 0x7E are written as '?'.</summary>
        public static int WriteAscii(string text, byte[] buffer, int offset)
        {
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                buffer[offset++] = c < 0x7F ? (byte)c : (byte)'?';
            }

            return offset;
        }
    }
}
