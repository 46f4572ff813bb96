using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Journal;

namespace ClosedLoop.Engine.Output
{
    /// <summary>
    /// The only way to an output. It holds the safety state (armed, e-stop latch, session), the mode, and a
    /// <see cref="ChannelGate"/> per output, and journals every start, stop and refusal.
    /// <list type="bullet">
    /// <item>Outputs are forced low when the gate is made, on disarm, on e-stop and on a fault.</item>
    /// <item>E-stop latches: arming and starting a session are refused until the latch is reset on purpose
    /// (<see cref="ResetEStop"/>, itself refused while the e-stop input is held), which arms nothing by itself.</item>
    /// <item>Modes: closed_loop (decisions request trains), open_loop (a fixed schedule from session start),
    /// sham (everything checked, counted and journaled exactly as closed loop, but the pin is never driven),
    /// yoked (trains at another rig's trigger times, relative to session start; own decisions are ignored).</item>
    /// </list>
    /// </summary>
    internal sealed class OutputGate
    {
        /// <summary>Yoked trigger times that can wait at once.</summary>
        public const int YokeQueueCapacity = 256;

        private readonly OutputSettings _settings;

        // Read on every poll: copies of a setting and a state, since the interpreter runs a property read as a call.
        private readonly OutputMode _mode;
        private bool _inSession;
        private readonly EventJournal _journal;
        private readonly ChannelGate[] _channels;
        private readonly long[] _yokeQueue = new long[YokeQueueCapacity];
        private int _yokeHead;
        private int _yokeCount;
        private long _nextScheduledUs;
        private int _refusals;

        public OutputGate(OutputSettings settings, EventJournal journal, IOutputChannel opto, IOutputChannel dose)
        {
            _settings = settings;
            _mode = settings.Mode;
            _journal = journal;
            _channels = new ChannelGate[OutputChannelId.Count];
            _channels[OutputChannelId.Opto] = new ChannelGate(OutputChannelId.Opto, settings.Opto, settings.RefractoryUs, settings.RmtMaxItems, opto);
            _channels[OutputChannelId.Dose] = new ChannelGate(OutputChannelId.Dose, settings.Dose, settings.RefractoryUs, settings.RmtMaxItems, dose);
            opto.ForceLow();
            dose.ForceLow();
        }

        public bool IsArmed { get; private set; }

        public bool IsEStopLatched { get; private set; }

        /// <summary>The e-stop input's level as last reported (true = stop requested).</summary>
        public bool IsEStopInputActive { get; private set; }

        /// <summary>The timing self-test owns the opto output; nothing may arm until it ends.</summary>
        public bool SelfTestRunning { get; set; }

        /// <summary>The rig's last measured second did not meet its acquisition plan; nothing may arm until one does.</summary>
        public bool AcquisitionFailing { get; set; }

        /// <summary>The hardware arm chain disagrees with the e-stop and key inputs (<see cref="InterlockMonitor"/>); nothing may arm meanwhile.</summary>
        public bool InterlockMismatch { get; set; }

        public bool InSession => _inSession;

        public long SessionStartUs { get; private set; }

        public OutputMode Mode => _settings.Mode;

        public ChannelGate Channel(int channel)
        {
            return _channels[channel];
        }

        /// <summary>Trains started this session on both channels.</summary>
        public int SessionTrains => _channels[0].SessionTrains + _channels[1].SessionTrains;

        public int SessionRefusals => _refusals;

        /// <summary>Takes over the e-stop latch and input state of the gate this one replaces (config change).</summary>
        public void InheritSafetyState(OutputGate previous)
        {
            IsEStopLatched = previous.IsEStopLatched;
            IsEStopInputActive = previous.IsEStopInputActive;
            SelfTestRunning = previous.SelfTestRunning;
        }

        /// <summary>Allows outputs, unless the e-stop is held or latched or the self-test owns the output (refusal journaled).</summary>
        public RefusalReason Arm(long nowUs, ControlSource source)
        {
            RefusalReason reason = IsEStopInputActive ? RefusalReason.EStopInputActive
                : IsEStopLatched ? RefusalReason.EStopLatched
                : SelfTestRunning ? RefusalReason.SelfTestRunning
                : AcquisitionFailing ? RefusalReason.AcquisitionTooSlow
                : InterlockMismatch ? RefusalReason.InterlockMismatch
                : RefusalReason.None;
            if (reason != RefusalReason.None)
            {
                _journal.ArmRefused(nowUs, source, reason);
                return reason;
            }

            if (!IsArmed)
            {
                IsArmed = true;
                _journal.Armed(nowUs, source);
            }

            return RefusalReason.None;
        }

