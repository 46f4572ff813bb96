using ClosedLoop.Engine.Acquisition;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Core;
using ClosedLoop.Engine.Detection;
using ClosedLoop.Engine.Encounters;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Output;
using ClosedLoop.Engine.Processing;

namespace ClosedLoop.Engine
{
    /// <summary>
    /// The closed loop, whole: raw readings in; cycles, dF/F, z, encounters, decisions and gated outputs out;
    /// every event journaled. The board, the virtual rig and the tests drive this one class the same way:
    /// <list type="bullet">
    /// <item><see cref="OnReading(long, int)"/> for each timestamped photodiode reading (<see cref="OnReading(long, long, int)"/> when only an interval is known);</item>
    /// <item><see cref="OnEncounterInput"/>, <see cref="OnArmInput"/>, <see cref="OnEStopInput"/> for input edges;</item>
    /// <item>commands (<see cref="Arm"/>, <see cref="EStop"/>, <see cref="StartSession"/>, <see cref="OnEncounterMessage(bool, long, Novelty)"/>, ...);</item>
    /// <item><see cref="Poll"/> often (every few ms) so that timed transitions happen without readings.</item>
    /// </list>
    /// Calls must come from one thread. After construction nothing on these paths allocates.
    /// </summary>
    public sealed class ClosedLoopEngine
    {
        private readonly IClock _clock;
        private readonly IExcitation _excitation;
        private readonly TimedOutputChannel _opto;
        private readonly TimedOutputChannel _dose;
        private readonly CycleSample _recorded = new CycleSample();
        private readonly InterlockMonitor _interlock = new InterlockMonitor();
        private EventJournal _journal;
        private Pipeline _pipeline;
        private IProcessedSampleSink _sampleSink;
        private readonly Wire.IdentityWatch _identity;

        public ClosedLoopEngine(RigConfig config, IClock clock, long bootId, IExcitation excitation, IOutputChannel opto, IOutputChannel dose)
        {
            _clock = clock;
            _excitation = excitation;
            _opto = new TimedOutputChannel(opto, clock);
            _dose = new TimedOutputChannel(dose, clock);

            // Outputs low before anything else can happen.
            opto.ForceLow();
            dose.ForceLow();
            _journal = new EventJournal(config.JournalCapacity, config.RigId, bootId);
            _identity = new Wire.IdentityWatch(bootId);
            _pipeline = new Pipeline(this, config, excitation.Start(config.Acquisition), 0);
            _journal.Boot(_clock.NowMicros, HashBits(config.Hash));
        }

        public RigConfig Config => _pipeline.Config;

        /// <summary>The rig clock the engine reads.</summary>
        public IClock Clock => _clock;

        public EventJournal Journal => _journal;

        internal OutputGate Gate => _pipeline.Gate;

        internal SignalChain Chain => _pipeline.Chain;

        internal EncounterTracker Encounters => _pipeline.Tracker;

        internal ResponseDetector Detector => _pipeline.Detector;

        public CycleDemultiplexer Demultiplexer => _pipeline.Demultiplexer;

        /// <summary>The rig's measurements of its own acquisition since the last config was applied.</summary>
        internal AcquisitionMeter Meter => _pipeline.Meter;

        /// <summary>Whether outputs may be driven: armed by input or command and not e-stopped.</summary>
        public bool IsArmed => _pipeline.Gate.IsArmed;

        /// <summary>Whether an e-stop is latched until <see cref="ResetEStop"/>.</summary>
        public bool IsEStopLatched => _pipeline.Gate.IsEStopLatched;

        /// <summary>The hardware arm chain disagrees, or disagreed less than the debounce ago, with the e-stop and key inputs: arming is refused.</summary>
        public bool IsInterlockMismatched => _interlock.IsMismatched;

        /// <summary>Whether a session is running.</summary>
        public bool InSession => _pipeline.Gate.InSession;

        /// <summary>Whether an encounter is in progress (after debouncing).</summary>
        public bool InEncounter => _pipeline.Tracker.IsEngaged;

