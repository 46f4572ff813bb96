using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Core;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Output;
using nanoFramework.TestFramework;

namespace ClosedLoop.Engine.NanoTests
{
    /// <summary>The only way to an output: armed, in a session, within every limit, and low on e-stop.</summary>
    [TestClass]
    public class OutputGateTests
    {
        /// <summary>
        /// One test's gate and its parts. Held in a local: nanoFramework's UnitTestLauncher never creates the test
        /// class (it invokes each test method with a null target), so a test class must keep no instance state.
        /// </summary>
        private sealed class GateBench
        {
            public readonly ManualClock Clock;
            public readonly CountingOutput Opto;
            public readonly CountingOutput Dose;
            public readonly EventJournal Journal;
            public readonly OutputGate Gate;

            public GateBench(string config)
            {
                ConfigLoadResult loaded = ConfigLoader.Load(config);
                Assert.IsTrue(loaded.IsValid);
                Clock = new ManualClock(1000000);
                Opto = new CountingOutput(Clock);
                Dose = new CountingOutput(Clock);
                Journal = new EventJournal(256, "rig-nano", 1);
                Gate = new OutputGate(loaded.Config.Output, Journal, Opto, Dose);
            }

            public void Request()
            {
                Gate.RequestFromDecision(Clock.NowMicros);
            }

            public int LastRefusal()
            {
                JournalEvent refused = JournalReader.Last(Journal, EventKind.OutputRefused);
                Assert.IsNotNull(refused);
                return refused.Flags;
            }
        }

        [TestMethod]
        public static void Outputs_are_forced_low_when_the_gate_is_made()
        {
            GateBench b = new GateBench(string.Empty);

            Assert.AreEqual(1, b.Opto.ForceLows);
            Assert.AreEqual(1, b.Dose.ForceLows);
        }

        [TestMethod]
        public static void A_decision_while_disarmed_or_outside_a_session_is_refused_and_journaled()
        {
            GateBench b = new GateBench(string.Empty);
            b.Request();
            Assert.AreEqual((int)RefusalReason.NotArmed, b.LastRefusal());

            b.Gate.Arm(b.Clock.NowMicros, ControlSource.Command);
            b.Request();
            Assert.AreEqual((int)RefusalReason.NoSession, b.LastRefusal());
            Assert.AreEqual(0, b.Opto.Starts);
        }

        [TestMethod]
        public static void Armed_in_a_session_a_decision_starts_the_configured_train_once_and_the_next_waits_its_interval()
        {
            GateBench b = new GateBench(string.Empty);
            b.Gate.Arm(b.Clock.NowMicros, ControlSource.Command);
            Assert.AreEqual((int)RefusalReason.None, (int)b.Gate.StartSession(b.Clock.NowMicros));

            b.Request();
            Assert.AreEqual(1, b.Opto.Starts);
            Assert.AreEqual(5000000L, b.Opto.LastTrainUs);
            Assert.AreEqual(1, JournalReader.Count(b.Journal, EventKind.OutputStarted));

            b.Clock.Advance(1000000);
            b.Request();
            Assert.AreEqual((int)RefusalReason.Busy, b.LastRefusal());

            b.Clock.Advance(5000000);
            b.Gate.Poll(b.Clock.NowMicros);
            b.Request();
            Assert.AreEqual((int)RefusalReason.Refractory, b.LastRefusal());
            Assert.AreEqual(1, b.Opto.Starts);
        }

        [TestMethod]
        public static void An_estop_drives_the_outputs_low_at_once_and_latches_until_reset_on_purpose()
        {
            GateBench b = new GateBench(string.Empty);
            b.Gate.Arm(b.Clock.NowMicros, ControlSource.Command);
            b.Gate.StartSession(b.Clock.NowMicros);
            b.Request();
            Assert.IsTrue(b.Opto.IsDriving);

            b.Gate.EStop(b.Clock.NowMicros, ControlSource.Input);
            Assert.IsFalse(b.Opto.IsDriving);
            Assert.IsFalse(b.Gate.IsArmed);
            Assert.AreEqual((int)RefusalReason.EStopLatched, (int)b.Gate.Arm(b.Clock.NowMicros, ControlSource.Command));

            Assert.AreEqual((int)RefusalReason.None, (int)b.Gate.ResetEStop(b.Clock.NowMicros, ControlSource.Command));
            Assert.IsFalse(b.Gate.IsArmed);
            Assert.AreEqual((int)RefusalReason.None, (int)b.Gate.Arm(b.Clock.NowMicros, ControlSource.Command));
        }

        [TestMethod]
        public static void A_sham_rig_counts_and_journals_its_trains_but_never_drives_the_pin()
        {
            GateBench b = new GateBench("[output]\nmode = sham\n");
            b.Gate.Arm(b.Clock.NowMicros, ControlSource.Command);
            b.Gate.StartSession(b.Clock.NowMicros);

            b.Request();

            Assert.AreEqual(0, b.Opto.Starts);
            Assert.AreEqual(1, b.Gate.SessionTrains);
            JournalEvent started = JournalReader.Last(b.Journal, EventKind.OutputStarted);
            Assert.IsNotNull(started);
            Assert.IsTrue((started.Flags & OutputFlags.Sham) != 0);
        }

        [TestMethod]
        public static void The_per_session_limit_holds_at_the_moment_of_output()
        {
            GateBench b = new GateBench("[opto]\nmax_trains_per_session = 2\nmin_interval_ms = 0\npulse_count = 1\n[output]\nrefractory_ms = 0\n");
            b.Gate.Arm(b.Clock.NowMicros, ControlSource.Command);
            b.Gate.StartSession(b.Clock.NowMicros);

            for (int i = 0; i < 3; i++)
            {
                b.Request();
                b.Clock.Advance(100000);
                b.Gate.Poll(b.Clock.NowMicros);
            }

            Assert.AreEqual(2, b.Opto.Starts);
            Assert.AreEqual((int)RefusalReason.MaxTrainsPerSession, b.LastRefusal());
        }
    }
}
