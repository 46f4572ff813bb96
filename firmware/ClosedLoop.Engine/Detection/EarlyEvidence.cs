using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Core;

namespace ClosedLoop.Engine.Detection
{
    /// <summary>
    /// The early rule's statistics and boundaries ([detector] rule = early). At each look, early_min_ms after onset
    /// and then every early_step_ms while the post window is open, the detector measures the growing-window
    /// <c>d = mean z over [onset, onset + t) - pre-onset mean</c> (the paper's Δz with a shorter post window) and
    /// asks which of two Gaussian models it fits:
    /// <list type="bullet">
    /// <item><b>no response</b>: d ~ N(0, s0(t)²). s0(t) is the animal's own: the spread of the same statistic at
    /// pseudo-onsets in quiet stretches of its recording (no encounter, no window open), learned online.</item>
    /// <item><b>response</b>: d ~ N(m1(t), s1(t)²). m1 and s1 are learned from clear responses (the full window said
    /// response and the last look lay above the response boundary, so that an isolated animal's few responses are not
    /// drowned by its no-response encounters that happen to cross the threshold), mixed with a prior worth three responses: mean response_dz, spread s0(t) (a response varies at least
    /// as much as the signal without one), so that a rig decides early from its first encounters and follows the
    /// animal as its responses are seen.</item>
    /// </list>
    /// A deficit is decided when d lies below both the deficit threshold and m1 - q_fd × s1, so that a typical
    /// response is called a deficit at one look with probability early_false_deficit / looks (a Bonferroni split:
    /// at most early_false_deficit over all looks under the model). A response is decided when d lies above both
    /// the threshold and q_fr × s0. Neither: look again; the window's close decides as before. This is a repeated
    /// fixed-sample likelihood test with error spending rather than Wald's SPRT, because successive looks share their
    /// samples (z is strongly autocorrelated) and a cumulative log-likelihood would count them again and again.
    /// No early decision is made until <see cref="MinQuietLooks"/> pseudo-onsets have been measured. Allocation-free.
    /// </summary>
    internal sealed class EarlyEvidence
    {
        /// <summary>The most looks one window may have (the tables below are allocated once).</summary>
        public const int MaxLooks = 48;

        /// <summary>Pseudo-onsets needed before s0 is trusted: half a minute of quiet recording at one a second.</summary>
        public const int MinQuietLooks = 30;

        /// <summary>How far apart pseudo-onsets are taken.</summary>
        public const long QuietSpacingUs = 1000000;

        /// <summary>The learned spreads follow the recent past: about the last 100 pseudo-onsets and 50 responses.</summary>
        private const int QuietMemory = 100;
        private const int ResponseMemory = 50;

        /// <summary>The prior response_dz counts as this many responses.</summary>
        private const int PriorResponses = 3;

        private readonly DetectorSettings _settings;
        private readonly ZHistory _history;
        private readonly long _periodUs;
        private readonly int _looks;
        private readonly double _deficitQuantile;
        private readonly double _responseQuantile;

        private readonly double[] _quietSquare;
        private readonly double[] _responseMean;
        private readonly double[] _responseVariance;
        private readonly double[] _encounterDz;
        private readonly double[] _sums;
        private readonly int[] _valid;

        private bool _clearAtLastLook;
        private int _quietCount;
        private int _responseCount;
        private long _nextQuietUs;

        public EarlyEvidence(DetectorSettings settings, ZHistory history, long periodUs)
        {
            _settings = settings;
            _history = history;
            _periodUs = periodUs;
            _looks = (int)((settings.PostUs - settings.EarlyMinUs - 1) / settings.EarlyStepUs + 1);
            _deficitQuantile = Numeric.NormalQuantile(1 - settings.EarlyFalseDeficit / _looks);
            _responseQuantile = Numeric.NormalQuantile(1 - settings.EarlyFalseResponse / _looks);
            _quietSquare = new double[_looks];
            _responseMean = new double[_looks];
            _responseVariance = new double[_looks];
            _encounterDz = new double[_looks];
            _sums = new double[_looks];
            _valid = new int[_looks];
        }

        /// <summary>Looks per window.</summary>
        public int Looks => _looks;

        /// <summary>Whether enough quiet stretches were measured for early decisions.</summary>
        public bool IsReady => _quietCount >= MinQuietLooks;

        /// <summary>Pseudo-onsets measured so far.</summary>
        public int QuietLooks => _quietCount;

        /// <summary>Full-window responses learned so far.</summary>
        public int ResponsesLearned => _responseCount;

        /// <summary>The boundary the last look that decided crossed (z).</summary>
        public double LastBoundary { get; private set; }

        /// <summary>How long after onset look <paramref name="k"/> is taken.</summary>
        public long OffsetUs(int k)
        {
            return _settings.EarlyMinUs + k * _settings.EarlyStepUs;
        }

