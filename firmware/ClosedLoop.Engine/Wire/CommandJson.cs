namespace ClosedLoop.Engine.Wire
{
    /// <summary>
    /// Command messages, e.g. <c>{"v":1,"cmd":"arm"}</c>, <c>{"v":1,"cmd":"replay","from_seq":812}</c>,
    /// <c>{"v":1,"cmd":"yoke","offset_us":93000000}</c>. The board reads them without allocating; the host writes
    /// them with the same code.
    /// </summary>
    public sealed class CommandJson
    {
        public const int Version = 1;
        public const int MaxBytes = 128;

        public static readonly string[] Names = new string[]
        {
            "none", "arm", "disarm", "estop", "session_start", "session_stop", "encounter_start", "encounter_stop", "replay", "yoke", "selftest",
        };

        private readonly FlatJson _reader = new FlatJson();
        private readonly JsonWriter _writer = new JsonWriter();

        /// <summary>The last command read.</summary>
        public CommandKind Kind { get; private set; }

        /// <summary>from_seq of a replay, or offset_us of a yoke.</summary>
        public long Argument { get; private set; }

        /// <summary>Why the last read failed (null after success). Constant strings: nothing is allocated.</summary>
        public string Error { get; private set; }

        public bool TryRead(byte[] bytes, int offset, int length)
        {
            Kind = CommandKind.None;
            Argument = 0;
            Error = null;
            if (!_reader.Parse(bytes, offset, length))
            {
                Error = "not a flat JSON object";
                return false;
            }

            long version;
            int field = _reader.IndexOf("v");
            if (field < 0 || !_reader.TryGetLong(field, out version) || version != Version)
            {
                Error = "missing or unknown schema version 'v' (expected 1)";
                return false;
            }

            field = _reader.IndexOf("cmd");
            int kind = field < 0 ? -1 : _reader.TextIndex(field, Names);
            if (kind <= 0)
            {
                Error = "missing or unknown 'cmd'";
                return false;
            }

            if (kind == (int)CommandKind.Replay || kind == (int)CommandKind.Yoke)
            {
                long argument;
                field = _reader.IndexOf(kind == (int)CommandKind.Replay ? "from_seq" : "offset_us");
                if (field < 0 || !_reader.TryGetLong(field, out argument) || argument < 0)
                {
                    Error = kind == (int)CommandKind.Replay ? "replay needs a whole, non-negative 'from_seq'" : "yoke needs a whole, non-negative 'offset_us'";
                    return false;
                }

                Argument = argument;
            }

            Kind = (CommandKind)kind;
            return true;
        }

        /// <summary>Writes a command; returns the offset after it.</summary>
        public int Write(CommandKind kind, long argument, byte[] buffer, int offset)
        {
            _writer.Begin(buffer, offset);
            _writer.Integer("v", Version);
            _writer.Text("cmd", Names[(int)kind]);
            if (kind == CommandKind.Replay)
            {
                _writer.Integer("from_seq", argument);
            }
            else if (kind == CommandKind.Yoke)
            {
                _writer.Integer("offset_us", argument);
            }

            return _writer.End();
        }
    }
}
