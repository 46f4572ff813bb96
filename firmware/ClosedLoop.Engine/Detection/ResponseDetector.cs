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
    /// z is in units of the robust spread, so "k spreads" is simply k. Allocation-free.
    /// </summary>
    internal sealed class ResponseDetector
    {
        private readonly DetectorSettings _settings;
        private readonly ZHistory _history;
        private readonly IDecisionListener _listener;
        private readonly long _periodUs;

        private bool _measuring;
        private bool _encounterOpen;
        private bool _dropDone;
        private long _onsetUs;
        private double _preMean;
        private bool _preValid;
        private long _dropRunStartUs = -1;

        public ResponseDetector(DetectorSettings settings, ZHistory history, long periodUs, IDecisionListener listener)
        {
            _settings = settings;
            _history = history;
            _periodUs = periodUs;
            _listener = listener;
        }

        /// <summary>True while a response window is open (the engine keeps the baselines frozen meanwhile).</summary>
        public bool IsMeasuring
        {
            get { return _measuring; }
        }

        /// <summary>The cycles the history must hold: pre + post + the confirmation delay, plus a margin.</summary>
        public static int HistoryCapacity(DetectorSettings detector, EncounterSettings encounter, long periodUs)
        {
            long spanUs = detector.PreUs + detector.PostUs + encounter.MinDurationUs + encounter.DebounceUs + 2000000;
            return (int)(spanUs / periodUs) + 2;
        }

        /// <summary>An encounter was confirmed at <paramref name="nowUs"/> with contact from <paramref name="onsetUs"/>.</summary>
        public void OnEncounterOn(long onsetUs, long nowUs)
        {
            if (_measuring)
            {
                _listener.OnDecision(DecisionOutcome.Overlap, onsetUs, nowUs, double.NaN, double.NaN);
                return;
            }

            _measuring = true;
            _encounterOpen = true;
            _dropDone = false;
            _dropRunStartUs = -1;
            _onsetUs = onsetUs;
            int valid;
            int seen;
            _preMean = _history.Mean(onsetUs - _settings.PreUs, onsetUs, out valid, out seen);
            _preValid = _history.Covers(onsetUs - _settings.PreUs + _periodUs) && EnoughOf(valid, _settings.PreUs);
        }

        /// <summary>The encounter is over; a drop can no longer be detected, but the post window still closes.</summary>
        public void OnEncounterOff()
        {
            _encounterOpen = false;
        }

        /// <summary>A new cycle's z (NaN if invalid), already added to the history, completed at <paramref name="nowUs"/>.</summary>
        public void OnSample(long sampleTimeUs, double z, long nowUs)
        {
            if (!_measuring)
            {
                return;
            }

            if (_encounterOpen && !_dropDone && _settings.DropEnabled && _preValid && sampleTimeUs >= _onsetUs)
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
            if (_measuring && nowUs >= _onsetUs + _settings.PostUs + 2 * _periodUs)
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
                    _listener.OnDecision(DecisionOutcome.Drop, _onsetUs, nowUs, postSoFar - _preMean, _preMean);
                }
            }
            else
            {
                _dropRunStartUs = -1;
            }
        }

        private void Decide(long nowUs)
        {
            _measuring = false;
            int valid;
            int seen;
            double postMean = _history.Mean(_onsetUs, _onsetUs + _settings.PostUs, out valid, out seen);
            bool postValid = EnoughOf(valid, _settings.PostUs);
            if (!_preValid || !postValid)
            {
                _listener.OnDecision(DecisionOutcome.Insufficient, _onsetUs, nowUs, _preValid && valid > 0 ? postMean - _preMean : double.NaN, _preMean);
                return;
            }

            double deltaZ = postMean - _preMean;
            DecisionOutcome outcome = deltaZ < _settings.DeficitThreshold ? DecisionOutcome.Deficit : DecisionOutcome.Response;
            _listener.OnDecision(outcome, _onsetUs, nowUs, deltaZ, _preMean);
        }

        private bool EnoughOf(int valid, long windowUs)
        {
            long expected = windowUs / _periodUs;
            return valid > 0 && valid * 2 >= expected;
        }
    }
}
