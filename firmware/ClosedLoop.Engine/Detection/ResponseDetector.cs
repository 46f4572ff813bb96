using ClosedLoop.Engine.Config;

namespace ClosedLoop.Engine.Detection
{
    /// <summary>
    /// The paper's response metric, online (Yokoyama, Ago et al. 2024):
    /// <code>Δz = mean z over [onset, onset + post) - mean z over [onset - pre, onset)</code>
    /// Two rules:
    /// <list type="bullet">
    /// <item><b>deficit</b>: once the cycle that closes the post window is complete, Δz &lt; threshold;
    /// otherwise the decision is Response. Every encounter gets exactly one of Response, Deficit, Insufficient
    /// (fewer than half the window's cycles valid) or Overlap (a previous window still open).</item>
    /// <item><b>drop</b>: from the encounter's confirmation until it ends, z below (pre mean - k) continuously
    /// for drop_min: at most one Drop per encounter, possibly before the deficit decision.</item>
    /// </list>
    /// With [detector] rule = early, <see cref="EarlyEvidence"/> may decide Response or Deficit before the window
    /// closes; the close then scores that decision against the full window instead of deciding again.
    /// A window that any episode of lost light touches (<see cref="OnLightLost"/>) decides nothing but Insufficient:
    /// no early decision, no drop, no deficit rests on light that was not the animal's.
    /// z is in units of the robust spread, so "k spreads" is simply k. Allocation-free.
    /// </summary>
    internal sealed class ResponseDetector
    {
        private readonly DetectorSettings _settings;
        private readonly ZHistory _history;
        private readonly IDecisionListener _listener;
        private readonly long _periodUs;
        private readonly EarlyEvidence _early;

        private bool _encounterOpen;
        private bool _dropDone;
        private long _onsetUs;
        private double _preMean;
        private bool _preValid;
        private long _dropRunStartUs = -1;
        private bool _engaged;
        private long _quietSinceUs;
        private int _nextLook;
        private bool _decidedEarly;
        private DecisionOutcome _earlyOutcome;
        private long _earlyLatencyUs;
        private double _earlyBoundary;
        private long _lastLostUs = long.MinValue;
        private bool _windowVoid;

        public ResponseDetector(DetectorSettings settings, ZHistory history, long periodUs, IDecisionListener listener)
        {
            _settings = settings;
            _history = history;
            _periodUs = periodUs;
            _listener = listener;
            _early = settings.Rule == DecisionRule.Early ? new EarlyEvidence(settings, history, periodUs) : null;
        }

        /// <summary>The early rule's statistics (null with the window rule).</summary>
        public EarlyEvidence Early => _early;

        /// <summary>True while a response window is open (the engine keeps the baselines frozen meanwhile).</summary>
        public bool IsMeasuring => Measuring;

        /// <summary><see cref="IsMeasuring"/> as a field for the pipeline, which reads it several times a cycle. Only this class writes it.</summary>
        internal bool Measuring;

        /// <summary>The cycles the history must hold: pre + post + the confirmation delay, plus a margin.</summary>
        public static int HistoryCapacity(DetectorSettings detector, EncounterSettings encounter, long periodUs)
        {
            long spanUs = detector.PreUs + detector.PostUs + encounter.MinDurationUs + encounter.DebounceUs + 2000000;
            return (int)(spanUs / periodUs) + 2;
        }

        /// <summary>An encounter was confirmed at <paramref name="nowUs"/> with contact from <paramref name="onsetUs"/>.</summary>
        public void OnEncounterOn(long onsetUs, long nowUs)
        {
            _engaged = true;
            if (Measuring)
            {
                _listener.OnDecision(DecisionOutcome.Overlap, onsetUs, nowUs, double.NaN, double.NaN, false);
                return;
            }

            _nextLook = 0;
            _decidedEarly = false;
            if (_early != null)
            {
                _early.BeginEncounter();
            }

            Measuring = true;
            _encounterOpen = true;
            _dropDone = false;
            _dropRunStartUs = -1;
            _onsetUs = onsetUs;
            _windowVoid = _lastLostUs >= onsetUs - _settings.PreUs;
            int valid;
            int seen;
            _preMean = _history.Mean(onsetUs - _settings.PreUs, onsetUs, out valid, out seen);
            _preValid = _history.Covers(onsetUs - _settings.PreUs + _periodUs) && EnoughOf(valid, _settings.PreUs);
        }

        /// <summary>The encounter is over; a drop can no longer be detected, but the post window still closes.</summary>
        public void OnEncounterOff(long nowUs)
        {
            _encounterOpen = false;
            _engaged = false;
            _quietSinceUs = nowUs;
        }

