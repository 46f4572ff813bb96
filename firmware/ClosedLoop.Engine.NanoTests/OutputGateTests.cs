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
        private ManualClock _clock;
        private CountingOutput _opto;
        private CountingOutput _dose;
        private EventJournal _journal;
        private OutputGate _gate;

        private void Make(string config)
        {
            ConfigLoadResult loaded = ConfigLoader.Load(config);
            Assert.IsTrue(loaded.IsValid);
            _clock = new ManualClock(1000000);
            _opto = new CountingOutput(_clock);
            _dose = new CountingOutput(_clock);
            _journal = new EventJournal(256, "rig-nano", 1);
            _gate = new OutputGate(loaded.Config.Output, _journal, _opto, _dose);
        }

        private void Request()
        {
            _gate.RequestFromDecision(_clock.NowMicros);
        }

        private int LastRefusal()
        {
            JournalEvent refused = JournalReader.Last(_journal, EventKind.OutputRefused);
            Assert.IsNotNull(refused);
            return refused.Flags;
        }

        [TestMethod]
        public void Outputs_are_forced_low_when_the_gate_is_made()
        {
            Make(string.Empty);

            Assert.AreEqual(1, _opto.ForceLows);
            Assert.AreEqual(1, _dose.ForceLows);
        }

        [TestMethod]
        public void A_decision_while_disarmed_or_outside_a_session_is_refused_and_journaled()
        {
            Make(string.Empty);
            Request();
            Assert.AreEqual((int)RefusalReason.NotArmed, LastRefusal());

            _gate.Arm(_clock.NowMicros, ControlSource.Command);
            Request();
            Assert.AreEqual((int)RefusalReason.NoSession, LastRefusal());
            Assert.AreEqual(0, _opto.Starts);
        }

        [TestMethod]
        public void Armed_in_a_session_a_decision_starts_the_configured_train_once_and_the_next_waits_its_interval()
        {
            Make(string.Empty);
            _gate.Arm(_clock.NowMicros, ControlSource.Command);
            Assert.AreEqual((int)RefusalReason.None, (int)_gate.StartSession(_clock.NowMicros));

            Request();
            Assert.AreEqual(1, _opto.Starts);
            Assert.AreEqual(5000000L, _opto.LastTrainUs);
            Assert.AreEqual(1, JournalReader.Count(_journal, EventKind.OutputStarted));

            _clock.Advance(1000000);
            Request();
            Assert.AreEqual((int)RefusalReason.Busy, LastRefusal());

            _clock.Advance(5000000);
            _gate.Poll(_clock.NowMicros);
            Request();
            Assert.AreEqual((int)RefusalReason.Refractory, LastRefusal());
            Assert.AreEqual(1, _opto.Starts);
        }

        [TestMethod]
        public void An_estop_drives_the_outputs_low_at_once_and_latches_until_reset_on_purpose()
        {
            Make(string.Empty);
            _gate.Arm(_clock.NowMicros, ControlSource.Command);
            _gate.StartSession(_clock.NowMicros);
            Request();
            Assert.IsTrue(_opto.IsDriving);

            _gate.EStop(_clock.NowMicros, ControlSource.Input);
            Assert.IsFalse(_opto.IsDriving);
            Assert.IsFalse(_gate.IsArmed);
            Assert.AreEqual((int)RefusalReason.EStopLatched, (int)_gate.Arm(_clock.NowMicros, ControlSource.Command));

            Assert.AreEqual((int)RefusalReason.None, (int)_gate.ResetEStop(_clock.NowMicros, ControlSource.Command));
            Assert.IsFalse(_gate.IsArmed);
            Assert.AreEqual((int)RefusalReason.None, (int)_gate.Arm(_clock.NowMicros, ControlSource.Command));
        }

        [TestMethod]
        public void A_sham_rig_counts_and_journals_its_trains_but_never_drives_the_pin()
        {
            Make("[output]\nmode = sham\n");
            _gate.Arm(_clock.NowMicros, ControlSource.Command);
            _gate.StartSession(_clock.NowMicros);

            Request();

            Assert.AreEqual(0, _opto.Starts);
            Assert.AreEqual(1, _gate.SessionTrains);
            JournalEvent started = JournalReader.Last(_journal, EventKind.OutputStarted);
            Assert.IsNotNull(started);
            Assert.IsTrue((started.Flags & OutputFlags.Sham) != 0);
        }

        [TestMethod]
        public void The_per_session_limit_holds_at_the_moment_of_output()
        {
            Make("[opto]\nmax_trains_per_session = 2\nmin_interval_ms = 0\npulse_count = 1\n[output]\nrefractory_ms = 0\n");
            _gate.Arm(_clock.NowMicros, ControlSource.Command);
            _gate.StartSession(_clock.NowMicros);

            for (int i = 0; i < 3; i++)
            {
                Request();
                _clock.Advance(100000);
                _gate.Poll(_clock.NowMicros);
            }

            Assert.AreEqual(2, _opto.Starts);
            Assert.AreEqual((int)RefusalReason.MaxTrainsPerSession, LastRefusal());
        }
    }
}