        /// <summary>
        /// Clears a latched e-stop, on purpose and on its own: refused while the e-stop input is held, and it
        /// neither arms nor starts anything (arming is a separate act). Resetting an unlatched rig does nothing.
        /// </summary>
        public RefusalReason ResetEStop(long nowUs, ControlSource source)
        {
            if (IsEStopInputActive)
            {
                return RefusalReason.EStopInputActive;
            }

            if (IsEStopLatched)
            {
                IsEStopLatched = false;
                _journal.EStopReset(nowUs, source);
            }

            return RefusalReason.None;
        }

        public void Disarm(long nowUs, ControlSource source)
        {
            ForceAllLow(nowUs);
            if (IsArmed)
            {
                IsArmed = false;
                _journal.Disarmed(nowUs, source);
            }
        }

        /// <summary>Outputs low at once, disarmed, latched.</summary>
        public void EStop(long nowUs, ControlSource source)
        {
            ForceAllLow(nowUs);
            IsArmed = false;
            IsEStopLatched = true;
            _journal.EStop(nowUs, source);
        }

        /// <summary>The e-stop input changed; pressing it is an e-stop, releasing it only allows re-arming.</summary>
        public void SetEStopInput(bool active, long nowUs)
        {
            if (active && !IsEStopInputActive)
            {
                IsEStopInputActive = true;
                EStop(nowUs, ControlSource.Input);
                return;
            }

            IsEStopInputActive = active;
        }

        /// <summary>A fault: outputs low, disarmed, journaled.</summary>
        public void Fault(FaultCode code, long detail, long nowUs)
        {
            ForceAllLow(nowUs);
            IsArmed = false;
            _journal.Fault(nowUs, code, detail);
        }

        /// <summary>
        /// Starts a session: per-session limits and counters from zero. Refused while e-stopped, and while a session
        /// already runs (a second start would reset the per-session limits mid-session).
        /// </summary>
        public RefusalReason StartSession(long nowUs)
        {
            RefusalReason reason = IsEStopInputActive ? RefusalReason.EStopInputActive
                : IsEStopLatched ? RefusalReason.EStopLatched
                : _inSession ? RefusalReason.InSession
                : RefusalReason.None;
            if (reason != RefusalReason.None)
            {
                return reason;
            }

            _inSession = true;
            SessionStartUs = nowUs;
            _refusals = 0;
            _yokeCount = 0;
            _nextScheduledUs = nowUs + _settings.OpenLoopIntervalUs;
            _channels[0].StartSession();
            _channels[1].StartSession();
            _journal.SessionStarted(nowUs);
            return RefusalReason.None;
        }

        public void StopSession(long nowUs)
        {
            if (!_inSession)
            {
                return;
            }

            ForceAllLow(nowUs);
            _inSession = false;
            _journal.SessionStopped(nowUs, SessionTrains, _refusals, _channels[0].SessionDose, _channels[1].SessionDose);
        }

        /// <summary>
        /// Queues one of the partner rig's trigger times (µs after its session start) for yoked mode. Refused outside
        /// a session: the queue empties when a session starts, so a trigger taken before or after one would be
        /// answered "accepted" and never driven.
        /// </summary>
        public RefusalReason AddYokedTrigger(long sessionOffsetUs)
        {
            if (_settings.Mode != OutputMode.Yoked)
            {
                return RefusalReason.NotYoked;
            }

            if (!_inSession)
            {
                return RefusalReason.NoSession;
            }

            if (_yokeCount == _yokeQueue.Length)
            {
                return RefusalReason.QueueFull;
            }

            _yokeQueue[(_yokeHead + _yokeCount) % _yokeQueue.Length] = sessionOffsetUs;
            _yokeCount++;
            return RefusalReason.None;
        }

        /// <summary>A detector decision asks for output (closed-loop and sham modes act on it).</summary>
        public void RequestFromDecision(long nowUs)
        {
            if (_settings.Mode == OutputMode.ClosedLoop || _settings.Mode == OutputMode.Sham)
            {
                RequestTargets(nowUs, 0);
            }
        }

