using ClosedLoop.Engine.Journal;

namespace ClosedLoop.Engine.Wire
{
    /// <summary>
    /// Events as JSON any MQTT tool can read, e.g.
    /// <code>{"v":1,"rig":"rig-01","boot":7,"seq":42,"t_us":183500000,"kind":"decision","outcome":"deficit","onset_us":180400000,"latency_us":3100000,"dz":-0.21,"pre_z":0.05}</code>
    /// The board writes them without allocating; the host reads them back with <see cref="TryRead"/>. Schema
    /// version <see cref="Version"/>; a reader refuses other versions rather than guess.
    /// </summary>
    public sealed class EventJson
    {
        public const int Version = 1;

        /// <summary>Enough for the longest event with a 32-character rig id.</summary>
        public const int MaxEventBytes = 512;

        public static readonly string[] Sources = new string[] { "command", "input", "engine" };

        public static readonly string[] Outcomes = new string[] { "response", "deficit", "drop", "insufficient", "overlap" };

        public static readonly string[] Channels = new string[] { "opto", "dose" };

        public static readonly string[] Reasons = new string[]
        {
            "none", "estop_latched", "not_armed", "no_session", "busy", "refractory", "min_interval", "max_duty",
            "max_train_length", "max_trains_per_hour", "max_trains_per_session", "max_cumulative_dose",
            "plan_too_large", "invalid_train", "estop_input_active", "self_test_running", "retained", "stale",
            "deadline_too_far", "other_boot", "duplicate", "malformed", "armed", "in_session", "not_yoked", "queue_full", "rate_limited",
            "acquisition_too_slow", "wrong_topic", "interlock_mismatch",
        };

        /// <summary>A command's answer: the refusal reasons, with "accepted" where nothing refused it.</summary>
        public static readonly string[] CommandResults = CommandResultWords();

        public static readonly string[] SelfTestResults = new string[] { "none", "passed", "failed", "refused", "no_signal", "no_hardware" };

        public static readonly string[] Faults = new string[] { "none", "time_went_backwards", "acquisition_stalled", "output_driver", "board", "excitation_timing", "signal_lost", "duplicate_rig_id", "acquisition_rate", "interlock" };

        /// <summary>An acquisition_measured event's verdict on the acquisition plan.</summary>
        public static readonly string[] PlanVerdicts = new string[] { "met", "not_met", "unmeasured" };

        public static readonly string[] OutputFlagNames = new string[] { "sham", "yoked", "scheduled", "aborted" };

        /// <summary>Decision flag bits, in the order of <see cref="Detection.DecisionFlags"/>'s bits.</summary>
        public static readonly string[] DecisionFlagNames = new string[] { "early" };

        private static readonly EventLayout[] s_layouts = BuildLayouts();

        private readonly JsonWriter _writer = new JsonWriter();
        private readonly FlatJson _reader = new FlatJson();
        private readonly char[] _sender = new char[SenderName.MaxLength];

        /// <summary>The layout of a kind, or null for an unknown kind.</summary>
        public static EventLayout LayoutOf(EventKind kind)
        {
            int index = (int)kind;
            return index > 0 && index < s_layouts.Length ? s_layouts[index] : null;
        }

        /// <summary>The kind whose name is <paramref name="name"/>, or 0.</summary>
        public static EventKind KindNamed(string name)
        {
            for (int i = 1; i < s_layouts.Length; i++)
            {
                if (s_layouts[i].KindName == name)
                {
                    return (EventKind)i;
                }
            }

            return 0;
        }