        /// <summary>The longest any output start kept the engine waiting since boot (µs).</summary>
        public long LongestOutputStartUs => _opto.LongestStartUs > _dose.LongestStartUs ? _opto.LongestStartUs : _dose.LongestStartUs;

        /// <summary>Journals the current measurements (an <c>acquisition_measured</c> event), e.g. after a self-test.</summary>
        public void JournalMeasurements()
        {
            _pipeline.JournalMeasurements(_clock.NowMicros);
        }

        /// <summary>Cycles processed since the last config was applied.</summary>
        public long Cycles => _pipeline.Cycles;

        /// <summary>The most recent processed sample (reused instance).</summary>
        public ProcessedSample Latest => _pipeline.Latest;

        public void SetSampleSink(IProcessedSampleSink sink)
        {
            _sampleSink = sink;
        }

        public void SetEventSink(IEventSink sink)
        {
            _journal.SetSink(sink);
        }

        /// <summary>
        /// One raw ADC reading whose light fell somewhere in [<paramref name="fromUs"/>, <paramref name="toUs"/>]: what
        /// the board knows when it stamps both sides of a read. Readings that straddle an LED edge are dropped.
        /// </summary>
        public void OnReading(long fromUs, long toUs, int value)
        {
            _pipeline.Demultiplexer.AddReading(fromUs, toUs, value);
        }

        /// <summary>
        /// The first <paramref name="count"/> readings of the arrays, each as <see cref="OnReading(long, long, int)"/>
        /// takes it: the board's sampler hands over what it read in one call, which on the interpreter costs a
        /// fraction of a call per reading.
        /// </summary>
        public void OnReadings(long[] fromUs, long[] toUs, int[] values, int count)
        {
            _pipeline.Demultiplexer.AddReadings(fromUs, toUs, values, count);
        }

        /// <summary>One raw ADC reading, stamped by the sampler at <paramref name="timeUs"/>.</summary>
        public void OnReading(long timeUs, int value)
        {
            _pipeline.Demultiplexer.AddReading(timeUs, timeUs, value);
        }

        /// <summary>
        /// One cycle of a recording that was demultiplexed elsewhere (a pyPhotometry .ppd, GuPPy CSVs): the signal
        /// and control values, dark already subtracted, at <paramref name="timeUs"/>. It enters the same chain as the
        /// board's own cycles; replay uses this.
        /// </summary>
        public void OnRecordedCycle(long timeUs, double signal, double control)
        {
            OnRecordedCycle(timeUs, signal, control, true);
        }

        /// <summary>
        /// As <see cref="OnRecordedCycle(long, double, double)"/>, for a recording that says whether each cycle was
        /// valid (a rig's own log): an invalid one enters the chain as the board's invalid cycles do, its levels unused.
        /// </summary>
        public void OnRecordedCycle(long timeUs, double signal, double control, bool valid)
        {
            CycleSample c = _recorded;
            c.CycleIndex = _pipeline.Demultiplexer.Schedule.CycleOf(timeUs);
            c.StartUs = timeUs;
            c.Signal = signal;
            c.Control = control;
            c.Dark = 0;
            c.SignalCount = 1;
            c.ControlCount = 1;
            c.DarkCount = 0;
            c.IsValid = valid;
            _pipeline.OnCycle(c, false);
        }

        /// <summary>An edge on the encounter TTL input.</summary>
        public void OnEncounterInput(bool pinLevel, long timeUs)
        {
            _pipeline.Tracker.OnInput(pinLevel, timeUs);
            _pipeline.AfterEncounterChange(timeUs);
        }

        /// <summary>A start/stop encounter message (video tracking) that names no partner.</summary>
        public void OnEncounterMessage(bool start)
        {
            OnEncounterMessage(start, 0, Novelty.Unmarked);
        }

        /// <summary>
        /// A start/stop encounter message (video tracking); a start names the partner (<paramref name="partner"/>
        /// packed by <see cref="Wire.SenderName"/>, 0 for none) and whether it is familiar or novel.
        /// </summary>
        public void OnEncounterMessage(bool start, long partner, Novelty novelty)
        {
            long now = _clock.NowMicros;
            _pipeline.Tracker.OnMessage(start, now, partner, novelty);
            _pipeline.AfterEncounterChange(now);
        }

