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

        /// <summary>
        /// One test's detector and what it decided. Held in a local: nanoFramework's UnitTestLauncher never creates
        /// the test class (it invokes each test method with a null target), so a test class must keep no instance state.
        /// </summary>
        private sealed class DetectorBench
        {
            public readonly Decisions Decisions = new Decisions();
            public readonly ZHistory History;
            public readonly ResponseDetector Detector;

            public DetectorBench(string config)
            {
                RigConfig rig = ConfigLoader.Load(config).Config;
                History = new ZHistory(ResponseDetector.HistoryCapacity(rig.Detector, rig.Encounter, PeriodUs));
                Detector = new ResponseDetector(rig.Detector, History, PeriodUs, Decisions);
            }

            /// <summary>Cycles from <paramref name="fromUs"/> (inclusive) to <paramref name="toUs"/> (exclusive), all at z.</summary>
            public void Feed(long fromUs, long toUs, double z)
            {
                for (long t = fromUs; t < toUs; t += PeriodUs)
                {
                    History.Add(t, z);
                    Detector.OnSample(t, z, t + PeriodUs);
                }
            }
        }

        [TestMethod]
        public static void A_rise_of_two_spreads_after_onset_is_a_response()
        {
            DetectorBench b = new DetectorBench(string.Empty);
            b.Feed(0, OnsetUs, 0);
            b.Detector.OnEncounterOn(OnsetUs, OnsetUs);
            b.Feed(OnsetUs, OnsetUs + 3500000, 2);

            Assert.AreEqual(1, b.Decisions.Count);
            Assert.AreEqual((int)DecisionOutcome.Response, (int)b.Decisions.Last);
            Assert.IsTrue(b.Decisions.LastDeltaZ > 1.99 && b.Decisions.LastDeltaZ < 2.01);
        }

        [TestMethod]
        public static void A_rise_below_the_threshold_is_a_deficit_decided_when_the_post_window_closes()
        {
            DetectorBench b = new DetectorBench(string.Empty);
            b.Feed(0, OnsetUs, 0);
            b.Detector.OnEncounterOn(OnsetUs, OnsetUs);
            b.Feed(OnsetUs, OnsetUs + 3500000, 0.4);

            Assert.AreEqual((int)DecisionOutcome.Deficit, (int)b.Decisions.Last);
            Assert.IsTrue(b.Decisions.LastAtUs >= OnsetUs + 3000000 && b.Decisions.LastAtUs <= OnsetUs + 3000000 + 2 * PeriodUs);
        }

        [TestMethod]
        public static void Z_held_two_spreads_below_the_pre_mean_for_half_a_second_is_a_drop_before_the_window_closes()
        {
            DetectorBench b = new DetectorBench(string.Empty);
            b.Feed(0, OnsetUs, 0);
            b.Detector.OnEncounterOn(OnsetUs, OnsetUs);
            b.Feed(OnsetUs, OnsetUs + 1000000, -3);

            Assert.AreEqual(1, b.Decisions.Count);
            Assert.AreEqual((int)DecisionOutcome.Drop, (int)b.Decisions.Last);
        }

        [TestMethod]
        public static void A_post_window_without_valid_cycles_is_insufficient_not_a_deficit()
        {
            DetectorBench b = new DetectorBench(string.Empty);
            b.Feed(0, OnsetUs, 0);
            b.Detector.OnEncounterOn(OnsetUs, OnsetUs);
            b.Feed(OnsetUs, OnsetUs + 3500000, double.NaN);

            Assert.AreEqual((int)DecisionOutcome.Insufficient, (int)b.Decisions.Last);
        }

        /// <summary>The early rule's bench after quiet time until <paramref name="onsetUs"/>: small alternating z, from which the rule learns its no-response spread.</summary>
        private static DetectorBench QuietThenEncounter(long onsetUs)
        {
            DetectorBench b = new DetectorBench("[detector]\nrule = early\n");
            for (long t = 0; t < onsetUs; t += PeriodUs)
            {
                double z = (t / PeriodUs) % 2 == 0 ? 0.3 : -0.3;
                b.History.Add(t, z);
                b.Detector.OnSample(t, z, t + PeriodUs);
            }

            return b;
        }

        [TestMethod]
        public static void The_early_rule_decides_a_flat_encounter_at_its_first_look_and_scores_it_when_the_window_closes()
        {
            long onsetUs = 60000000;
            DetectorBench b = QuietThenEncounter(onsetUs);

            Assert.IsTrue(b.Detector.Early.IsReady);
            b.Detector.OnEncounterOn(onsetUs, onsetUs);
            b.Feed(onsetUs, onsetUs + 1000000, 0);

            Assert.AreEqual(1, b.Decisions.Count);
            Assert.AreEqual((int)DecisionOutcome.Deficit, (int)b.Decisions.Last);
            Assert.AreEqual(onsetUs + 500000, b.Decisions.LastAtUs);
            Assert.AreEqual(0, b.Decisions.Scored);

            b.Feed(onsetUs + 1000000, onsetUs + 3500000, 0);

            Assert.AreEqual(1, b.Decisions.Count);
            Assert.AreEqual(1, b.Decisions.Scored);
        }


        [TestMethod]
        public static void The_early_rule_calls_a_clear_response_at_its_first_look_and_learns_from_it()
        {
            long onsetUs = 60000000;
            DetectorBench b = QuietThenEncounter(onsetUs);
            b.Detector.OnEncounterOn(onsetUs, onsetUs);
            b.Feed(onsetUs, onsetUs + 3500000, 3);

            Assert.AreEqual(1, b.Decisions.Count);
            Assert.AreEqual((int)DecisionOutcome.Response, (int)b.Decisions.Last);
            Assert.AreEqual(onsetUs + 500000, b.Decisions.LastAtUs);
            Assert.AreEqual(1, b.Decisions.Scored);
            Assert.AreEqual(1, b.Detector.Early.ResponsesLearned);
        }

        [TestMethod]
        public static void Until_the_early_rule_has_measured_enough_quiet_time_the_window_decides()
        {
            // Onset at 20 s: fewer quiet looks than the rule needs before it may decide early.
            long onsetUs = 20000000;
            DetectorBench b = QuietThenEncounter(onsetUs);
            Assert.IsFalse(b.Detector.Early.IsReady);
            b.Detector.OnEncounterOn(onsetUs, onsetUs);
            b.Feed(onsetUs, onsetUs + 3500000, 0);

            Assert.AreEqual(1, b.Decisions.Count);
            Assert.AreEqual((int)DecisionOutcome.Deficit, (int)b.Decisions.Last);
            Assert.IsTrue(b.Decisions.LastAtUs >= onsetUs + 2000000 && b.Decisions.LastAtUs <= onsetUs + 3000000 + 2 * PeriodUs);
            Assert.AreEqual(0, b.Decisions.Scored);
        }

        [TestMethod]
        public static void A_second_encounter_while_a_window_is_open_is_an_overlap()
        {
            DetectorBench b = new DetectorBench(string.Empty);
            b.Feed(0, OnsetUs, 0);
            b.Detector.OnEncounterOn(OnsetUs, OnsetUs);
            b.Feed(OnsetUs, OnsetUs + 1000000, 1.5);
            b.Detector.OnEncounterOn(OnsetUs + 1000000, OnsetUs + 1000000);

            Assert.AreEqual((int)DecisionOutcome.Overlap, (int)b.Decisions.Last);
            Assert.IsTrue(b.Detector.IsMeasuring);
        }
    }
}
