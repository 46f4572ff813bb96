namespace ClosedLoop.Engine.Wire
{
    /// <summary>
    /// The MQTT topics of one rig, under a configurable prefix (docs/protocol.md):
    /// <code>
    /// PREFIX/RIG/status       retained; the last will sets it offline
    /// PREFIX/RIG/config       retained desired config (nf.config text), written by the host
    /// PREFIX/RIG/config/ack   the rig's answer: applied or rejected, quoting the hash, with every bad field
    /// PREFIX/RIG/events       QoS 1, never retained: one JSON event a message
    /// PREFIX/RIG/samples      QoS 0: binary sample frames for live views
    /// PREFIX/RIG/commands/USER  arm, disarm, estop, session, encounter, replay, yoke, from broker user USER
    /// PREFIX/RIG/replay/USER    replay requests alone, from broker user USER (the logger)
    /// </code>
    /// A command's sender is the last level of its topic: the broker's ACL lets each user write only under its own
    /// name, so the sender a rig journals is the one the broker proved, not the one a payload claims.
    /// Built once per rig, so publishing reuses the strings.
    /// </summary>
    public sealed class Topics
    {
        public const string StatusLeaf = "status";
        public const string ConfigLeaf = "config";
        public const string ConfigAckLeaf = "config/ack";

        /// <summary>The config in force, written out whole without secrets (retained), so that a log keeps what ran.</summary>
        public const string ConfigAppliedLeaf = "config/applied";
        public const string EventsLeaf = "events";
        public const string SamplesLeaf = "samples";
        public const string CommandsLeaf = "commands";

        /// <summary>Replay requests (the logger's), apart from the commands that act.</summary>
        public const string ReplayLeaf = "replay";

        /// <summary>Who and what each session is about (subject, experimenter, note, UTC), from the host; never read by rigs.</summary>
        public const string SessionsLeaf = "sessions";

        /// <summary>Where each trigger relayed to a yoked rig came from (partner rig, boot and train), from the host; never read by rigs.</summary>
        public const string YokesLeaf = "yokes";

        /// <summary>Who sent each command from the console, from where, and the rig's answer, from the host; never read by rigs.</summary>
        public const string AuditLeaf = "audit";

        public Topics(string prefix, string rigId)
        {
            Prefix = prefix;
            RigId = rigId;
            string root = prefix + "/" + rigId + "/";
            Status = root + StatusLeaf;
            Config = root + ConfigLeaf;
            ConfigAck = root + ConfigAckLeaf;
            ConfigApplied = root + ConfigAppliedLeaf;
            Events = root + EventsLeaf;
            Samples = root + SamplesLeaf;
            Commands = root + CommandsLeaf;
            CommandsFilter = Commands + "/+";
            Replay = root + ReplayLeaf;
            ReplayFilter = Replay + "/+";
            Sessions = root + SessionsLeaf;
            Yokes = root + YokesLeaf;
            Audit = root + AuditLeaf;
        }

        public string Prefix { get; private set; }

        public string RigId { get; private set; }

        public string Status { get; private set; }

        public string Config { get; private set; }

        public string ConfigAck { get; private set; }

        public string ConfigApplied { get; private set; }

        public string Events { get; private set; }

        public string Samples { get; private set; }

        /// <summary>The level under which each user's commands arrive (<see cref="CommandsFrom"/>).</summary>
        public string Commands { get; private set; }

        /// <summary>What the rig subscribes to for commands: every user's.</summary>
        public string CommandsFilter { get; private set; }

        /// <summary>The level under which each user's replay requests arrive (<see cref="ReplayFrom"/>).</summary>
        public string Replay { get; private set; }

        /// <summary>What the rig subscribes to for replay requests.</summary>
        public string ReplayFilter { get; private set; }

        /// <summary>Where <paramref name="sender"/> (its broker user) publishes commands for this rig.</summary>
        public string CommandsFrom(string sender)
        {
            return Commands + "/" + sender;
        }

        /// <summary>Where <paramref name="sender"/> (its broker user) publishes the console's audit of a command it sent.</summary>
        public string AuditFrom(string sender)
        {
            return Audit + "/" + sender;
        }

        /// <summary>Where <paramref name="sender"/> (its broker user) publishes replay requests for this rig.</summary>
        public string ReplayFrom(string sender)
        {
            return Replay + "/" + sender;
        }

        /// <summary>
        /// True when <paramref name="topic"/> is one of this rig's command topics: <paramref name="sender"/> is its last
        /// level and <paramref name="replayOnly"/> says it is the replay topic.
        /// </summary>
        public bool TryCommandTopic(string topic, out string sender, out bool replayOnly)
        {
            replayOnly = false;
            if (SenderAfter(topic, Commands, out sender))
            {
                return true;
            }

            replayOnly = true;
            return SenderAfter(topic, Replay, out sender);
        }

        private static bool SenderAfter(string topic, string level, out string sender)
        {
            sender = null;
            if (topic == null || topic.Length <= level.Length + 1 || !topic.StartsWith(level) || topic[level.Length] != '/' || topic.IndexOf('/', level.Length + 1) >= 0)
            {
                return false;
            }

            sender = topic.Substring(level.Length + 1);
            return true;
        }

        public string Sessions { get; private set; }

        public string Yokes { get; private set; }

        public string Audit { get; private set; }

        /// <summary>True when a topic level could be a rig's id, as nf.config's rig.id allows it.</summary>
        public static bool IsRigId(string level)
        {
            return ClosedLoop.Engine.Config.ConfigValidator.IsRigId(level);
        }

        /// <summary>
        /// Splits a topic into its rig and leaf when it lies under <paramref name="prefix"/>; false otherwise.
        /// </summary>
        public static bool TryParse(string prefix, string topic, out string rigId, out string leaf)
        {
            rigId = null;
            leaf = null;
            if (topic == null || topic.Length <= prefix.Length + 1 || !topic.StartsWith(prefix) || topic[prefix.Length] != '/')
            {
                return false;
            }

            int rigStart = prefix.Length + 1;
            int slash = topic.IndexOf('/', rigStart);
            if (slash <= rigStart || slash == topic.Length - 1)
            {
                return false;
            }

            rigId = topic.Substring(rigStart, slash - rigStart);
            leaf = topic.Substring(slash + 1);
            return true;
        }
    }
}