        /// <summary>The arm key switch changed: on arms (unless e-stopped), off disarms. Only edges count: a key left on does not re-arm after an e-stop reset.</summary>
        public void OnArmInput(bool on)
        {
            if (on)
            {
                _pipeline.Gate.Arm(_clock.NowMicros, ControlSource.Input);
            }
            else
            {
                _pipeline.Gate.Disarm(_clock.NowMicros, ControlSource.Input);
            }
        }

        /// <summary>
        /// The three levels of the arm chain read together (the key's and the e-stop's sensed poles, and the chain read
        /// back): a lasting disagreement faults (outputs low, disarmed) and refuses arming until it is gone
        /// (<see cref="InterlockMonitor"/>). The board calls it every few milliseconds where interlock_input is wired.
        /// </summary>
        public void OnInterlockReadback(bool keyOn, bool estopPressed, bool chainClosed)
        {
            long now = _clock.NowMicros;
            long detail = _interlock.Check(keyOn, estopPressed, chainClosed, now);
            _pipeline.Gate.InterlockMismatch = _interlock.IsMismatched;
            if (detail != 0)
            {
                _pipeline.Gate.Fault(FaultCode.Interlock, detail, now);
            }
        }

        /// <summary>The e-stop input changed (true = stop pressed).</summary>
        public void OnEStopInput(bool active)
        {
            _pipeline.Gate.SetEStopInput(active, _clock.NowMicros);
        }

        public RefusalReason Arm()
        {
            return _pipeline.Gate.Arm(_clock.NowMicros, ControlSource.Command);
        }

        /// <summary>Clears a latched e-stop (refused while the e-stop input is held); arms nothing.</summary>
        public RefusalReason ResetEStop()
        {
            return _pipeline.Gate.ResetEStop(_clock.NowMicros, ControlSource.Command);
        }

        public void Disarm()
        {
            _pipeline.Gate.Disarm(_clock.NowMicros, ControlSource.Command);
        }

        public void EStop()
        {
            _pipeline.Gate.EStop(_clock.NowMicros, ControlSource.Command);
        }

        public RefusalReason StartSession()
        {
            return _pipeline.Gate.StartSession(_clock.NowMicros);
        }

        public void StopSession()
        {
            _pipeline.Gate.StopSession(_clock.NowMicros);
        }

        /// <summary>Reports a board fault: outputs low and disarmed.</summary>
        public void Fault(FaultCode code, long detail)
        {
            _pipeline.Gate.Fault(code, detail, _clock.NowMicros);
        }

        /// <summary>Queues a partner rig's trigger time for yoked mode (µs after its session start).</summary>
        public RefusalReason AddYokedTrigger(long sessionOffsetUs)
        {
            return _pipeline.Gate.AddYokedTrigger(sessionOffsetUs);
        }

        /// <summary>
        /// The sync output's hardware loop started; its first rising edge was at <paramref name="firstEdgeUs"/> and the
        /// rest follow one <see cref="SyncPulse.PeriodUs"/> apart, which is what aligns video with the recording.
        /// </summary>
        public void OnSyncStarted(long firstEdgeUs, long pulseUs)
        {
            _journal.SyncStarted(firstEdgeUs, SyncPulse.PeriodUs, pulseUs);
        }

        /// <summary>
        /// Starts the timing self-test's train on the opto output, when it is safe: disarmed, no session, no e-stop.
        /// Arming is refused until <see cref="FinishSelfTest"/>. A refusal is journaled and returns false.
        /// </summary>
        public bool BeginSelfTest(TimingSelfTest test)
        {
            OutputGate gate = _pipeline.Gate;
            // The output driver holds at most rmt.max_items items, like any train.
            if (SelfTestRefusal() != RefusalReason.None || !test.Prepare(_pipeline.Config.Output.Opto) || test.Plan.ItemCount > _pipeline.Config.Output.RmtMaxItems)
            {
                _journal.SelfTest(_clock.NowMicros, SelfTestResult.Refused, 0, 0, 0, 0);
                return false;
            }

            gate.SelfTestRunning = true;
            _opto.Start(test.Plan);
            return true;
        }

