namespace ClosedLoop.Engine.Config
{
    /// <summary>
    /// A configuration written out whole as nf.config text: every key in schema order with its effective value
    /// (defaults included), secrets left out. Parsed again it gives the same values and the same hash, so a log that
    /// keeps it can re-run a session with exactly the settings it ran with. Cold path: it allocates.
    /// </summary>
    public static class ConfigText
    {
        /// <summary>The configuration as UTF-8 nf.config text.</summary>
        public static byte[] Render(ConfigValues values)
        {
            int length = Write(values, null);
            byte[] bytes = new byte[length];
            Write(values, bytes);
            return bytes;
        }

        /// <summary>Writes the text into <paramref name="into"/> (or only measures it when null); returns its length in bytes.</summary>
        private static int Write(ConfigValues values, byte[] into)
        {
            int o = 0;
            string section = null;
            for (int i = 0; i < ConfigSchema.Count; i++)
            {
                ConfigKey key = ConfigSchema.KeyAt(i);
                if (key.IsSecret)
                {
                    continue;
                }

                if (key.Section != section)
                {
                    section = key.Section;
                    o = Put(into, o, "[");
                    o = Put(into, o, section);
                    o = Put(into, o, "]\n");
                }

                o = Put(into, o, key.Name);
                o = Put(into, o, " = ");
                o = Put(into, o, values.GetText(key.Section, key.Name));
                o = Put(into, o, "\n");
            }

            return o;
        }

        /// <summary>UTF-8 of <paramref name="text"/> at <paramref name="o"/> (characters of the Basic Multilingual Plane).</summary>
        private static int Put(byte[] into, int o, string text)
        {
            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                if (c < 0x80)
                {
                    if (into != null)
                    {
                        into[o] = (byte)c;
                    }

                    o++;
                }
                else if (c < 0x800)
                {
                    if (into != null)
                    {
                        into[o] = (byte)(0xC0 | (c >> 6));
                        into[o + 1] = (byte)(0x80 | (c & 0x3F));
                    }

                    o += 2;
                }
                else
                {
                    if (into != null)
                    {
                        into[o] = (byte)(0xE0 | (c >> 12));
                        into[o + 1] = (byte)(0x80 | ((c >> 6) & 0x3F));
                        into[o + 2] = (byte)(0x80 | (c & 0x3F));
                    }

                    o += 3;
                }
            }

            return o;
        }
    }
}
