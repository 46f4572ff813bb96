using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Journal;

namespace ClosedLoop.Engine.Encounters
{
    /// <summary>
    /// Turns contact signals into encounters. The digital input is debounced (a level counts once it has held
    /// for debounce_ms, dated from its edge); messages (a video tracker's start/stop) need no debouncing. Contact
    /// from either source, as configured, drives one state machine:
    /// <code>
    /// Idle --contact--> Pending --held min_duration--> Active (EncounterOn, dated at the first edge)
    /// Pending --released--> Idle (too short: nothing happened)
    /// Active --released--> Ending --contact again within min_gap--> Active (the same encounter)
    /// Ending --min_gap passes--> Idle (EncounterOff, dated at the release)
    /// </code>
    /// Onsets are dated at the contact edge so the detector measures from the real start of the encounter.
    /// An encounter's partner (who, and whether familiar or novel) is the one the contact that began it named: a
    /// message's own, the input's configured novelty; contact resumed within min_gap stays the same encounter and partner.
    /// </summary>
    internal sealed class EncounterTracker
    {
        private const int Idle = 0;
        private const int Pending = 1;
        private const int Active = 2;
        private const int Ending = 3;

        private readonly EncounterSettings _settings;
        private readonly IEncounterListener _listener;

        // Read on every input edge report and poll (several a cycle); the interpreter runs a property read as a call.
        private readonly bool _useDigitalInput;
        private readonly bool _activeHigh;

        private bool _rawLevel;
        private long _rawSinceUs;
        private bool _digitalContact;
        private bool _messageContact;
        private bool _contact;
        private ControlSource _contactSource;
        private long _messagePartner;
        private Novelty _messageNovelty;
        private long _partner;
        private Novelty _novelty;

        private int _state = Idle;
        private long _onsetUs;
        private long _offsetUs;

        public EncounterTracker(EncounterSettings settings, IEncounterListener listener)
        {
            _settings = settings;
            _listener = listener;
            _useDigitalInput = settings.UseDigitalInput;
            _activeHigh = settings.ActiveHigh;
        }

        /// <summary>True from a confirmed onset until the offset is confirmed.</summary>
        public bool IsActive => _state == Active || _state == Ending;

        /// <summary>True from the first contact edge (before confirmation) until the offset is confirmed.</summary>
        public bool IsEngaged => Engaged;

        /// <summary><see cref="IsEngaged"/> as a field for the pipeline, which reads it several times a cycle. Set with the state.</summary>
        internal bool Engaged;

        public long OnsetUs => _onsetUs;

        /// <summary>An edge on the encounter input, as the pin reads it (before active-high mapping).</summary>
        public void OnInput(bool pinLevel, long timeUs)
        {
            if (!_useDigitalInput)
            {
                return;
            }

            bool level = _activeHigh ? pinLevel : !pinLevel;
            if (level == _rawLevel)
            {
                return;
            }

            // The level that is ending may have held long enough to count before this edge.
            CommitDebounced(timeUs);
            _rawLevel = level;
            _rawSinceUs = timeUs;
            if (_settings.DebounceUs == 0)
            {
                CommitDebounced(timeUs);
            }
        }

        /// <summary>
        /// A start (true) or stop (false) message, e.g. from Bonsai or DeepLabCut-Live; a start may name the partner
        /// (<paramref name="partner"/> packed by <see cref="Wire.SenderName"/>, 0 for none) and its novelty.
        /// </summary>
        public void OnMessage(bool contact, long timeUs, long partner, Novelty novelty)
        {
            if (!_settings.UseMessages || contact == _messageContact)
            {
                return;
            }

            _messageContact = contact;
            if (contact)
            {
                _messagePartner = partner;
                _messageNovelty = novelty;
            }

            UpdateContact(timeUs, timeUs, ControlSource.Command);
            Poll(timeUs);
        }

        /// <summary>Advances the time-based transitions to <paramref name="nowUs"/>.</summary>
        public void Poll(long nowUs)
        {
            // Most polls find nothing to do: asked here, without the calls.
            if (_rawLevel != _digitalContact)
            {
                CommitDebounced(nowUs);
            }

            if (_state == Pending || _state == Ending)
            {
                AdvanceTimers(nowUs, nowUs);
            }
        }

        /// <summary>
        /// Makes the transitions due by <paramref name="atUs"/>, reporting them at <paramref name="nowUs"/>, the
        /// moment the engine learnt of them (never earlier than it could have known).
        /// </summary>
        private void AdvanceTimers(long atUs, long nowUs)
        {
            if (_state == Pending && atUs - _onsetUs >= _settings.MinDurationUs)
            {
                SetState(Active);
                _listener.OnEncounterOn(_onsetUs, nowUs, _contactSource, _novelty, _partner);
            }
            else if (_state == Ending && atUs - _offsetUs >= _settings.MinGapUs)
            {
                SetState(Idle);
                _listener.OnEncounterOff(_onsetUs, _offsetUs, nowUs);
            }
        }

        private void SetState(int state)
        {
            _state = state;
            Engaged = state != Idle;
        }

        private void CommitDebounced(long nowUs)
        {
            if (_rawLevel != _digitalContact && nowUs - _rawSinceUs >= _settings.DebounceUs)
            {
                _digitalContact = _rawLevel;
                UpdateContact(_rawSinceUs, nowUs, ControlSource.Input);
            }
        }

        private void UpdateContact(long edgeUs, long nowUs, ControlSource source)
        {
            bool contact = _digitalContact || _messageContact;
            if (contact == _contact)
            {
                return;
            }

            _contact = contact;

            // Catch up on time-based transitions that were due before this edge, in case nobody polled.
            AdvanceTimers(edgeUs, nowUs);
            if (contact)
            {
                if (_state == Idle)
                {
                    SetState(Pending);
                    _onsetUs = edgeUs;
                    _contactSource = source;
                    bool fromMessage = source == ControlSource.Command;
                    _partner = fromMessage ? _messagePartner : 0;
                    _novelty = fromMessage ? _messageNovelty : _settings.InputNovelty;
                    if (_settings.MinDurationUs == 0)
                    {
                        AdvanceTimers(edgeUs, nowUs);
                    }
                }
                else if (_state == Ending)
                {
                    SetState(Active);
                }
            }
            else
            {
                if (_state == Pending)
                {
                    SetState(Idle);
                }
                else if (_state == Active)
                {
                    SetState(Ending);
                    _offsetUs = edgeUs;
                    if (_settings.MinGapUs == 0)
                    {
                        AdvanceTimers(edgeUs, nowUs);
                    }
                }
            }
        }
    }
}