        /// <summary>Ends finished trains and starts scheduled or yoked ones that are due.</summary>
        public void Poll(long nowUs)
        {
            StopEnded(nowUs);
            if (!_inSession)
            {
                return;
            }

            if (_mode == OutputMode.OpenLoop && nowUs >= _nextScheduledUs)
            {
                // One train per due slot; slots missed while the rig was busy are skipped, not bunched up.
                while (_nextScheduledUs <= nowUs)
                {
                    _nextScheduledUs += _settings.OpenLoopIntervalUs;
                }

                RequestTargets(nowUs, OutputFlags.Scheduled);
            }
            else if (_mode == OutputMode.Yoked)
            {
                while (_yokeCount > 0 && SessionStartUs + _yokeQueue[_yokeHead] <= nowUs)
                {
                    _yokeHead = (_yokeHead + 1) % _yokeQueue.Length;
                    _yokeCount--;
                    RequestTargets(nowUs, OutputFlags.Yoked);
                }
            }
        }

        /// <summary>
        /// Marks the trains whose planned end has passed as stopped. A cycle asks this first, so that whether a train
        /// ran during it depends on the moment the cycle is processed, not on when the board last polled.
        /// </summary>
        public void StopEnded(long nowUs)
        {
            // Both channels asked at once: nearly every poll finds neither running.
            if (_channels[0].Running || _channels[1].Running)
            {
                for (int i = 0; i < _channels.Length; i++)
                {
                    ChannelGate channel = _channels[i];
                    if (channel.Running && nowUs >= channel.LastEndUs)
                    {
                        channel.Stop(channel.LastEndUs);
                        _journal.OutputStopped(channel.LastEndUs, channel.Channel, 0, channel.LastStartUs);
                    }
                }
            }
        }

        private void RequestTargets(long nowUs, int flags)
        {
            if (_settings.Target == OutputTarget.Opto || _settings.Target == OutputTarget.Both)
            {
                Request(_channels[OutputChannelId.Opto], nowUs, flags);
            }

            if (_settings.Target == OutputTarget.Dose || _settings.Target == OutputTarget.Both)
            {
                Request(_channels[OutputChannelId.Dose], nowUs, flags);
            }
        }

        /// <summary>Checks every limit and, only if all pass, drives the output: both in this one call.</summary>
        private void Request(ChannelGate channel, long nowUs, int flags)
        {
            RefusalReason reason = GateState();
            double value = 0;
            double limit = 0;
            if (reason == RefusalReason.None)
            {
                reason = channel.Check(nowUs);
                value = channel.RefusedValue;
                limit = channel.RefusedLimit;
            }

            bool sham = _settings.Mode == OutputMode.Sham;
            if (reason == RefusalReason.None && !sham && nowUs < channel.Driver.BusyUntilUs)
            {
                // The hardware still clocks a train that was cut short (held low): a new train would wait for it.
                reason = RefusalReason.Busy;
                value = channel.Driver.BusyUntilUs - nowUs;
                limit = 0;
            }

            if (reason != RefusalReason.None)
            {
                _refusals++;
                _journal.OutputRefused(nowUs, channel.Channel, reason, value, limit);
                return;
            }

            if (sham)
            {
                flags |= OutputFlags.Sham;
            }
            else
            {
                channel.Driver.Start(channel.Plan);
            }

            channel.Start(nowUs);
            _journal.OutputStarted(nowUs, channel.Channel, flags, channel.LastEndUs, channel.Train.Count, channel.TrainDose, channel.SessionDose);
        }

        private RefusalReason GateState()
        {
            if (IsEStopLatched)
            {
                return RefusalReason.EStopLatched;
            }

            if (!IsArmed)
            {
                return RefusalReason.NotArmed;
            }

            if (!_inSession)
            {
                return RefusalReason.NoSession;
            }

            return RefusalReason.None;
        }

        private void ForceAllLow(long nowUs)
        {
            for (int i = 0; i < _channels.Length; i++)
            {
                ChannelGate channel = _channels[i];
                channel.Driver.ForceLow();
                if (channel.IsRunning)
                {
                    channel.Stop(nowUs);
                    _journal.OutputStopped(nowUs, channel.Channel, OutputFlags.Aborted, channel.LastStartUs);
                }
            }
        }
    }
}
