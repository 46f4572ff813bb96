using ClosedLoop.Engine.Output;

namespace ClosedLoop.Engine.Wire
{
    /// <summary>What a link must do after a command the engine cannot do alone.</summary>
    public interface ICommandEffects
    {
        /// <summary>Publish every journaled event from <paramref name="fromSequence"/> on, and say which are gone.</summary>
        void Replay(long fromSequence);

        /// <summary>Publish every sample frame still held from <paramref name="fromFrame"/> on, and report those gone (<see cref="ClosedLoopEngine.ReportFramesLost"/>).</summary>
        void ReplayFrames(long fromFrame);

        /// <summary>Run the output timing self-test (the board measures; a virtual rig says it has no hardware).</summary>
        void SelfTest();
    }

    /// <summary>
    /// Applies command messages to the engine, the same way on the board and in the virtual rig, and answers them
    /// with <c>command</c> events that name the id and the sender and say whether it was accepted or why not.
    /// A command acts only when it is fresh: not delivered as a retained message, meant for this boot, before its
    /// deadline (which may lie at most <see cref="MaxLifetimeUs"/> ahead), and not seen before. Stop commands act
    /// whatever their age. A message that is not a valid command is answered as malformed, never thrown.
    /// <list type="bullet">
    /// <item>The sender journaled is the last level of the topic the command came on (<see cref="Topics.CommandsFrom"/>),
    /// which the broker's ACL grants to that user alone; the payload's <c>from</c> is only a claim.</item>
    /// <item>On the replay topic only replay requests are taken (the logger's account may ask for replays, never act).</item>
    /// <item>The journal is the rig's memory of what happened, so chatter must not crowd it out: replay requests are
    /// answered by the replay itself, not journaled (or every answer would be a new event, and so a new gap to
    /// ask about); a refusal is journaled at most once per <see cref="RefusalJournalIntervalUs"/>, and the others
    /// are counted (<see cref="ClosedLoopEngine.UnjournaledRefusals"/>, in the rig's status).</item>
    /// </list>
    /// </summary>
    public sealed class CommandDispatcher
    {
        /// <summary>How far ahead of the rig's clock a command's deadline may lie.</summary>
        public const long MaxLifetimeUs = 60000000;

        /// <summary>
        /// The shortest time between two replays a rig serves: each re-publishes everything from its first
        /// sequence, so a flood of requests (forged, or from many loggers) must not keep the link busy.
        /// </summary>
        public const long MinReplayIntervalUs = 1000000;

        /// <summary>The shortest time between two journaled refusals: a flood of bad commands is counted, not journaled.</summary>
        public const long RefusalJournalIntervalUs = 1000000;

        /// <summary>How many recent command ids are remembered to recognise redeliveries.</summary>
        public const int RememberedIds = 64;

        private readonly ClosedLoopEngine _engine;
        private readonly ICommandEffects _effects;
        private readonly CommandJson _json = new CommandJson();
        private readonly long[] _recentIds = new long[RememberedIds];
        private int _nextId;
        private long _lastReplayUs = long.MinValue;
        private long _lastFrameReplayUs = long.MinValue;
        private long _lastRefusalJournaledUs = long.MinValue;

        public CommandDispatcher(ClosedLoopEngine engine, ICommandEffects effects)
        {
            _engine = engine;
            _effects = effects;
        }

        /// <summary>Commands that could not be read.</summary>
        public long Rejected { get; private set; }

        /// <summary>Why the last command could not be read (null when it could).</summary>
        public string LastError { get; private set; }

        /// <summary>
        /// Reads, checks and applies one command message that came on one of the rig's
        /// <see cref="Topics.TryCommandTopic">command topics</see>, whose last level is <paramref name="topicSender"/>
        /// and which is the replay topic when <paramref name="replayTopic"/>; <paramref name="retained"/> is the MQTT
        /// retain flag it arrived with. Returns the answer (None = accepted).
        /// </summary>
        public RefusalReason Dispatch(byte[] bytes, int offset, int length, bool retained, string topicSender, bool replayTopic)
        {
            long sender = SenderName.Pack(topicSender);
            RefusalReason result;
            if (!_json.TryRead(bytes, offset, length))
            {
                Rejected++;
                LastError = _json.Error;
                result = RefusalReason.Malformed;
            }
            else if (sender <= 0)
            {
                Rejected++;
                LastError = "the topic's sender level is not a sender name (" + SenderName.Rule + ")";
                result = RefusalReason.Malformed;
            }
            else if (replayTopic && !IsReplay(_json.Kind))
            {
                LastError = null;
                result = RefusalReason.WrongTopic;
            }
            else
            {
                LastError = null;
                result = CommandJson.IsStop(_json.Kind) ? Apply() : Freshness(retained);
                if (result == RefusalReason.None && !CommandJson.IsStop(_json.Kind))
                {
                    Remember(_json.Id);
                    result = Apply();
                }
            }

            Answer(result, sender > 0 ? sender : 0);
            return result;
        }