        /// <summary>Why a self-test may not start now (None when it may): it needs a disarmed rig, no session, no e-stop, an opto output free to start.</summary>
        public RefusalReason SelfTestRefusal()
        {
            OutputGate gate = _pipeline.Gate;
            return gate.IsArmed ? RefusalReason.Armed
                : gate.InSession ? RefusalReason.InSession
                : gate.IsEStopInputActive ? RefusalReason.EStopInputActive
                : gate.IsEStopLatched ? RefusalReason.EStopLatched
                : gate.SelfTestRunning ? RefusalReason.SelfTestRunning
                : _clock.NowMicros < _opto.BusyUntilUs ? RefusalReason.Busy
                : RefusalReason.None;
        }

        /// <summary>Journals sample frames asked for again that the link no longer holds (<c>frames_lost</c>).</summary>
        public void ReportFramesLost(long firstFrame, long count)
        {
            _journal.FramesLost(_clock.NowMicros, firstFrame, count);
        }

        /// <summary>Commands refused but not journaled (a flood beyond one journaled refusal a second), since boot.</summary>
        public long UnjournaledRefusals { get; private set; }

        internal void CountUnjournaledRefusal()
        {
            UnjournaledRefusals++;
        }

        /// <summary>Journals the rig's answer to a command message (see <see cref="Wire.CommandDispatcher"/>).</summary>
        public void ReportCommand(Wire.CommandKind kind, RefusalReason result, long id, long sender)
        {
            _journal.Command(_clock.NowMicros, kind, result, id, sender);
        }

        /// <summary>
        /// Ends the self-test (after <see cref="TimingSelfTest.Evaluate"/>): output low, arming allowed, the rig's
        /// acquisition measurements and then the result journaled, so that whoever waits for the result has both.
        /// </summary>
        public void FinishSelfTest(TimingSelfTest test)
        {
            _opto.ForceLow();
            _pipeline.Gate.SelfTestRunning = false;
            JournalMeasurements();
            _journal.SelfTest(_clock.NowMicros, test.Result, TimingSelfTest.Pulses, test.PulsesMeasured, test.MaxWidthErrorUs, test.MaxPeriodErrorUs);
        }

        /// <summary>A rig without output hardware (the virtual rig) answers a self-test request with this.</summary>
        public void ReportSelfTestUnavailable()
        {
            JournalMeasurements();
            _journal.SelfTest(_clock.NowMicros, SelfTestResult.NoHardware, 0, 0, 0, 0);
        }

        /// <summary>The link found events overwritten before they were published (see <see cref="EventOutbox"/>).</summary>
        public void ReportEventsLost(long firstSequence, long count)
        {
            _journal.EventsLost(_clock.NowMicros, firstSequence, count);
        }

        /// <summary>True once another rig was seen publishing under this rig's id: configs are refused from then on.</summary>
        public bool IsIdentityContested { get; private set; }

        /// <summary>
        /// A message on the rig's own status topic (the link subscribes to it). A live online status from another
        /// boot means two rigs share this id: a <see cref="FaultCode.DuplicateRigId"/> fault (outputs low, disarmed),
        /// and no config is taken until the rig restarts.
        /// </summary>
        public void OnOwnStatus(byte[] bytes, int length, bool retained)
        {
            long other = _identity.OnOwnStatus(bytes, length, retained);
            if (other >= 0)
            {
                IsIdentityContested = true;
                Fault(FaultCode.DuplicateRigId, other);
            }
        }

        /// <summary>Advances every time-based rule to the clock's now.</summary>
        public void Poll()
        {
            long now = _clock.NowMicros;
            _pipeline.Demultiplexer.Flush(now);
            _pipeline.Tracker.Poll(now);
            _pipeline.AfterEncounterChange(now);
            _pipeline.Detector.Poll(now);
            _pipeline.Gate.Poll(now);
        }