        /// <summary>Writes the event at <paramref name="offset"/> and returns the offset after it.</summary>
        public int Write(string rigId, long bootId, JournalEvent e, byte[] buffer, int offset)
        {
            EventLayout layout = LayoutOf(e.Kind);
            JsonWriter w = _writer;
            w.Begin(buffer, offset);
            w.Integer("v", Version);
            w.Text("rig", rigId);
            w.Integer("boot", bootId);
            w.Integer("seq", e.Sequence);
            w.Integer("t_us", e.TimeUs);
            if (layout == null)
            {
                w.Text("kind", "unknown");
                w.Integer("kind_code", (int)e.Kind);
                return w.End();
            }

            w.Text("kind", layout.KindName);
            if (layout.CodeName != null)
            {
                WriteCoded(w, layout.CodeName, layout.CodeWords, e.Code);
            }

            if (layout.FlagsName != null)
            {
                WriteCoded(w, layout.FlagsName, layout.FlagsWords, e.Flags);
            }

            if (layout.FlagBitNames != null)
            {
                for (int bit = 0; bit < layout.FlagBitNames.Length; bit++)
                {
                    w.Boolean(layout.FlagBitNames[bit], (e.Flags & (1 << bit)) != 0);
                }
            }

            if (layout.Ref1Name != null)
            {
                if (layout.Ref1IsHash)
                {
                    w.Hex(layout.Ref1Name, e.Ref1);
                }
                else
                {
                    w.Integer(layout.Ref1Name, e.Ref1);
                }
            }

            if (layout.Ref2Name != null)
            {
                if (layout.Ref2IsSender)
                {
                    w.Chars(layout.Ref2Name, _sender, SenderName.Unpack(e.Ref2, _sender));
                }
                else
                {
                    w.Integer(layout.Ref2Name, e.Ref2);
                }
            }

            if (layout.Value1Name != null)
            {
                w.Number(layout.Value1Name, e.Value1);
            }

            if (layout.Value2Name != null)
            {
                w.Number(layout.Value2Name, e.Value2);
            }

            return w.End();
        }

        /// <summary>
        /// Reads an event. On success fills <paramref name="into"/> and returns null; otherwise returns what is
        /// wrong (the caller logs it as a fault with its topic). Rig and boot come back through <paramref name="identity"/>.
        /// </summary>
        public string TryRead(byte[] bytes, int offset, int length, JournalEvent into, EventIdentity identity)
        {
            FlatJson r = _reader;
            if (!r.Parse(bytes, offset, length))
            {
                return "not a flat JSON object: " + r.Error + " at byte " + r.ErrorOffset.ToString();
            }

            long version;
            int field = r.IndexOf("v");
            if (field < 0 || !r.TryGetLong(field, out version))
            {
                return "missing schema version field 'v'";
            }

            if (version != Version)
            {
                return "unknown schema version " + version.ToString() + "; this reader knows version " + Version.ToString();
            }

            field = r.IndexOf("rig");
            if (field < 0 || r.KindOf(field) != JsonValueKind.String)
            {
                return "missing text field 'rig'";
            }

            identity.RigId = r.GetText(field);
            long boot;
            long sequence;
            long time;
            string missing = RequireLong(r, "boot", out boot);
            if (missing == null)
            {
                missing = RequireLong(r, "seq", out sequence);
            }
            else
            {
                sequence = 0;
            }

            if (missing == null)
            {
                missing = RequireLong(r, "t_us", out time);
            }
            else
            {
                time = 0;
            }

            if (missing != null)
            {
                return missing;
            }

            // A journal numbers its events from 1 and boots from 0: anything else is not a rig's event, and stored
            // it would open holes no rig can fill.
            if (boot < 0)
            {
                return "'boot' is negative: boots are numbered from 0";
            }

            if (sequence < 1)
            {
                return "'seq' is below 1: a rig numbers its events from 1";
            }

            identity.BootId = boot;
            field = r.IndexOf("kind");
            if (field < 0 || r.KindOf(field) != JsonValueKind.String)
            {
                return "missing text field 'kind'";
            }

            EventKind kind = KindNamed(r.GetText(field));
            EventLayout layout = LayoutOf(kind);
            if (layout == null)
            {
                return "unknown event kind '" + r.GetText(field) + "'";
            }

            into.Clear();
            into.Sequence = sequence;
            into.TimeUs = time;
            into.Kind = kind;
            string problem = null;
            if (layout.CodeName != null)
            {
                problem = ReadCoded(r, layout.CodeName, layout.CodeWords, out into.Code);
            }

            if (problem == null && layout.FlagsName != null && !Absent(r, layout, layout.FlagsName))
            {
                problem = ReadCoded(r, layout.FlagsName, layout.FlagsWords, out into.Flags);
            }

            if (problem == null && layout.FlagBitNames != null)
            {
                for (int bit = 0; bit < layout.FlagBitNames.Length; bit++)
                {
                    bool set;
                    field = r.IndexOf(layout.FlagBitNames[bit]);
                    if (field < 0 && layout.FlagBitsOptional)
                    {
                        continue;
                    }

                    if (field < 0 || !r.TryGetBoolean(field, out set))
                    {
                        problem = "missing true/false field '" + layout.FlagBitNames[bit] + "'";
                        break;
                    }

                    if (set)
                    {
                        into.Flags |= 1 << bit;
                    }
                }
            }

            if (problem == null && layout.Ref1Name != null)
            {
                problem = layout.Ref1IsHash ? ReadHash(r, layout.Ref1Name, out into.Ref1) : RequireLong(r, layout.Ref1Name, out into.Ref1);
            }

            if (problem == null && layout.Ref2Name != null && !Absent(r, layout, layout.Ref2Name))
            {
                problem = layout.Ref2IsSender ? ReadSender(r, layout.Ref2Name, out into.Ref2) : RequireLong(r, layout.Ref2Name, out into.Ref2);
            }

            if (problem == null && layout.Value1Name != null)
            {
                problem = RequireDouble(r, layout.Value1Name, out into.Value1);
            }

            if (problem == null && layout.Value2Name != null)
            {
                problem = RequireDouble(r, layout.Value2Name, out into.Value2);
            }

            return problem;
        }