        private static bool IsReplay(CommandKind kind)
        {
            return kind == CommandKind.Replay || kind == CommandKind.ReplayFrames;
        }

        private void Answer(RefusalReason result, long sender)
        {
            if (IsReplay(_json.Kind) && result != RefusalReason.Malformed)
            {
                return;
            }

            if (result != RefusalReason.None)
            {
                long now = _engine.Clock.NowMicros;
                if (_lastRefusalJournaledUs != long.MinValue && now - _lastRefusalJournaledUs < RefusalJournalIntervalUs)
                {
                    _engine.CountUnjournaledRefusal();
                    return;
                }

                _lastRefusalJournaledUs = now;
            }

            _engine.ReportCommand(_json.Kind, result, _json.Id, sender);
        }

        private RefusalReason Freshness(bool retained)
        {
            long now = _engine.Clock.NowMicros;
            if (retained)
            {
                return RefusalReason.Retained;
            }

            if (_json.Boot != _engine.Journal.BootId)
            {
                return RefusalReason.OtherBoot;
            }

            if (now > _json.UntilUs)
            {
                return RefusalReason.Stale;
            }

            if (_json.UntilUs - now > MaxLifetimeUs)
            {
                return RefusalReason.DeadlineTooFar;
            }

            return Seen(_json.Id) ? RefusalReason.Duplicate : RefusalReason.None;
        }

        private RefusalReason Apply()
        {
            switch (_json.Kind)
            {
                case CommandKind.Arm:
                    return _engine.Arm();
                case CommandKind.Disarm:
                    _engine.Disarm();
                    return RefusalReason.None;
                case CommandKind.EStop:
                    _engine.EStop();
                    return RefusalReason.None;
                case CommandKind.EStopReset:
                    return _engine.ResetEStop();
                case CommandKind.SessionStart:
                    return _engine.StartSession();
                case CommandKind.SessionStop:
                    _engine.StopSession();
                    return RefusalReason.None;
                case CommandKind.EncounterStart:
                    _engine.OnEncounterMessage(true, _json.Partner, _json.Novelty);
                    return RefusalReason.None;
                case CommandKind.EncounterStop:
                    _engine.OnEncounterMessage(false);
                    return RefusalReason.None;
                case CommandKind.Replay:
                    if (TooSoon(ref _lastReplayUs))
                    {
                        return RefusalReason.RateLimited;
                    }

                    _effects.Replay(_json.Argument);
                    return RefusalReason.None;
                case CommandKind.ReplayFrames:
                    if (TooSoon(ref _lastFrameReplayUs))
                    {
                        return RefusalReason.RateLimited;
                    }

                    _effects.ReplayFrames(_json.Argument);
                    return RefusalReason.None;
                case CommandKind.Yoke:
                    return _engine.AddYokedTrigger(_json.Argument);
                case CommandKind.SelfTest:
                    RefusalReason refusal = _engine.SelfTestRefusal();
                    if (refusal == RefusalReason.None)
                    {
                        _effects.SelfTest();
                    }

                    return refusal;
                default:
                    return RefusalReason.Malformed;
            }
        }

        /// <summary>True when the last replay of this kind was less than <see cref="MinReplayIntervalUs"/> ago; otherwise records now.</summary>
        private bool TooSoon(ref long lastUs)
        {
            long now = _engine.Clock.NowMicros;
            if (lastUs != long.MinValue && now - lastUs < MinReplayIntervalUs)
            {
                return true;
            }

            lastUs = now;
            return false;
        }

        private bool Seen(long id)
        {
            for (int i = 0; i < _recentIds.Length; i++)
            {
                if (_recentIds[i] == id)
                {
                    return true;
                }
            }

            return false;
        }

        private void Remember(long id)
        {
            _recentIds[_nextId] = id;
            _nextId = (_nextId + 1) % _recentIds.Length;
        }
    }
}