        /// <summary>
        /// Loads, validates and applies a configuration received as bytes (every output setting and safety limit
        /// stated, the link identity as flashed); see <see cref="ApplyConfig(RigConfig)"/>. The
        /// result carries every error when the config is refused.
        /// </summary>
        public ConfigLoadResult ApplyConfig(byte[] bytes, int length)
        {
            ConfigErrorList linkErrors = new ConfigErrorList();
            if (IsIdentityContested)
            {
                // Two rigs answering to one id would take turns applying and acknowledging configs.
                linkErrors.Add("rig.id", Config.RigId, "expected one rig with this id; another one publishes under it: configs are refused until only one remains and this rig restarts");
                _journal.ConfigRejected(_clock.NowMicros, 1, HashBits(Config.Hash));
                return ConfigLoader.FromDocument(new ConfigDocument(), linkErrors);
            }

            if (ConfigSeal.Check(bytes, length, linkErrors) < 0)
            {
                // Not provably whole: nothing of it is applied, whatever it would parse to.
                _journal.ConfigRejected(_clock.NowMicros, 1, HashBits(Config.Hash));
                return ConfigLoader.FromDocument(new ConfigDocument(), linkErrors);
            }

            ConfigDocument document = ConfigParser.Parse(bytes, length, linkErrors);
            CheckLinkIdentity(document, linkErrors);
            ConfigLoadResult result = ConfigLoader.FromDocument(document, linkErrors, true);
            if (!result.IsValid)
            {
                _journal.ConfigRejected(_clock.NowMicros, result.Errors.Length, HashBits(Config.Hash));
                return result;
            }

            if (result.Config.Hash == Config.Hash)
            {
                // Already in force (a retained config met again at a reconnection): nothing to restart or journal.
                return result;
            }

            string refusal = ApplyConfig(result.Config);
            if (refusal != null)
            {
                ConfigErrorList errors = new ConfigErrorList();
                errors.Add("state", refusal, "expected a disarmed rig with no session running");
                return ConfigLoader.FromDocument(new ConfigDocument(), errors);
            }

            return result;
        }

        /// <summary>Keys a config received over the link may state only as flashed: who the rig is and how it is reached.</summary>
        private static readonly string[] LinkIdentity = new string[]
        {
            "rig", "id", "link", "wifi_ssid", "link", "broker_host", "link", "broker_port", "link", "tls", "link", "ca_file",
            "link", "username", "link", "topic_prefix",
        };

        /// <summary>
        /// The link identity is fixed when the board is flashed: a config that would rename the rig or move it to
        /// another network or broker is refused (its events would go out under topics nobody logs), and secrets
        /// never travel in a config sent over MQTT. Link keys a config leaves out are not applied.
        /// </summary>
        private void CheckLinkIdentity(ConfigDocument document, ConfigErrorList errors)
        {
            for (int i = 0; i < LinkIdentity.Length; i += 2)
            {
                ConfigEntry entry = document.Find(LinkIdentity[i], LinkIdentity[i + 1]);
                string flashed = Config.Values.GetText(LinkIdentity[i], LinkIdentity[i + 1]);
                if (entry != null && entry.Value != flashed)
                {
                    errors.Add(LinkIdentity[i] + "." + LinkIdentity[i + 1], entry.Value, "expected '" + flashed + "', as flashed: the link identity cannot change over MQTT");
                }
            }

            for (int i = 0; i < document.Count; i++)
            {
                ConfigEntry entry = document[i];
                int key = ConfigSchema.IndexOf(entry.Section, entry.Key);
                string value = entry.Value;
                bool placeholder = value.Length > 3 && value[0] == '$' && value[1] == '{' && value[value.Length - 1] == '}';
                if (key >= 0 && ConfigSchema.KeyAt(key).IsSecret && value.Length > 0 && !placeholder)
                {
                    errors.Add(entry.Section + "." + entry.Key, "(secret of " + value.Length.ToString() + " characters)", "expected no value or a ${NAME} placeholder: secrets are flashed with the board, never sent over MQTT");
                }
            }
        }

