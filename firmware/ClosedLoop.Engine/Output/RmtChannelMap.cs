using ClosedLoop.Engine.Config;

namespace ClosedLoop.Engine.Output
{
    /// <summary>
    /// Which RMT channel each of the board's pulse sources uses. The ESP32 has eight channels and eight memory
    /// blocks of 64 items; channel n configured with m blocks owns blocks n to n + m - 1, and its driver never checks
    /// whether another channel owns them too: two channels sharing a block overwrite each other's items. So every
    /// channel is named in nf.config ([rmt]) and checked here, never left to the driver's "first free channel".
    /// </summary>
    internal static class RmtChannelMap
    {
        public const int Channels = 8;

        public const int Opto = 0;
        public const int Dose = 1;
        public const int Signal = 2;
        public const int Control = 3;
        public const int Sync = 4;
        public const int SelfTest = 5;

        /// <summary>The [rmt] key of each source, indexed as the constants above.</summary>
        private static readonly string[] s_keys = new string[]
        {
            "opto_channel", "dose_channel", "signal_channel", "control_channel", "sync_channel", "selftest_channel",
        };

        public static int Count => s_keys.Length;

        /// <summary>The channel number nf.config gives a source.</summary>
        public static int ChannelOf(ConfigValues v, int source)
        {
            return (int)v.GetInteger("rmt", s_keys[source]);
        }

        /// <summary>Memory blocks a source's channel owns: the outputs refill in chunks of rmt.memory_blocks, the loops fit one.</summary>
        public static int BlocksOf(ConfigValues v, int source)
        {
            return source == Opto || source == Dose ? (int)v.GetInteger("rmt", "memory_blocks") : 1;
        }

        /// <summary>False for a source the configuration does not use (the sync output when sync is off).</summary>
        public static bool InUse(ConfigValues v, int source)
        {
            return source != Sync || v.GetBoolean("sync", "enabled");
        }

        /// <summary>Reports every channel whose blocks run past the last one or overlap an earlier source's.</summary>
        public static void Check(ConfigValues v, ConfigErrorList errors)
        {
            for (int i = 0; i < s_keys.Length; i++)
            {
                if (!InUse(v, i))
                {
                    continue;
                }

                int first = ChannelOf(v, i);
                int last = first + BlocksOf(v, i) - 1;
                string field = "rmt." + s_keys[i];
                if (last >= Channels)
                {
                    errors.Add(field, first.ToString(), "expected a channel whose " + BlocksOf(v, i).ToString() + " memory block(s) end by block 7 (channel n owns blocks n to n + blocks - 1); this one needs blocks " + Range(first, last));
                    continue;
                }

                for (int j = 0; j < i; j++)
                {
                    if (!InUse(v, j))
                    {
                        continue;
                    }

                    int otherFirst = ChannelOf(v, j);
                    int otherLast = otherFirst + BlocksOf(v, j) - 1;
                    if (first <= otherLast && otherFirst <= last)
                    {
                        errors.Add(field, first.ToString(), "expected memory blocks apart from rmt." + s_keys[j] + "'s (" + Range(otherFirst, otherLast) + "); this channel owns blocks " + Range(first, last) + " (rmt.memory_blocks = " + v.GetInteger("rmt", "memory_blocks").ToString() + " for the outputs, 1 for the rest)");
                        break;
                    }
                }
            }
        }

        private static string Range(int first, int last)
        {
            return first == last ? first.ToString() : first.ToString() + "-" + last.ToString();
        }
    }
}
