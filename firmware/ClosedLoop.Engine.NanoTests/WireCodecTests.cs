using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Processing;
using ClosedLoop.Engine.Wire;
using nanoFramework.TestFramework;

namespace ClosedLoop.Engine.NanoTests
{
    /// <summary>What the board writes and reads on the wire: events, commands and sample frames.</summary>
    [TestClass]
    public class WireCodecTests
    {
        [TestMethod]
        public static void A_decision_event_goes_out_as_json_and_comes_back_whole()
        {
            JournalEvent e = new JournalEvent();
            e.Sequence = 42;
            e.TimeUs = 183500000;
            e.Kind = EventKind.Decision;
            e.Code = 1;
            e.Ref1 = 180400000;
            e.Ref2 = 3100000;
            e.Value1 = -0.25;
            e.Value2 = 0.5;
            byte[] buffer = new byte[EventJson.MaxEventBytes];
            EventJson json = new EventJson();

            int length = json.Write("rig-nano", 7, e, buffer, 0);
            JournalEvent back = new JournalEvent();
            EventIdentity identity = new EventIdentity();
            string error = json.TryRead(buffer, 0, length, back, identity);

            Assert.IsNull(error);
            Assert.AreEqual("rig-nano", identity.RigId);
            Assert.AreEqual(7L, identity.BootId);
            Assert.AreEqual(42L, back.Sequence);
            Assert.AreEqual((int)EventKind.Decision, (int)back.Kind);
            Assert.AreEqual(1, back.Code);
            Assert.AreEqual(180400000L, back.Ref1);
            Assert.AreEqual(3100000L, back.Ref2);
            Assert.IsTrue(back.Value1 == -0.25 && back.Value2 == 0.5);
        }

        [TestMethod]
        public static void A_command_is_written_and_read_back_with_its_freshness_fields()
        {
            byte[] buffer = new byte[CommandJson.MaxBytes];
            CommandJson command = new CommandJson();

            int length = command.Write(CommandKind.Arm, 0, 81233, "alice", 7, 95000000, buffer, 0);

            Assert.IsTrue(command.TryRead(buffer, 0, length));
            Assert.AreEqual((int)CommandKind.Arm, (int)command.Kind);
            Assert.AreEqual(81233L, command.Id);
            Assert.AreEqual(7L, command.Boot);
            Assert.AreEqual(95000000L, command.UntilUs);
        }

        [TestMethod]
        public static void A_command_that_is_not_json_is_refused_with_a_reason()
        {
            byte[] garbage = new byte[] { (byte)'a', (byte)'r', (byte)'m' };
            CommandJson command = new CommandJson();

            Assert.IsFalse(command.TryRead(garbage, 0, garbage.Length));
            Assert.IsNotNull(command.Error);
        }

        [TestMethod]
        public static void Sample_frames_carry_each_cycle_as_single_precision_and_say_when_they_are_cut()
        {
            SampleFrameWriter writer = new SampleFrameWriter(4, 7, 7692);
            for (int i = 0; i < 3; i++)
            {
                ProcessedSample s = new ProcessedSample();
                s.CycleIndex = 100 + i;
                s.TimeUs = 1000000 + i * 7692;
                s.IsValid = true;
                s.IsReady = i > 0;
                s.RawSignal = 2000 + i;
                s.RawControl = 1000;
                s.Dff = 0.01 * i;
                s.Z = 0.5 * i;
                Assert.IsTrue(writer.TryAdd(s));
            }

            ProcessedSample[] read = new ProcessedSample[] { new ProcessedSample(), new ProcessedSample(), new ProcessedSample(), new ProcessedSample() };
            long boot;
            int count;
            Assert.IsNull(SampleFrameReader.TryRead(writer.Buffer, writer.Length, out boot, read, out count));
            Assert.AreEqual(3, count);
            Assert.AreEqual(7L, boot);
            Assert.AreEqual(102L, read[2].CycleIndex);
            Assert.AreEqual(1000000L + 2 * 7692, read[2].TimeUs);
            Assert.IsTrue(read[2].RawSignal == 2002 && read[2].Z == 1.0);
            Assert.IsFalse(read[0].IsReady);

            Assert.IsNotNull(SampleFrameReader.TryRead(writer.Buffer, writer.Length - 1, out boot, read, out count));
        }
    }
}