        /// <summary>The spread of d at look k without a response, as learned (NaN before the first pseudo-onset).</summary>
        public double QuietSpread(int k)
        {
            return _quietCount == 0 ? double.NaN : Numeric.Sqrt(_quietSquare[k]);
        }

        /// <summary>The mean of d at look k over the responses learned (NaN before the first).</summary>
        public double LearnedResponseMean(int k)
        {
            return _responseCount == 0 ? double.NaN : _responseMean[k];
        }

        /// <summary>A new encounter's looks begin.</summary>
        public void BeginEncounter()
        {
            for (int k = 0; k < _looks; k++)
            {
                _encounterDz[k] = double.NaN;
            }

            _clearAtLastLook = false;
        }

        /// <summary>
        /// d at look <paramref name="k"/> of the open encounter: Deficit, Response, or -1 to look again (also while
        /// not yet ready or when d is NaN). <see cref="LastBoundary"/> says which boundary a decision crossed.
        /// </summary>
        public int Judge(int k, double dz)
        {
            _encounterDz[k] = dz;
            if (!IsReady || double.IsNaN(dz))
            {
                return -1;
            }

            double threshold = _settings.DeficitThreshold;
            double quietVariance = _quietSquare[k];
            double quietSpread = Numeric.Sqrt(quietVariance);

            // The prior and the learned responses, weighted by how many each stands for.
            double learned = _responseCount < ResponseMemory ? _responseCount : ResponseMemory;
            double weight = PriorResponses + learned;
            double responseMean = (PriorResponses * _settings.ResponseDz + learned * _responseMean[k]) / weight;
            double responseVariance = (PriorResponses * quietVariance + learned * _responseVariance[k]) / weight;
            if (responseVariance < quietVariance)
            {
                responseVariance = quietVariance;
            }

            double deficitBelow = responseMean - _deficitQuantile * Numeric.Sqrt(responseVariance);
            if (deficitBelow > threshold)
            {
                deficitBelow = threshold;
            }

            if (dz < deficitBelow)
            {
                LastBoundary = deficitBelow;
                return (int)DecisionOutcome.Deficit;
            }

            double responseAbove = _responseQuantile * quietSpread;
            if (responseAbove < threshold)
            {
                responseAbove = threshold;
            }

            if (dz > responseAbove)
            {
                LastBoundary = responseAbove;
                _clearAtLastLook = k == _looks - 1;
                return (int)DecisionOutcome.Response;
            }

            return -1;
        }

        /// <summary>The window closed with <paramref name="outcome"/>: a clear response teaches the model what a response looks like at each look.</summary>
        public void EndEncounter(DecisionOutcome outcome)
        {
            if (outcome != DecisionOutcome.Response || !_clearAtLastLook)
            {
                return;
            }

            for (int k = 0; k < _looks; k++)
            {
                if (double.IsNaN(_encounterDz[k]))
                {
                    return;
                }
            }

            _responseCount++;
            double w = 1.0 / (_responseCount < ResponseMemory ? _responseCount : ResponseMemory);
            for (int k = 0; k < _looks; k++)
            {
                double delta = _encounterDz[k] - _responseMean[k];
                _responseMean[k] += w * delta;
                _responseVariance[k] = (1 - w) * (_responseVariance[k] + w * delta * delta);
            }
        }

        /// <summary>
        /// A cycle completed at <paramref name="nowUs"/> with no encounter or window open since
        /// <paramref name="quietSinceUs"/>: once a second, measure d at every look for a pseudo-onset placed so
        /// that its pre window and its longest look lie in the quiet stretch.
        /// </summary>
        public void OnQuietCycle(long nowUs, long quietSinceUs)
        {
            if (nowUs < _nextQuietUs)
            {
                return;
            }

            long lastOffset = OffsetUs(_looks - 1);
            long onset = nowUs - lastOffset - _periodUs;
            long preStart = onset - _settings.PreUs;
            if (preStart < quietSinceUs || !_history.Covers(preStart))
            {
                return;
            }

            _nextQuietUs = nowUs + QuietSpacingUs;
            int preValid;
            int preSeen;
            double pre = _history.Mean(preStart, onset, out preValid, out preSeen);
            if (!EnoughOf(preValid, _settings.PreUs))
            {
                return;
            }

            _history.GrowingSums(onset, onset + _settings.EarlyMinUs, _settings.EarlyStepUs, _looks, _sums, _valid);
            for (int k = 0; k < _looks; k++)
            {
                if (!EnoughOf(_valid[k], OffsetUs(k)))
                {
                    return;
                }
            }

            _quietCount++;
            double w = 1.0 / (_quietCount < QuietMemory ? _quietCount : QuietMemory);
            for (int k = 0; k < _looks; k++)
            {
                double d = _sums[k] / _valid[k] - pre;
                _quietSquare[k] += w * (d * d - _quietSquare[k]);
            }
        }

        private bool EnoughOf(int valid, long windowUs)
        {
            long expected = windowUs / _periodUs;
            return valid > 0 && valid * 2 >= expected;
        }
    }
}
