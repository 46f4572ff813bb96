using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Detection;
using nanoFramework.TestFramework;

namespace ClosedLoop.Engine.NanoTests
{
    /// <summary>The paper's Δz rule and the drop rule, on z values the test chooses (100 cycles a second).</summary>
    [TestClass]
    public class DetectorTests
    {
        private const long PeriodUs = 10000;
        private const long OnsetUs = 10000000;

        private sealed class Decisions : IDecisionListener
        {
            public int Count;
            public DecisionOutcome Last;
            public double LastDeltaZ;
            public long LastAtUs;

            public int Scored;

            public void OnDecision(DecisionOutcome outcome, long onsetUs, long nowUs, double deltaZ, double preMeanZ, bool early)
            {
                Count++;
                Last = outcome;
                LastDeltaZ = deltaZ;
                LastAtUs = nowUs;
            }

            public void OnScored(DecisionOutcome outcome, long onsetUs, long nowUs, double deltaZ, DecisionOutcome earlyOutcome, long earlyLatencyUs, double earlyBoundary)
            {
                Scored++;
            }
        }

        private readonly Decisions _decisions = new Decisions();
        private ZHistory _history;
        private ResponseDetector _detector;

        private void Make()
        {
            RigConfig config = RigConfig.Default();
            _history = new ZHistory(ResponseDetector.HistoryCapacity(config.Detector, config.Encounter, PeriodUs));
            _detector = new ResponseDetector(config.Detector, _history, PeriodUs, _decisions);
        }

        /// <summary>Cycles from <paramref name="fromUs"/> (inclusive) to <paramref name="toUs"/> (exclusive), all at z.</summary>
        private void Feed(long fromUs, long toUs, double z)
        {
            for (long t = fromUs; t < toUs; t += PeriodUs)
            {
                _history.Add(t, z);
                _detector.OnSample(t, z, t + PeriodUs);
            }
        }

        [TestMethod]
        public void A_rise_of_two_spreads_after_onset_is_a_response()
        {
            Make();
            Feed(0, OnsetUs, 0);
            _detector.OnEncounterOn(OnsetUs, OnsetUs);
            Feed(OnsetUs, OnsetUs + 3500000, 2);

            Assert.AreEqual(1, _decisions.Count);
            Assert.AreEqual((int)DecisionOutcome.Response, (int)_decisions.Last);
            Assert.IsTrue(_decisions.LastDeltaZ > 1.99 && _decisions.LastDeltaZ < 2.01);
        }

        [TestMethod]
        public void A_rise_below_the_threshold_is_a_deficit_decided_when_the_post_window_closes()
        {
            Make();
            Feed(0, OnsetUs, 0);
            _detector.OnEncounterOn(OnsetUs, OnsetUs);
            Feed(OnsetUs, OnsetUs + 3500000, 0.4);

            Assert.AreEqual((int)DecisionOutcome.Deficit, (int)_decisions.Last);
            Assert.IsTrue(_decisions.LastAtUs >= OnsetUs + 3000000 && _decisions.LastAtUs <= OnsetUs + 3000000 + 2 * PeriodUs);
        }

        [TestMethod]
        public void Z_held_two_spreads_below_the_pre_mean_for_half_a_second_is_a_drop_before_the_window_closes()
        {
            Make();
            Feed(0, OnsetUs, 0);
            _detector.OnEncounterOn(OnsetUs, OnsetUs);
            Feed(OnsetUs, OnsetUs + 1000000, -3);

            Assert.AreEqual(1, _decisions.Count);
            Assert.AreEqual((int)DecisionOutcome.Drop, (int)_decisions.Last);
        }

        [TestMethod]
        public void A_post_window_without_valid_cycles_is_insufficient_not_a_deficit()
        {
            Make();
            Feed(0, OnsetUs, 0);
            _detector.OnEncounterOn(OnsetUs, OnsetUs);
            Feed(OnsetUs, OnsetUs + 3500000, double.NaN);

            Assert.AreEqual((int)DecisionOutcome.Insufficient, (int)_decisions.Last);
        }

        [TestMethod]
        public void The_early_rule_decides_a_flat_encounter_at_its_first_look_and_scores_it_when_the_window_closes()
        {
            RigConfig config = ConfigLoader.Load("[detector]\nrule = early\n").Config;
            _history = new ZHistory(ResponseDetector.HistoryCapacity(config.Detector, config.Encounter, PeriodUs));
            _detector = new ResponseDetector(config.Detector, _history, PeriodUs, _decisions);
            long onsetUs = 60000000;
            for (long t = 0; t < onsetUs; t += PeriodUs)
            {
                // Quiet time: small alternating z, from which the rule learns its no-response spread.
                double z = (t / PeriodUs) % 2 == 0 ? 0.3 : -0.3;
                _history.Add(t, z);
                _detector.OnSample(t, z, t + PeriodUs);
            }

            Assert.IsTrue(_detector.Early.IsReady);
            _detector.OnEncounterOn(onsetUs, onsetUs);
            Feed(onsetUs, onsetUs + 1000000, 0);

            Assert.AreEqual(1, _decisions.Count);
            Assert.AreEqual((int)DecisionOutcome.Deficit, (int)_decisions.Last);
            Assert.AreEqual(onsetUs + 500000, _decisions.LastAtUs);
            Assert.AreEqual(0, _decisions.Scored);

            Feed(onsetUs + 1000000, onsetUs + 3500000, 0);

            Assert.AreEqual(1, _decisions.Count);
            Assert.AreEqual(1, _decisions.Scored);
        }

        [TestMethod]
        public void A_second_encounter_while_a_window_is_open_is_an_overlap()
        {
            Make();
            Feed(0, OnsetUs, 0);
            _detector.OnEncounterOn(OnsetUs, OnsetUs);
            Feed(OnsetUs, OnsetUs + 1000000, 1.5);
            _detector.OnEncounterOn(OnsetUs + 1000000, OnsetUs + 1000000);

            Assert.AreEqual((int)DecisionOutcome.Overlap, (int)_decisions.Last);
            Assert.IsTrue(_detector.IsMeasuring);
        }
    }
}