        /// <summary>
        /// Applies a validated configuration whole, or not at all. Refused (returning the reason) while armed or
        /// in a session, because a new config restarts the per-session limits. The e-stop latch carries over.
        /// </summary>
        public string ApplyConfig(RigConfig config)
        {
            long now = _clock.NowMicros;
            if (_pipeline.Gate.IsArmed || _pipeline.Gate.InSession)
            {
                _journal.ConfigRejected(now, 1, HashBits(Config.Hash));
                return _pipeline.Gate.IsArmed ? "armed" : "in session";
            }

            // Build everything first; only then swap, so a failure leaves the old config in force.
            EventJournal journal = config.JournalCapacity == _journal.Capacity && config.RigId == _journal.RigId
                ? _journal
                : ResizedJournal(config);
            EventJournal previousJournal = _journal;
            _journal = journal;
            Pipeline next;
            try
            {
                _excitation.Stop();
                next = new Pipeline(this, config, _excitation.Start(config.Acquisition), NextCycleNumber(now));
            }
            catch (System.Exception)
            {
                _journal = previousJournal;
                _pipeline.Restart(_excitation.Start(_pipeline.Config.Acquisition), NextCycleNumber(now));
                _journal.ConfigRejected(now, 1, HashBits(Config.Hash));
                return "could not be built";
            }

            next.Gate.InheritSafetyState(_pipeline.Gate);
            _pipeline = next;
            _journal.ConfigApplied(now, HashBits(config.Hash));
            return null;
        }

        /// <summary>
        /// The first cycle number of a schedule that replaces the current one: past every cycle emitted so far
        /// (no reading is stamped later than now), so sample frames and data gaps never repeat a cycle number.
        /// </summary>
        private long NextCycleNumber(long nowUs)
        {
            return _pipeline.Demultiplexer.Schedule.CycleOf(nowUs) + 1;
        }

        /// <summary>The config hash's 64 bits as a long, for event slots.</summary>
        public static long HashBits(string hash)
        {
            long bits = 0;
            for (int i = 0; i < hash.Length; i++)
            {
                char c = hash[i];
                int digit = c <= '9' ? c - '0' : c - 'a' + 10;
                bits = (bits << 4) | (long)digit;
            }

            return bits;
        }

        private EventJournal ResizedJournal(RigConfig config)
        {
            if (config.RigId == _journal.RigId)
            {
                return _journal.Resized(config.JournalCapacity);
            }

            // A new rig id is a new event stream identity; the sequence continues so nothing is reused.
            EventJournal renamed = new EventJournal(config.JournalCapacity, config.RigId, _journal.BootId);
            renamed.ContinueFrom(_journal);
            return renamed;
        }

        /// <summary>All components for one configuration, so that a config change swaps one reference.</summary>
        private sealed class Pipeline : ICycleSink, IEncounterListener, IDecisionListener
        {
            private readonly ClosedLoopEngine _engine;
            private readonly ZHistory _history;
            private readonly SignalGuard _guard;
            private long _gapFirstCycle = -1;
            private long _gapCycles;

            public Pipeline(ClosedLoopEngine engine, RigConfig config, long epochUs, long firstCycle)
            {
                _engine = engine;
                Config = config;
                long period = config.Acquisition.PeriodUs;
                _periodUs = period;
                Demultiplexer = new CycleDemultiplexer(new ExcitationSchedule(config.Acquisition, epochUs, firstCycle), config.Acquisition.MinReadings, this);
                Meter = new AcquisitionMeter(config.Acquisition, config.Processing, Demultiplexer);
                Chain = new SignalChain(config.Acquisition, config.Processing);
                _guard = new SignalGuard(config.Acquisition, config.Processing);
                Tracker = new EncounterTracker(config.Encounter, this);
                _history = new ZHistory(ResponseDetector.HistoryCapacity(config.Detector, config.Encounter, period));
                Detector = new ResponseDetector(config.Detector, _history, period, this);
                Gate = new OutputGate(config.Output, engine._journal, engine._opto, engine._dose);
                _opto = Gate.Channel(OutputChannelId.Opto);
                _z = Chain.ZScore;
            }

            // Fields, not properties: the interpreter runs a getter as a call, and each reading and each cycle
            // goes through several of these. Only the pipeline itself assigns them.
            public readonly RigConfig Config;

