using ClosedLoop.Engine.Acquisition;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Processing;
using nanoFramework.TestFramework;

namespace ClosedLoop.Engine.NanoTests
{
    /// <summary>Light no indicator makes is a loss: steps, glitches, the floor, and the way back.</summary>
    [TestClass]
    public class SignalGuardTests
    {
        private static SignalGuard Guard()
        {
            RigConfig config = RigConfig.Default();
            return new SignalGuard(config.Acquisition, config.Processing);
        }

        /// <summary>One cycle's verdict for levels above a dark of 100 counts.</summary>
        private static SignalLoss Judge(SignalGuard guard, CycleSample cycle, long index, double signal, double control)
        {
            cycle.CycleIndex = index;
            cycle.Signal = 100 + signal;
            cycle.Control = 100 + control;
            cycle.Dark = 100;
            cycle.IsValid = true;
            SignalLoss loss = guard.CheckLight(cycle, true, true);
            guard.Record(loss);
            return loss;
        }

        /// <summary>Cycles <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive) at steady light; returns the next index.</summary>
        private static long Steady(SignalGuard guard, CycleSample cycle, long from, long to, double signal, double control)
        {
            for (long i = from; i < to; i++)
            {
                Judge(guard, cycle, i, signal, control);
            }

            return to;
        }

        [TestMethod]
        public static void A_step_of_forty_percent_in_one_channel_is_a_light_step_on_its_second_cycle()
        {
            SignalGuard guard = Guard();
            CycleSample cycle = new CycleSample();
            Steady(guard, cycle, 0, 100, 2000, 1000);
            Assert.IsFalse(guard.IsLost);

            Assert.AreEqual((int)SignalLoss.None, (int)Judge(guard, cycle, 100, 1200, 1000));
            Assert.AreEqual((int)SignalLoss.LightStep, (int)Judge(guard, cycle, 101, 1200, 1000));
            Assert.IsTrue(guard.IsLost);
        }

        [TestMethod]
        public static void A_single_glitch_cycle_is_not_a_step()
        {
            SignalGuard guard = Guard();
            CycleSample cycle = new CycleSample();
            Steady(guard, cycle, 0, 100, 2000, 1000);

            Assert.AreEqual((int)SignalLoss.None, (int)Judge(guard, cycle, 100, 1000, 1000));
            for (long i = 101; i < 120; i++)
            {
                Assert.AreEqual((int)SignalLoss.None, (int)Judge(guard, cycle, i, 2000, 1000));
            }

            Assert.IsFalse(guard.IsLost);
        }

        [TestMethod]
        public static void The_episode_ends_only_when_the_light_is_back_where_it_was_for_a_second()
        {
            SignalGuard guard = Guard();
            CycleSample cycle = new CycleSample();
            long i = Steady(guard, cycle, 0, 100, 2000, 1000);
            i = Steady(guard, cycle, i, 400, 1200, 1000);

            Assert.IsTrue(guard.IsLost);
            Steady(guard, cycle, i, i + SignalGuard.RecoveryCycles + 2, 2000, 1000);

            Assert.IsFalse(guard.IsLost);
        }

        [TestMethod]
        public static void A_recordings_leds_ramping_up_before_z_is_warm_are_not_a_step()
        {
            SignalGuard guard = Guard();
            CycleSample cycle = new CycleSample();
            for (long i = 0; i < 100; i++)
            {
                cycle.CycleIndex = i;
                cycle.Signal = 100 + (20 * i);
                cycle.Control = 100 + (10 * i);
                cycle.Dark = 100;
                cycle.IsValid = true;
                Assert.AreEqual((int)SignalLoss.None, (int)guard.CheckLight(cycle, false, false));
            }
        }

        [TestMethod]
        public static void A_dark_signal_channel_is_at_the_floor()
        {
            SignalGuard guard = Guard();
            CycleSample cycle = new CycleSample();

            Assert.AreEqual((int)SignalLoss.SignalFloor, (int)Judge(guard, cycle, 0, 2, 1000));
        }

        [TestMethod]
        public static void A_dff_deeper_than_an_indicator_dips_is_a_diverged_fit_once_z_is_warm()
        {
            SignalGuard guard = Guard();

            Assert.AreEqual((int)SignalLoss.None, (int)guard.CheckFit(-0.3, false));
            Assert.AreEqual((int)SignalLoss.FitDiverged, (int)guard.CheckFit(-0.3, true));
            Assert.AreEqual((int)SignalLoss.None, (int)guard.CheckFit(-0.1, true));
            Assert.AreEqual((int)SignalLoss.FitDiverged, (int)guard.CheckFit(0.6, true));
        }
    }
}
