namespace ClosedLoop.Engine.Wire
{
    /// <summary>What a link must do after a command the engine cannot do alone.</summary>
    public interface ICommandEffects
    {
        /// <summary>Publish every journaled event from <paramref name="fromSequence"/> on, and say which are gone.</summary>
        void Replay(long fromSequence);

        /// <summary>Run the output timing self-test (the board measures; a virtual rig says it has no hardware).</summary>
        void SelfTest();
    }

    /// <summary>
    /// Applies command messages to the engine, the same way on the board and in the virtual rig. A message that
    /// is not a valid command is counted and reported, never thrown.
    /// </summary>
    public sealed class CommandDispatcher
    {
        private readonly ClosedLoopEngine _engine;
        private readonly ICommandEffects _effects;
        private readonly CommandJson _json = new CommandJson();

        public CommandDispatcher(ClosedLoopEngine engine, ICommandEffects effects)
        {
            _engine = engine;
            _effects = effects;
        }

        /// <summary>Commands that could not be read.</summary>
        public long Rejected { get; private set; }

        /// <summary>Why the last command was refused (null when it was applied).</summary>
        public string LastError { get; private set; }

        public bool Dispatch(byte[] bytes, int offset, int length)
        {
            if (!_json.TryRead(bytes, offset, length))
            {
                Rejected++;
                LastError = _json.Error;
                return false;
            }

            LastError = null;
            switch (_json.Kind)
            {
                case CommandKind.Arm:
                    _engine.Arm();
                    break;
                case CommandKind.Disarm:
                    _engine.Disarm();
                    break;
                case CommandKind.EStop:
                    _engine.EStop();
                    break;
                case CommandKind.SessionStart:
                    _engine.StartSession();
                    break;
                case CommandKind.SessionStop:
                    _engine.StopSession();
                    break;
                case CommandKind.EncounterStart:
                    _engine.OnEncounterMessage(true);
                    break;
                case CommandKind.EncounterStop:
                    _engine.OnEncounterMessage(false);
                    break;
                case CommandKind.Replay:
                    _effects.Replay(_json.Argument);
                    break;
                case CommandKind.Yoke:
                    _engine.AddYokedTrigger(_json.Argument);
                    break;
                case CommandKind.SelfTest:
                    _effects.SelfTest();
                    break;
            }

            return true;
        }
    }
}