        /// <summary>True for a field added after logs were written that this event does not carry (it reads as 0).</summary>
        private static bool Absent(FlatJson r, EventLayout layout, string name)
        {
            return layout.FlagsAndRef2AddedLater && r.IndexOf(name) < 0;
        }

        private static void WriteCoded(JsonWriter w, string name, string[] words, int value)
        {
            if (words != null && value >= 0 && value < words.Length)
            {
                w.Text(name, words[value]);
            }
            else
            {
                w.Integer(name, value);
            }
        }

        private static string ReadCoded(FlatJson r, string name, string[] words, out int value)
        {
            value = 0;
            int field = r.IndexOf(name);
            if (field < 0)
            {
                return "missing field '" + name + "'";
            }

            if (words != null && r.KindOf(field) == JsonValueKind.String)
            {
                value = r.TextIndex(field, words);
                return value < 0 ? "unknown " + name + " '" + r.GetText(field) + "'" : null;
            }

            long number;
            if (!r.TryGetLong(field, out number) || number < int.MinValue || number > int.MaxValue)
            {
                return "field '" + name + "' is neither a known word nor a whole number";
            }

            value = (int)number;
            return null;
        }

        private static string RequireLong(FlatJson r, string name, out long value)
        {
            value = 0;
            int field = r.IndexOf(name);
            if (field < 0 || !r.TryGetLong(field, out value))
            {
                return "missing whole-number field '" + name + "'";
            }

            return null;
        }

        private static string RequireDouble(FlatJson r, string name, out double value)
        {
            value = double.NaN;
            int field = r.IndexOf(name);
            if (field < 0 || !r.TryGetDouble(field, out value))
            {
                return "missing number field '" + name + "'";
            }

            return null;
        }

        private static string ReadSender(FlatJson r, string name, out long bits)
        {
            bits = 0;
            int field = r.IndexOf(name);
            if (field < 0 || r.KindOf(field) != JsonValueKind.String)
            {
                return "missing text field '" + name + "'";
            }

            string text = r.GetText(field);
            if (text.Length == 0)
            {
                // An unnamed sender (a bare stop command) is journaled as 0.
                return null;
            }

            bits = SenderName.Pack(text);
            return bits < 0 ? "field '" + name + "' is not a sender name (" + SenderName.Rule + ")" : null;
        }

        private static string ReadHash(FlatJson r, string name, out long bits)
        {
            bits = 0;
            int field = r.IndexOf(name);
            if (field < 0 || r.KindOf(field) != JsonValueKind.String)
            {
                return "missing hash field '" + name + "'";
            }

            string text = r.GetText(field);
            if (text.Length != 16)
            {
                return "field '" + name + "' is not 16 hex digits";
            }

            for (int i = 0; i < text.Length; i++)
            {
                char c = text[i];
                int digit = c >= '0' && c <= '9' ? c - '0' : (c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1);
                if (digit < 0)
                {
                    return "field '" + name + "' is not 16 hex digits";
                }

                bits = (bits << 4) | (long)digit;
            }

            return null;
        }