            public CycleDemultiplexer Demultiplexer;

            public AcquisitionMeter Meter;

            public readonly SignalChain Chain;

            public readonly EncounterTracker Tracker;

            public readonly ResponseDetector Detector;

            public readonly OutputGate Gate;

            public long Cycles;

            public ProcessedSample Latest;

            private readonly long _periodUs;
            private readonly ChannelGate _opto;
            private readonly RobustZScore _z;
            private bool _frozen;

            /// <summary>Re-anchors acquisition after the LEDs were restarted (a failed config change).</summary>
            public void Restart(long epochUs, long firstCycle)
            {
                Demultiplexer = new CycleDemultiplexer(new ExcitationSchedule(Config.Acquisition, epochUs, firstCycle), Config.Acquisition.MinReadings, this);
                Meter = new AcquisitionMeter(Config.Acquisition, Config.Processing, Demultiplexer);
                Gate.AcquisitionFailing = false;
            }

            /// <summary>
            /// After each measured second: the first one is journaled, and so is every change between meeting the plan
            /// and not. Not meeting it refuses arming until a second meets it, and is a fault while disarmed: a plan
            /// cannot change while armed (configs are refused), so a miss then is load, already visible as short
            /// cycles and data gaps, and a session is not cut for it.
            /// </summary>
            private void AfterMeasuredSecond(bool wasMeasured, bool wasFailing, long nowUs)
            {
                if (!wasMeasured || wasFailing != Meter.IsFailing)
                {
                    JournalMeasurements(nowUs);
                }

                if (Meter.IsFailing && !wasFailing && !Gate.IsArmed)
                {
                    Gate.Fault(FaultCode.AcquisitionRate, (long)(Meter.PerLitPhase * 10 + 0.5), nowUs);
                }

                Gate.AcquisitionFailing = Meter.IsFailing;
            }

            public void JournalMeasurements(long nowUs)
            {
                _engine._journal.AcquisitionMeasured(nowUs, !Meter.IsMeasured ? 2 : Meter.LastSecondMet ? 0 : 1, Meter.MinReadings, (long)(Meter.ReadingUs + 0.5), _engine.LongestOutputStartUs, Meter.PerLitPhase, Meter.ShortFraction);
            }

            /// <summary>
            /// Baselines stand still from first contact until the response window has closed, and while an
            /// optogenetic train runs (its driven activity is not baseline). Sham trains freeze them too, so that
            /// the sham control processes its signal exactly as the stimulated rig does.
            /// </summary>
            public void AfterEncounterChange(long nowUs)
            {
                // Fields, not properties, and a change only reaches the fit and the baseline: this runs several times a
                // cycle, and on the interpreter each property read is a call. Only this method freezes the chain.
                bool frozen = Tracker.Engaged || Detector.Measuring || _opto.Running;
                if (frozen != _frozen)
                {
                    _frozen = frozen;
                    Chain.Frozen = frozen;
                }
            }

            public void OnCycle(CycleSample cycle)
            {
                OnCycle(cycle, true);
            }

