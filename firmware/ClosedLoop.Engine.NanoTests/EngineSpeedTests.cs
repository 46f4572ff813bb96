using System;
using ClosedLoop.Engine.Acquisition;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Core;
using ClosedLoop.Engine.Output;
using nanoFramework.TestFramework;

namespace ClosedLoop.Engine.NanoTests
{
    /// <summary>
    /// The engine's cost per 130 Hz cycle on the interpreter that runs the suite (a board, nanoCLR, or .NET in CI):
    /// after 40 s that warm z up (not timed), 20 s of signal with 12 jittered readings a cycle (4 a phase), each known
    /// to a 40 µs interval and handed over 8 at a time as the board's sampler does, an encounter in its first 5 s, a
    /// poll a cycle (bench/ClosedLoop.Bench's EngineBenchmarks' workload, through the board's path). It prints cycles per second and µs per cycle; the
    /// figures are read, not asserted (docs/flashing.md has the budget and how it was measured).
    /// </summary>
    [TestClass]
    public class EngineSpeedTests
    {
        private const int ReadingsPerPhase = 4;
        private const int Batch = 8;
        private const int CyclesPerSecond = 130;
        private const int WarmupSeconds = 40;
        private const int Seconds = 20;

        [TestMethod]
        public static void Engine_speed_prints_cycles_per_second_for_twelve_readings_a_cycle()
        {
            RigConfig config = RigConfig.Default();
            AcquisitionSettings acquisition = config.Acquisition;
            long[] offsets;
            int[] values;
            OneSecondOfReadings(acquisition, out offsets, out values);

            ManualClock clock = new ManualClock(0);
            CountingOutput opto = new CountingOutput(clock);
            CountingOutput dose = new CountingOutput(clock);
            ClosedLoopEngine engine = new ClosedLoopEngine(config, clock, 1, new FixedExcitation(), opto, dose);
            Assert.AreEqual((int)RefusalReason.None, (int)engine.Arm());
            Assert.AreEqual((int)RefusalReason.None, (int)engine.StartSession());

            long secondUs = CyclesPerSecond * acquisition.PeriodUs;
            Run(engine, clock, offsets, values, secondUs, 0, WarmupSeconds, -1);
            Assert.IsTrue(engine.Latest.IsReady);
            long startTicks = DateTime.UtcNow.Ticks;
            Run(engine, clock, offsets, values, secondUs, WarmupSeconds, WarmupSeconds + Seconds, WarmupSeconds + 5);
            long elapsedTicks = DateTime.UtcNow.Ticks - startTicks;
            int cycles = Seconds * CyclesPerSecond;
            long microsPerCycle = elapsedTicks / 10 / cycles;
            long cyclesPerSecond = elapsedTicks > 0 ? cycles * TimeSpan.TicksPerSecond / elapsedTicks : 0;
            OutputHelper.WriteLine("engine speed: " + cycles + " cycles of " + (3 * ReadingsPerPhase) + " readings in "
                + (elapsedTicks / TimeSpan.TicksPerMillisecond) + " ms: " + cyclesPerSecond + " cycles/s, "
                + microsPerCycle + " us a cycle (a cycle at 130 Hz is " + acquisition.PeriodUs + " us)");

            // The workload did what it names: the stream was read as valid cycles, not refused or faulted.
            Assert.IsTrue(engine.IsArmed);
            Assert.AreEqual(0, dose.Starts);
        }

        /// <summary>Seconds [from, to) of the stream; an encounter until <paramref name="encounterUntil"/>.</summary>
        private static void Run(ClosedLoopEngine engine, ManualClock clock, long[] offsets, int[] values, long secondUs, int from, int to, int encounterUntil)
        {
            long[] fromUs = new long[Batch];
            long[] toUs = new long[Batch];
            int[] batchValues = new int[Batch];
            int count = 0;
            for (int second = from; second < to; second++)
            {
                long offset = second * secondUs;
                bool encounter = second < encounterUntil;
                for (int i = 0; i < offsets.Length; i++)
                {
                    long t = offset + offsets[i];
                    fromUs[count] = t - 20;
                    toUs[count] = t + 20;
                    batchValues[count] = values[i];
                    count++;
                    if (count == Batch)
                    {
                        clock.AdvanceTo(t + 20);
                        engine.OnReadings(fromUs, toUs, batchValues, count);
                        count = 0;
                    }

                    if (i % (3 * ReadingsPerPhase) == 0)
                    {
                        engine.OnEncounterInput(encounter, t);
                        engine.Poll();
                    }
                }
            }
        }

        /// <summary>One second of readings: 4 per phase inside each phase's settled span, jittered by a fixed LCG.</summary>
        private static void OneSecondOfReadings(AcquisitionSettings acquisition, out long[] offsets, out int[] values)
        {
            offsets = new long[CyclesPerSecond * 3 * ReadingsPerPhase];
            values = new int[offsets.Length];
            long[] phaseStart = new long[] { 0, acquisition.SignalOnUs, acquisition.SignalOnUs + acquisition.ControlOnUs };
            long[] phaseLength = new long[] { acquisition.SignalOnUs, acquisition.ControlOnUs, acquisition.PeriodUs - acquisition.SignalOnUs - acquisition.ControlOnUs };
            int[] level = new int[] { 2000, 1000, 100 };
            uint state = 1;
            int n = 0;
            for (int c = 0; c < CyclesPerSecond; c++)
            {
                for (int p = 0; p < 3; p++)
                {
                    long usable = phaseLength[p] - acquisition.SettleUs;
                    for (int i = 0; i < ReadingsPerPhase; i++)
                    {
                        state = state * 1664525 + 1013904223;
                        long jitter = (state >> 8) % 1000;
                        offsets[n] = c * acquisition.PeriodUs + phaseStart[p] + acquisition.SettleUs + (i * 1000 + jitter) * usable / (ReadingsPerPhase * 1000);
                        values[n] = level[p] + (int)((state >> 4) % 8);
                        n++;
                    }
                }
            }
        }
    }
}
