using ClosedLoop.Engine.Acquisition;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Core;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Output;
using ClosedLoop.Engine.Wire;
using nanoFramework.TestFramework;

namespace ClosedLoop.Engine.NanoTests
{
    /// <summary>What the link thread takes from the engine: journal events in order, and cycles as numbered frames.</summary>
    [TestClass]
    public class PublishQueueTests
    {
        /// <summary>An engine, armed and in a session, with its publish queue (no spill store), held in locals.</summary>
        private sealed class Rig
        {
            public readonly ManualClock Clock = new ManualClock(0);
            public readonly object Lock = new object();
            public readonly ClosedLoopEngine Engine;
            public readonly PublishQueue Queue;

            public Rig()
            {
                CountingOutput output = new CountingOutput(Clock);
                Engine = new ClosedLoopEngine(RigConfig.Default(), Clock, 1, new FixedExcitation(), output, output);
                Queue = new PublishQueue(Engine, Lock, 4, null, 0, null, 0);
                Engine.SetSampleSink(Queue);
                Engine.Arm();
                Engine.StartSession();
            }

            /// <summary>Cycles [from, to): two readings in each phase's settled middle.</summary>
            public void Cycles(long from, long to)
            {
                AcquisitionSettings a = Engine.Config.Acquisition;
                long[] offsets = new long[] { a.SettleUs + 100, a.SignalOnUs - 100, a.SignalOnUs + a.SettleUs + 100, a.SignalOnUs + a.ControlOnUs - 100, a.SignalOnUs + a.ControlOnUs + a.SettleUs + 100, a.PeriodUs - 100 };
                int[] values = new int[] { 2000, 2000, 1000, 1000, 100, 100 };
                for (long c = from; c < to; c++)
                {
                    for (int i = 0; i < offsets.Length; i++)
                    {
                        long t = c * a.PeriodUs + offsets[i];
                        Clock.AdvanceTo(t);
                        Engine.OnReading(t, values[i]);
                    }
                }
            }
        }

        [TestMethod]
        public static void Events_leave_in_order_and_each_stays_until_it_is_acknowledged()
        {
            Rig rig = new Rig();
            JournalEvent peeked = new JournalEvent();
            long expected = 1;
            bool sawArmed = false;
            while (rig.Queue.TryPeekEvent(peeked))
            {
                Assert.AreEqual(expected, peeked.Sequence);

                // Not acknowledged yet: the same event again (a publish that failed is retried).
                JournalEvent again = new JournalEvent();
                Assert.IsTrue(rig.Queue.TryPeekEvent(again));
                Assert.AreEqual(peeked.Sequence, again.Sequence);

                sawArmed |= peeked.Kind == EventKind.Armed;
                rig.Queue.EventSent(peeked);
                expected++;
            }

            Assert.IsTrue(sawArmed);
            Assert.AreEqual(expected, rig.Queue.NextEventSequence);
        }

        [TestMethod]
        public static void Cycles_leave_as_frames_numbered_from_one_once_a_batch_is_full()
        {
            Rig rig = new Rig();
            byte[] frame = new byte[rig.Queue.MaxFrameBytes];
            Assert.AreEqual(0, rig.Queue.TakeNextFrame(frame));

            rig.Cycles(0, 130);

            Assert.IsTrue(rig.Queue.NewestFrame >= 30);
            long taken = 0;
            int length;
            while ((length = rig.Queue.TakeNextFrame(frame)) > 0)
            {
                Assert.AreEqual(taken + 1, rig.Queue.NextFrameNumber);
                rig.Queue.FrameSent();
                taken++;
            }

            Assert.AreEqual(rig.Queue.NewestFrame, taken);
            Assert.AreEqual(0, (int)rig.Queue.FramesPending);
        }
    }
}