            /// <summary>One cycle; <paramref name="measured"/> is false for a recording's cycles, whose converter is not ours.</summary>
            public void OnCycle(CycleSample cycle, bool measured)
            {
                long completedUs = cycle.StartUs + _periodUs;
                long now = _engine._clock.NowMicros;
                if (now < completedUs)
                {
                    // Readings are stamped by the sampler; the cycle is over when its last reading says so.
                    now = completedUs;
                }

                Tracker.Poll(now);
                Gate.StopEnded(now);
                AfterEncounterChange(now);
                if (measured)
                {
                    bool wasMeasured = Meter.IsMeasured;
                    bool wasFailing = Meter.IsFailing;
                    if (Meter.OnCycle(cycle))
                    {
                        AfterMeasuredSecond(wasMeasured, wasFailing, now);
                    }
                }

                // Light that cannot be physiology must not reach the filters, the fit, the baseline or a decision:
                // the guard judges the raw light first, then what the cycle would give, before anything learns.
                bool warm = _z.Ready;
                SignalLoss loss = _guard.CheckLight(cycle, measured, warm);
                if (loss == SignalLoss.None && cycle.IsValid && warm)
                {
                    // During warm-up nothing is decided and the fit is not judged: no preview is needed.
                    Chain.Preview(cycle);
                    loss = _guard.CheckFit(Chain.PreviewDff, warm);
                }

                if (loss != SignalLoss.None)
                {
                    cycle.IsValid = false;
                }

                if (_guard.TakeRelevel())
                {
                    Chain.Restart();
                }

                ProcessedSample sample = Chain.Process(cycle);
                sample.ProcessedAfterUs = now - completedUs;
                if (_guard.Record(loss))
                {
                    // The light may have begun to move up to a step span before the guard could tell: what the
                    // history holds since then is not the animal's either.
                    _history.InvalidateFrom(cycle.StartUs - Config.Processing.LightStepUs);

                    // Outputs low and disarmed: re-arming is the experimenter's decision once the light is back.
                    Gate.Fault(FaultCode.SignalLost, (long)loss, now);
                }

                if (_guard.IsLost)
                {
                    Detector.OnLightLost(cycle.StartUs);
                }

                Latest = sample;
                Cycles++;
                TrackGap(cycle, now);
                double z = sample.IsValid && sample.IsReady ? sample.Z : double.NaN;
                _history.Add(sample.TimeUs, z);
                Detector.OnSample(sample.TimeUs, z, now);
                AfterEncounterChange(now);
                Gate.Poll(now);
                if (_engine._sampleSink != null)
                {
                    _engine._sampleSink.OnProcessed(sample);
                }
            }

            public void OnMissingCycles(long firstCycle, long count)
            {
                if (_gapFirstCycle < 0)
                {
                    _gapFirstCycle = firstCycle;
                }

                _gapCycles += count;
            }

            public void OnEncounterOn(long onsetUs, long nowUs, ControlSource source, Novelty novelty, long partner)
            {
                _engine._journal.EncounterOn(nowUs, source, novelty, onsetUs, partner);
                Detector.OnEncounterOn(onsetUs, nowUs);
            }

            public void OnEncounterOff(long onsetUs, long offsetUs, long nowUs)
            {
                _engine._journal.EncounterOff(nowUs, offsetUs, onsetUs);
                Detector.OnEncounterOff(nowUs);
            }

            public void OnDecision(DecisionOutcome outcome, long onsetUs, long nowUs, double deltaZ, double preMeanZ, bool early)
            {
                _engine._journal.Decision(nowUs, outcome, early, onsetUs, nowUs - onsetUs, deltaZ, preMeanZ);
                if (Triggers(outcome))
                {
                    Gate.RequestFromDecision(nowUs);
                }
            }

            public void OnScored(DecisionOutcome outcome, long onsetUs, long nowUs, double deltaZ, DecisionOutcome earlyOutcome, long earlyLatencyUs, double earlyBoundary)
            {
                _engine._journal.DecisionScored(nowUs, outcome, earlyOutcome, onsetUs, earlyLatencyUs, deltaZ, earlyBoundary);
            }

            private bool Triggers(DecisionOutcome outcome)
            {
                TriggerRule rule = Config.Detector.Trigger;
                if (outcome == DecisionOutcome.Deficit)
                {
                    return rule == TriggerRule.Deficit || rule == TriggerRule.Either;
                }

                if (outcome == DecisionOutcome.Drop)
                {
                    return rule == TriggerRule.Drop || rule == TriggerRule.Either;
                }

                return false;
            }

            /// <summary>Journals one DataGap per run of missing or invalid cycles, when the run ends.</summary>
            private void TrackGap(CycleSample cycle, long nowUs)
            {
                if (!cycle.IsValid)
                {
                    if (_gapFirstCycle < 0)
                    {
                        _gapFirstCycle = cycle.CycleIndex;
                    }

                    _gapCycles++;
                    return;
                }

                if (_gapCycles > 0)
                {
                    _engine._journal.DataGap(nowUs, _gapFirstCycle, _gapCycles);
                    _gapFirstCycle = -1;
                    _gapCycles = 0;
                }
            }
        }
    }
}
