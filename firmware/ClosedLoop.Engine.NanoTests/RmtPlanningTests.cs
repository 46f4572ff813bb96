using ClosedLoop.Engine.Acquisition;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Output;
using nanoFramework.TestFramework;

namespace ClosedLoop.Engine.NanoTests
{
    /// <summary>Pulse trains, LED loops and the sync loop as RMT items, and the bytes SendData takes.</summary>
    [TestClass]
    public class RmtPlanningTests
    {
        [TestMethod]
        public static void Every_edge_lands_on_its_microsecond_and_the_durations_sum_to_the_train()
        {
            RmtPlan plan = new RmtPlan(64);

            Assert.AreEqual((int)PlanStatus.Ok, (int)RmtPlanner.Plan(0, 10, 50, 2, plan));

            Assert.AreEqual(2, plan.ItemCount);
            Assert.AreEqual(100L, plan.TotalUs);
            for (int i = 0; i < 2; i++)
            {
                Assert.AreEqual(10, (int)plan.Duration0[i]);
                Assert.IsTrue(plan.Level0[i]);
                Assert.AreEqual(40, (int)plan.Duration1[i]);
                Assert.IsFalse(plan.Level1[i]);
            }
        }

        [TestMethod]
        public static void Segments_longer_than_a_half_item_are_split_without_an_edge()
        {
            RmtPlan plan = new RmtPlan(64);

            RmtPlanner.Plan(100000, 10000, 50000, 1, plan);

            Assert.AreEqual(RmtPlanner.CountItems(100000, 10000, 50000, 1), plan.ItemCount);
            Assert.AreEqual(150000L, plan.TotalUs);
            long highUs = 0;
            for (int i = 0; i < plan.ItemCount; i++)
            {
                Assert.IsTrue(plan.Duration0[i] <= RmtPlan.MaxTicksPerHalf);
                Assert.IsTrue(plan.Duration1[i] <= RmtPlan.MaxTicksPerHalf);
                highUs += (plan.Level0[i] ? plan.Duration0[i] : 0) + (plan.Level1[i] ? plan.Duration1[i] : 0);
            }

            Assert.AreEqual(10000L, highUs);
        }

        [TestMethod]
        public static void The_sync_loop_as_an_rmt_3_repeat_unit_keeps_its_second_and_its_pulse_with_no_end_marker()
        {
            RmtPlan plan = new RmtPlan(SyncPulse.MaxItems);
            Assert.AreEqual((int)PlanStatus.Ok, (int)SyncPulse.Plan(10, plan));

            Assert.IsTrue(plan.MakeRepeatUnit());

            Assert.AreEqual(SyncPulse.MaxItems, plan.ItemCount);
            long ticks = 0;
            long highTicks = 0;
            for (int i = 0; i < plan.ItemCount; i++)
            {
                Assert.IsTrue(plan.Duration0[i] > 0 && plan.Duration1[i] > 0);
                ticks += plan.Duration0[i] + plan.Duration1[i];
                highTicks += (plan.Level0[i] ? plan.Duration0[i] : 0) + (plan.Level1[i] ? plan.Duration1[i] : 0);
            }

            Assert.AreEqual(SyncPulse.TicksPerPeriod, ticks);
            Assert.AreEqual(10 * 1000000 / SyncPulse.TickNs, highTicks);
            Assert.IsTrue(plan.Level0[0]);
        }

        [TestMethod]
        public static void A_train_larger_than_the_plan_or_impossible_is_refused_and_leaves_it_empty()
        {
            RmtPlan plan = new RmtPlan(4);

            Assert.AreEqual((int)PlanStatus.TooManyItems, (int)RmtPlanner.Plan(0, 10, 50, 100, plan));
            Assert.AreEqual(0, plan.ItemCount);
            Assert.AreEqual((int)PlanStatus.InvalidTrain, (int)RmtPlanner.Plan(0, 50, 50, 1, plan));
        }

        [TestMethod]
        public static void Items_are_encoded_as_the_esp32s_little_endian_rmt_item32()
        {
            RmtPlan plan = new RmtPlan(8);
            RmtPlanner.Plan(0, 10, 50, 1, plan);
            byte[] bytes = new byte[8];

            int written = RmtItemEncoder.Encode(plan, 0, plan.ItemCount, bytes, 0);

            Assert.AreEqual(4, written);
            Assert.AreEqual(0x0A, (int)bytes[0]);
            Assert.AreEqual(0x80, (int)bytes[1]);
            Assert.AreEqual(0x28, (int)bytes[2]);
            Assert.AreEqual(0x00, (int)bytes[3]);
        }

        [TestMethod]
        public static void The_led_and_sync_loops_fit_one_block_with_room_for_the_drivers_stop_item()
        {
            RigConfig config = RigConfig.Default();
            RmtPlan plan = new RmtPlan(ExcitationPattern.MaxItems);

            Assert.AreEqual((int)PlanStatus.Ok, (int)ExcitationPattern.Plan(config.Acquisition, false, 0, plan));
            Assert.IsTrue(plan.ItemCount <= RmtPlan.ItemsPerBlock - 1);
            Assert.AreEqual(config.Acquisition.PeriodUs, plan.TotalUs);
            Assert.AreEqual((int)PlanStatus.Ok, (int)SyncPulse.Plan(10, plan));
            Assert.IsTrue(plan.ItemCount <= RmtPlan.ItemsPerBlock - 1);
            Assert.AreEqual(SyncPulse.TicksPerPeriod, plan.TotalUs);
        }

        [TestMethod]
        public static void A_steady_pattern_holds_its_level_for_the_whole_loop()
        {
            RmtPlan plan = new RmtPlan(ExcitationPattern.MaxItems);

            ExcitationPattern.PlanSteady(true, plan);

            Assert.IsTrue(plan.Level0[0] && plan.Level1[0]);
            Assert.AreEqual(0, (int)plan.Duration0[plan.ItemCount - 1]);
        }

        [TestMethod]
        public static void The_default_rmt_channels_share_no_memory_block_and_neighbours_with_two_blocks_are_refused()
        {
            Assert.IsTrue(ConfigLoader.Load(string.Empty).IsValid);

            ConfigLoadResult overlapping = ConfigLoader.Load("[rmt]\ndose_channel = 1\nsignal_channel = 3\n");

            Assert.IsFalse(overlapping.IsValid);
            Assert.AreEqual("rmt.dose_channel", overlapping.Errors[0].Field);
        }
    }
}