        private static EventLayout[] BuildLayouts()
        {
            EventLayout[] l = new EventLayout[26];
            l[(int)EventKind.Boot] = Hashed("boot");
            l[(int)EventKind.ConfigApplied] = Hashed("config_applied");
            l[(int)EventKind.ConfigRejected] = Hashed("config_rejected").Code("errors", null);
            l[(int)EventKind.Armed] = Sourced("armed");
            l[(int)EventKind.Disarmed] = Sourced("disarmed");
            l[(int)EventKind.EStop] = Sourced("estop");
            l[(int)EventKind.SessionStarted] = new EventLayout("session_started");
            l[(int)EventKind.SessionStopped] = new EventLayout("session_stopped").Refs("trains", "refusals").Values("opto_dose", "dose_dose");
            l[(int)EventKind.EncounterOn] = Sourced("encounter_on").Flags("novelty", Config.ConfigSchema.Novelties).Refs("onset_us", null)
                .SenderRef2("partner").AddedLater();
            l[(int)EventKind.EncounterOff] = new EventLayout("encounter_off").Refs("offset_us", "onset_us");
            l[(int)EventKind.Decision] = new EventLayout("decision").Code("outcome", Outcomes).Refs("onset_us", "latency_us")
                .Values("dz", "pre_z").FlagBits(DecisionFlagNames, true);
            l[(int)EventKind.DecisionScored] = new EventLayout("decision_scored").Code("outcome", Outcomes).Flags("early_outcome", Outcomes)
                .Refs("onset_us", "early_latency_us").Values("dz", "early_boundary");
            l[(int)EventKind.OutputStarted] = Channeled("output_started").FlagBits(OutputFlagNames, false).Refs("end_us", "pulses")
                .Values("dose", "cumulative_dose");
            l[(int)EventKind.OutputStopped] = Channeled("output_stopped").FlagBits(OutputFlagNames, false).Refs("start_us", null);
            l[(int)EventKind.OutputRefused] = Channeled("output_refused").Flags("reason", Reasons).Values("value", "limit");
            l[(int)EventKind.Fault] = new EventLayout("fault").Code("fault", Faults).Refs("detail", null);
            l[(int)EventKind.DataGap] = new EventLayout("data_gap").Refs("first_cycle", "cycles");
            l[(int)EventKind.ArmRefused] = Sourced("arm_refused").Flags("reason", Reasons);
            l[(int)EventKind.SyncStarted] = new EventLayout("sync_started").Refs("period_us", "width_us");
            l[(int)EventKind.SelfTest] = new EventLayout("self_test").Code("result", SelfTestResults).Refs("pulses_sent", "pulses_measured")
                .Values("max_width_error_us", "max_period_error_us");
            l[(int)EventKind.EventsLost] = new EventLayout("events_lost").Refs("first_seq", "count");
            l[(int)EventKind.Command] = new EventLayout("command").Code("cmd", CommandJson.Names).Flags("result", CommandResults)
                .Refs("id", null).SenderRef2("from");
            l[(int)EventKind.EStopReset] = Sourced("estop_reset");
            l[(int)EventKind.AcquisitionMeasured] = new EventLayout("acquisition_measured").Code("plan", PlanVerdicts).Flags("min_readings", null)
                .Refs("reading_us", "longest_start_us").Values("readings_per_phase", "short_share");
            l[(int)EventKind.FramesLost] = new EventLayout("frames_lost").Refs("first_frame", "count");
            return l;
        }

        private static string[] CommandResultWords()
        {
            string[] words = new string[Reasons.Length];
            System.Array.Copy(Reasons, words, Reasons.Length);
            words[(int)Output.RefusalReason.None] = "accepted";
            return words;
        }

        private static EventLayout Hashed(string name) => new EventLayout(name).HashRef1("config");

        private static EventLayout Sourced(string name) => new EventLayout(name).Code("source", Sources);

        private static EventLayout Channeled(string name) => new EventLayout(name).Code("channel", Channels);
    }
}