        /// <summary>
        /// The light at <paramref name="lostUs"/> belonged to an episode of loss: a window open now, or one whose
        /// pre-onset span reaches back to it, is void.
        /// </summary>
        public void OnLightLost(long lostUs)
        {
            if (lostUs > _lastLostUs)
            {
                _lastLostUs = lostUs;
            }

            if (Measuring && lostUs >= _onsetUs - _settings.PreUs)
            {
                _windowVoid = true;
            }
        }

        /// <summary>A new cycle's z (NaN if invalid), already added to the history, completed at <paramref name="nowUs"/>.</summary>
        public void OnSample(long sampleTimeUs, double z, long nowUs)
        {
            if (!Measuring)
            {
                if (_early != null && !_engaged)
                {
                    _early.OnQuietCycle(nowUs, _quietSinceUs);
                }

                return;
            }

            if (_early != null && _preValid && !_windowVoid)
            {
                LookEarly(sampleTimeUs, nowUs);
            }

            if (_encounterOpen && !_dropDone && _settings.DropEnabled && _preValid && !_windowVoid && sampleTimeUs >= _onsetUs)
            {
                CheckDrop(sampleTimeUs, z, nowUs);
            }

            if (sampleTimeUs + _periodUs >= _onsetUs + _settings.PostUs)
            {
                Decide(nowUs);
            }
        }

        /// <summary>Decides now if the post window has closed without a cycle to close it (samples stopped).</summary>
        public void Poll(long nowUs)
        {
            if (Measuring && nowUs >= _onsetUs + _settings.PostUs + 2 * _periodUs)
            {
                Decide(nowUs);
            }
        }

        private void CheckDrop(long sampleTimeUs, double z, long nowUs)
        {
            if (!double.IsNaN(z) && z < _preMean - _settings.DropK)
            {
                if (_dropRunStartUs < 0)
                {
                    _dropRunStartUs = sampleTimeUs;
                }

                if (sampleTimeUs + _periodUs - _dropRunStartUs >= _settings.DropMinUs)
                {
                    _dropDone = true;
                    int valid;
                    int seen;
                    double postSoFar = _history.Mean(_onsetUs, sampleTimeUs + _periodUs, out valid, out seen);
                    _listener.OnDecision(DecisionOutcome.Drop, _onsetUs, nowUs, postSoFar - _preMean, _preMean, false);
                }
            }
            else
            {
                _dropRunStartUs = -1;
            }
        }

        /// <summary>Every look whose time the cycle reached: the growing window's Δz, and perhaps an early decision.</summary>
        private void LookEarly(long sampleTimeUs, long nowUs)
        {
            while (_nextLook < _early.Looks && sampleTimeUs + _periodUs >= _onsetUs + _early.OffsetUs(_nextLook))
            {
                int valid;
                int seen;
                long lookEndUs = _onsetUs + _early.OffsetUs(_nextLook);
                double mean = _history.Mean(_onsetUs, lookEndUs, out valid, out seen);
                double dz = EnoughOf(valid, lookEndUs - _onsetUs) ? mean - _preMean : double.NaN;
                int outcome = _early.Judge(_nextLook, dz);
                _nextLook++;
                if (outcome >= 0 && !_decidedEarly)
                {
                    _decidedEarly = true;
                    _earlyOutcome = (DecisionOutcome)outcome;
                    _earlyLatencyUs = nowUs - _onsetUs;
                    _earlyBoundary = _early.LastBoundary;
                    _listener.OnDecision(_earlyOutcome, _onsetUs, nowUs, dz, _preMean, true);
                }
            }
        }

        private void Decide(long nowUs)
        {
            Measuring = false;
            _quietSinceUs = nowUs;
            int valid;
            int seen;
            double postMean = _history.Mean(_onsetUs, _onsetUs + _settings.PostUs, out valid, out seen);
            bool postValid = EnoughOf(valid, _settings.PostUs);
            DecisionOutcome outcome;
            double deltaZ;
            if (!_preValid || !postValid || _windowVoid)
            {
                outcome = DecisionOutcome.Insufficient;
                deltaZ = _preValid && valid > 0 && !_windowVoid ? postMean - _preMean : double.NaN;
            }
            else
            {
                deltaZ = postMean - _preMean;
                outcome = deltaZ < _settings.DeficitThreshold ? DecisionOutcome.Deficit : DecisionOutcome.Response;
            }

            if (_decidedEarly)
            {
                _listener.OnScored(outcome, _onsetUs, nowUs, deltaZ, _earlyOutcome, _earlyLatencyUs, _earlyBoundary);
            }
            else
            {
                _listener.OnDecision(outcome, _onsetUs, nowUs, deltaZ, _preMean, false);
            }

            if (_early != null)
            {
                _early.EndEncounter(outcome);
            }
        }

        private bool EnoughOf(int valid, long windowUs)
        {
            long expected = windowUs / _periodUs;
            return valid > 0 && valid * 2 >= expected;
        }
    }
}
