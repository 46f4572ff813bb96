using ClosedLoop.Data.Analysis;
using ClosedLoop.Engine.Detection;

namespace ClosedLoop.VirtualRig.Validation;

/// <summary>The outcome of one validation run: online vs offline vs ground truth, and how soon the rig decided.</summary>
public sealed record ValidationResult(
    double ShotNoise,
    int Measured,
    double Agreement,
    double Correlation,
    double Sensitivity,
    double Specificity,
    double SimulatedSeconds,
    DecisionSummary Timing)
{
    public override string ToString() =>
        $"shot noise {ShotNoise:P0}: {Measured} encounters, online/offline agreement {Agreement:P1}, r = {Correlation:F3}, " +
        $"sensitivity {Sensitivity:P1}, specificity {Specificity:P1}; {Timing} ({SimulatedSeconds / 60:F0} simulated minutes)";
}

/// <summary>
/// Runs a virtual rig through many random encounters, half of them with a response (ground truth known), and
/// compares the engine's online deficit decisions with an offline, non-causal GuPPy-style analysis of the same
/// recording (moving-average filter, least-squares control fit, dF/F, modified z over the whole recording,
/// Δz = mean z over [0, post) - mean z over [-pre, 0)) and with the truth.
/// </summary>
public static class DetectorValidation
{
    private const long Second = 1_000_000;

    /// <summary>
    /// Half the encounters evoke a response of 0.04 dF/F unless <paramref name="ownResponses"/> keeps the options'
    /// phenotype (and its share of responders, e.g. 15 % for isolation-reared).
    /// </summary>
    public static ValidationResult Run(SimulationOptions options, int encounters, RigConfig? config = null, bool ownResponses = false)
    {
        config ??= RigConfig.Default();
        if (!ownResponses)
        {
            options = options with { Responses = new ResponseModel(0.5, 0.04) };
        }

        var scenario = Scenario.Random(options.Seed, encounters, 60 * Second, 20 * Second, 40 * Second, 2 * Second, 8 * Second);
        var rig = new VirtualRig(config, options, scenario);
        var events = new EventCollector();
        rig.Engine.SetEventSink(events);
        var last = scenario.Encounters[^1];
        rig.RunUntil(last.OnsetUs + last.DurationUs + 10 * Second);

        var recorder = rig.Recorder;
        int startIndex = (int)(config.Processing.WarmupUs / config.Acquisition.PeriodUs);
        var offline = OfflineReference.Compute(recorder.TimeUs, recorder.RawSignal, recorder.RawControl, filterWindow: 13, ZScoreMethod.Modified, startIndex);

        var decisions = DecisionScores.From(events.Events);
        var scored = new List<ScoredDecision>();
        int agree = 0;
        int truePositive = 0;
        int falseNegative = 0;
        int trueNegative = 0;
        int falsePositive = 0;
        var online = new List<double>();
        var reference = new List<double>();
        foreach (var truth in rig.Truth)
        {
            // The engine dates onsets at the debounced TTL edge: the planned onset itself.
            if (!decisions.TryGetValue(truth.OnsetUs, out var decision) || !decision.IsMeasured)
            {
                continue;
            }

            double offlineDeltaZ = offline.DeltaZ(truth.OnsetUs, config.Detector.PreUs, config.Detector.PostUs);
            bool onlineDeficit = decision.Outcome == DecisionOutcome.Deficit;
            bool offlineDeficit = offlineDeltaZ < config.Detector.DeficitThreshold;
            scored.Add(decision);
            agree += (decision.Full == DecisionOutcome.Deficit) == offlineDeficit ? 1 : 0;
            online.Add(decision.FullDeltaZ);
            reference.Add(offlineDeltaZ);
            if (truth.IsDeficit)
            {
                truePositive += onlineDeficit ? 1 : 0;
                falseNegative += onlineDeficit ? 0 : 1;
            }
            else
            {
                trueNegative += onlineDeficit ? 0 : 1;
                falsePositive += onlineDeficit ? 1 : 0;
            }
        }

        int measured = scored.Count;
        return new ValidationResult(
            options.ShotNoise,
            measured,
            measured == 0 ? 0 : (double)agree / measured,
            online.Count < 2 ? double.NaN : OfflineReference.PearsonR(online, reference),
            (double)truePositive / Math.Max(1, truePositive + falseNegative),
            (double)trueNegative / Math.Max(1, trueNegative + falsePositive),
            rig.Clock.NowMicros / 1e6,
            DecisionScores.Summarize(scored));
    }
}
