using ClosedLoop.Engine.Acquisition;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Processing;
using nanoFramework.TestFramework;

namespace ClosedLoop.Engine.NanoTests
{
    /// <summary>dF/F from the control fit and z from the robust baseline, on cycles the test makes (130 a second).</summary>
    [TestClass]
    public class SignalChainTests
    {
        private static SignalChain Chain()
        {
            RigConfig rig = ConfigLoader.Load("[processing]\nwarmup_s = 0\n").Config;
            return new SignalChain(rig.Acquisition, rig.Processing);
        }

        /// <summary>A control that ramps up and down by 10 % over 200 cycles (no System.Math on the board).</summary>
        private static double Control(long i)
        {
            long phase = i % 200;
            return 1000 + (phase < 100 ? phase : 200 - phase);
        }

        private static ProcessedSample Cycle(SignalChain chain, CycleSample cycle, long i, double gain)
        {
            cycle.CycleIndex = i;
            cycle.StartUs = i * 7692;
            cycle.Control = Control(i) + 100;
            cycle.Signal = gain * 2 * Control(i) + 100;
            cycle.Dark = 100;
            cycle.IsValid = true;
            return chain.Process(cycle);
        }

        [TestMethod]
        public static void A_signal_that_follows_its_control_gives_no_dff_and_a_two_percent_step_gives_two_percent()
        {
            SignalChain chain = Chain();
            CycleSample cycle = new CycleSample();
            ProcessedSample sample = null;
            long i = 0;
            for (; i < 130 * 120; i++)
            {
                sample = Cycle(chain, cycle, i, 1);
            }

            Assert.IsTrue(sample.Dff < 0.001 && sample.Dff > -0.001, "dF/F " + sample.Dff.ToString());

            chain.Frozen = true;
            for (long k = 0; k < 130 * 2; k++, i++)
            {
                sample = Cycle(chain, cycle, i, 1.02);
            }

            // After the low-pass has settled, a 2 % step in the signal alone is a dF/F of 0.02.
            Assert.IsTrue(sample.Dff > 0.019 && sample.Dff < 0.021, "dF/F " + sample.Dff.ToString());
            Assert.IsTrue(sample.Z > 0);
        }

        [TestMethod]
        public static void An_invalid_cycle_gives_no_dff_and_leaves_the_fit_as_it_was()
        {
            SignalChain chain = Chain();
            CycleSample cycle = new CycleSample();
            for (long i = 0; i < 1000; i++)
            {
                Cycle(chain, cycle, i, 1);
            }

            double gain = chain.Fit.Gain;
            long updates = chain.Fit.Updates;
            cycle.IsValid = false;
            cycle.Signal = 1e9;
            ProcessedSample sample = chain.Process(cycle);

            Assert.IsFalse(sample.IsValid);
            Assert.IsTrue(double.IsNaN(sample.Dff));
            Assert.IsTrue(chain.Fit.Gain == gain);
            Assert.AreEqual(updates, chain.Fit.Updates);
        }

        [TestMethod]
        public static void While_frozen_neither_the_fit_nor_the_baseline_learn()
        {
            SignalChain chain = Chain();
            CycleSample cycle = new CycleSample();
            long i = 0;
            for (; i < 1000; i++)
            {
                Cycle(chain, cycle, i, 1);
            }

            long updates = chain.Fit.Updates;
            double location = chain.ZScore.Location;
            chain.Frozen = true;
            for (long k = 0; k < 500; k++, i++)
            {
                Cycle(chain, cycle, i, 1.5);
            }

            Assert.AreEqual(updates, chain.Fit.Updates);
            Assert.IsTrue(chain.ZScore.Location == location);

            chain.Frozen = false;
            Cycle(chain, cycle, i, 1.5);
            Assert.AreEqual(updates + 1, chain.Fit.Updates);
        }
    }
}
