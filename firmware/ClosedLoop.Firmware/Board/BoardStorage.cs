using System.IO;

namespace ClosedLoop.Firmware.Board
{
    /// <summary>
    /// The board's internal flash (littlefs, drive I:): the deployed nf.config (and CA certificate), the boot
    /// counter that makes each boot's event identity unique, and the event spill file.
    /// </summary>
    public static class BoardStorage
    {
        public const string Root = "I:\\";
        public const string ConfigPath = Root + "nf.config";
        public const string BootCounterPath = Root + "boot.count";
        public const string SpillPath = Root + "journal.spill";
        public const string FrameSpillPath = Root + "frames.spill";

        /// <summary>The whole file, or null when it does not exist or cannot be read.</summary>
        public static byte[] ReadAll(string path)
        {
            if (!File.Exists(path))
            {
                return null;
            }

            try
            {
                FileStream stream = new FileStream(path, FileMode.Open, FileAccess.Read);
                try
                {
                    byte[] bytes = new byte[(int)stream.Length];
                    int read = 0;
                    while (read < bytes.Length)
                    {
                        int n = stream.Read(bytes, read, bytes.Length - read);
                        if (n <= 0)
                        {
                            return null;
                        }

                        read += n;
                    }

                    return bytes;
                }
                finally
                {
                    stream.Dispose();
                }
            }
            catch (IOException)
            {
                return null;
            }
        }

        /// <summary>The file's length in bytes; 0 when it does not exist or cannot be read.</summary>
        public static long LengthOf(string path)
        {
            if (!File.Exists(path))
            {
                return 0;
            }

            try
            {
                FileStream stream = new FileStream(path, FileMode.Open, FileAccess.Read);
                try
                {
                    return stream.Length;
                }
                finally
                {
                    stream.Dispose();
                }
            }
            catch (IOException)
            {
                return 0;
            }
        }

        /// <summary>
        /// Increments and returns the boot counter. A board whose flash cannot be written still boots (as boot 0),
        /// and the logger then sees its sequence numbers restart under the same identity, which it reports.
        /// </summary>
        public static long NextBootId()
        {
            long previous = 0;
            byte[] bytes = ReadAll(BootCounterPath);
            if (bytes != null && bytes.Length == 8)
            {
                for (int i = 7; i >= 0; i--)
                {
                    previous = (previous << 8) | bytes[i];
                }
            }

            long next = previous + 1;
            byte[] write = new byte[8];
            for (int i = 0; i < 8; i++)
            {
                write[i] = (byte)(next >> (8 * i));
            }

            try
            {
                FileStream stream = new FileStream(BootCounterPath, FileMode.Create, FileAccess.Write);
                try
                {
                    stream.Write(write, 0, write.Length);
                    stream.Flush();
                }
                finally
                {
                    stream.Dispose();
                }
            }
            catch (IOException)
            {
                return 0;
            }

            return next;
        }
    }
}
