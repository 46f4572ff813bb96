namespace ClosedLoop.Engine.Wire
{
    /// <summary>
    /// Command messages, e.g.
    /// <c>{"v":1,"cmd":"arm","id":81233,"from":"alice","boot":7,"until_us":93010000000}</c>, with
    /// <c>"from_seq":812</c> for a replay, <c>"offset_us":93000000</c> for a yoke, and for an encounter_start
    /// optionally the partner met, <c>"partner":"stim-02","novelty":"novel"</c> (familiar, novel or unmarked). A command names who sent it
    /// (<c>from</c>, see <see cref="SenderName"/>) and carries an <c>id</c> the rig's answer repeats; it is meant for
    /// one boot of the rig and only until <c>until_us</c> on that boot's clock, so that a command held up anywhere
    /// (retained, queued, redelivered) cannot act late. Stop commands (estop, disarm, session_stop) need only
    /// <c>v</c> and <c>cmd</c>: a panic button must always work. The board reads commands without allocating;
    /// the host writes them with the same code.
    /// </summary>
    public sealed class CommandJson
    {
        public const int Version = 1;
        public const int MaxBytes = 192;

        public static readonly string[] Names = new string[]
        {
            "none", "arm", "disarm", "estop", "session_start", "session_stop", "encounter_start", "encounter_stop", "replay", "yoke", "selftest", "estop_reset", "replay_frames",
        };

        private readonly FlatJson _reader = new FlatJson();
        private readonly JsonWriter _writer = new JsonWriter();

        /// <summary>The last command read (or as much of it as was read).</summary>
        public CommandKind Kind { get; private set; }

        /// <summary>from_seq of a replay, or offset_us of a yoke.</summary>
        public long Argument { get; private set; }

        /// <summary>An encounter_start's partner, packed by <see cref="SenderName"/> (0 when it names none).</summary>
        public long Partner { get; private set; }

        /// <summary>An encounter_start's partner novelty (Unmarked when it says none).</summary>
        public Encounters.Novelty Novelty { get; private set; }

        /// <summary>The command's id (0 when absent).</summary>
        public long Id { get; private set; }

        /// <summary>The sender, packed (<see cref="SenderName"/>; 0 when absent).</summary>
        public long Sender { get; private set; }

        /// <summary>The boot the command is meant for (-1 when absent).</summary>
        public long Boot { get; private set; }

        /// <summary>The last rig time (µs) at which the command may act (-1 when absent).</summary>
        public long UntilUs { get; private set; }

        /// <summary>Why the last read failed (null after success). Constant strings: nothing is allocated.</summary>
        public string Error { get; private set; }

        /// <summary>Stop commands only make a rig safer: they act whatever their age or origin.</summary>
        public static bool IsStop(CommandKind kind)
        {
            return kind == CommandKind.EStop || kind == CommandKind.Disarm || kind == CommandKind.SessionStop;
        }

        public bool TryRead(byte[] bytes, int offset, int length)
        {
            Kind = CommandKind.None;
            Argument = 0;
            Partner = 0;
            Novelty = Encounters.Novelty.Unmarked;
            Id = 0;
            Sender = 0;
            Boot = -1;
            UntilUs = -1;
            Error = null;
            if (length > MaxBytes)
            {
                return Fail("longer than a command may be (192 bytes)");
            }

            if (!_reader.Parse(bytes, offset, length))
            {
                return Fail(_reader.Error == null ? "not a flat JSON object" : _reader.Error);
            }

            long version;
            int field = _reader.IndexOf("v");
            if (field < 0 || !_reader.TryGetLong(field, out version) || version != Version)
            {
                return Fail("missing or unknown schema version 'v' (expected 1)");
            }

            field = _reader.IndexOf("cmd");
            int kind = field < 0 ? -1 : _reader.TextIndex(field, Names);
            if (kind <= 0)
            {
                return Fail("missing or unknown 'cmd'");
            }

            Kind = (CommandKind)kind;
            bool stop = IsStop(Kind);
            long value;
            if (ReadLong("id", out value))
            {
                Id = value;
            }

            field = _reader.IndexOf("from");
            if (field >= 0)
            {
                Sender = _reader.KindOf(field) == JsonValueKind.String ? _reader.PackSender(field) : -1;
                if (Sender < 0)
                {
                    Sender = 0;
                    return Fail("'from' must be a sender name: 1 to 11 characters from a-z 0-9 . _ - @");
                }
            }

            if (ReadLong("boot", out value))
            {
                Boot = value;
            }

            if (ReadLong("until_us", out value))
            {
                UntilUs = value;
            }

            if (!stop && (Id <= 0 || Sender == 0 || Boot < 0 || UntilUs < 0))
            {
                return Fail("a command needs a positive 'id', a 'from' sender, the rig's 'boot' and an 'until_us' deadline");
            }

            if (Kind == CommandKind.Replay || Kind == CommandKind.Yoke || Kind == CommandKind.ReplayFrames)
            {
                string name = ArgumentName(Kind);
                if (!ReadLong(name, out value) || value < 0)
                {
                    return Fail(Kind == CommandKind.Replay ? "replay needs a whole, non-negative 'from_seq'"
                        : Kind == CommandKind.Yoke ? "yoke needs a whole, non-negative 'offset_us'"
                        : "replay_frames needs a whole, non-negative 'from_frame'");
                }

                Argument = value;
            }

            return Kind == CommandKind.EncounterStart ? ReadPartner() : true;
        }

        /// <summary>An encounter_start's optional partner and novelty.</summary>
        private bool ReadPartner()
        {
            int field = _reader.IndexOf("partner");
            if (field >= 0)
            {
                long partner = _reader.PackSender(field);
                if (partner < 0)
                {
                    return Fail("'partner' must be a partner id: 1 to 11 characters from a-z 0-9 . _ - @");
                }

                Partner = partner;
            }

            field = _reader.IndexOf("novelty");
            if (field >= 0)
            {
                int novelty = _reader.KindOf(field) == JsonValueKind.String ? _reader.TextIndex(field, Config.ConfigSchema.Novelties) : -1;
                if (novelty < 0)
                {
                    return Fail("'novelty' must be familiar, novel or unmarked");
                }

                Novelty = (Encounters.Novelty)novelty;
            }

            return true;
        }

        /// <summary>Writes a command; returns the offset after it.</summary>
        public int Write(CommandKind kind, long argument, long id, string sender, long boot, long untilUs, byte[] buffer, int offset)
        {
            return Write(kind, argument, id, sender, boot, untilUs, null, Encounters.Novelty.Unmarked, buffer, offset);
        }

        /// <summary>Writes a command, an encounter_start with its partner (null: none named) and novelty; returns the offset after it.</summary>
        public int Write(CommandKind kind, long argument, long id, string sender, long boot, long untilUs, string partner, Encounters.Novelty novelty, byte[] buffer, int offset)
        {
            _writer.Begin(buffer, offset);
            _writer.Integer("v", Version);
            _writer.Text("cmd", Names[(int)kind]);
            _writer.Integer("id", id);
            _writer.Text("from", sender);
            _writer.Integer("boot", boot);
            _writer.Integer("until_us", untilUs);
            string name = ArgumentName(kind);
            if (name != null)
            {
                _writer.Integer(name, argument);
            }

            if (kind == CommandKind.EncounterStart && partner != null)
            {
                _writer.Text("partner", partner);
            }

            if (kind == CommandKind.EncounterStart && novelty != Encounters.Novelty.Unmarked)
            {
                _writer.Text("novelty", Config.ConfigSchema.Novelties[(int)novelty]);
            }

            return _writer.End();
        }

        /// <summary>The field that carries a command's argument, or null for a command without one.</summary>
        private static string ArgumentName(CommandKind kind)
        {
            switch (kind)
            {
                case CommandKind.Replay:
                    return "from_seq";
                case CommandKind.Yoke:
                    return "offset_us";
                case CommandKind.ReplayFrames:
                    return "from_frame";
                default:
                    return null;
            }
        }

        private bool ReadLong(string name, out long value)
        {
            value = 0;
            int field = _reader.IndexOf(name);
            return field >= 0 && _reader.TryGetLong(field, out value);
        }

        private bool Fail(string error)
        {
            Error = error;
            return false;
        }
    }
}
