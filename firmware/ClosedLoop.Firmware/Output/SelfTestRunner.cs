using System;
using ClosedLoop.Engine;
using ClosedLoop.Engine.Output;
using ClosedLoop.Firmware.Rmt;

namespace ClosedLoop.Firmware.Output
{
    /// <summary>
    /// The bench check of real pulse timing: with the opto output wired to pins.selftest_input, the engine sends a
    /// short train and the RMT receiver (1 µs ticks) records the edges that came back; the engine compares them
    /// with the plan and journals the worst width and period error (docs/flashing.md, "Prove the timing").
    /// </summary>
    public sealed class SelfTestRunner
    {
        private readonly RmtReceiver _receiver;
        private readonly TimingSelfTest _test = new TimingSelfTest();
        private readonly ushort[] _duration0 = new ushort[ReceiverItems];
        private readonly bool[] _level0 = new bool[ReceiverItems];
        private readonly ushort[] _duration1 = new ushort[ReceiverItems];
        private readonly bool[] _level1 = new bool[ReceiverItems];

        /// <summary>More items than the test train can produce (two per pulse at most, plus the end).</summary>
        private const int ReceiverItems = 4 * TimingSelfTest.Pulses + 8;

        public SelfTestRunner(int channel, int inputPin)
        {
            TimeSpan timeout = TimeSpan.FromMilliseconds(TimingSelfTest.Pulses * 2 * TimingSelfTest.LongestPhaseUs / 1000 + 1000);
            _receiver = new RmtReceiver(channel, inputPin, TimingSelfTest.ReceiverIdleUs, ReceiverItems, timeout);
        }

        /// <summary>Runs one test; blocks for the train's length (a few seconds at most). Call from the link thread.</summary>
        public void Run(ClosedLoopEngine engine, object engineLock)
        {
            _receiver.Start();
            bool started;
            lock (engineLock)
            {
                started = engine.BeginSelfTest(_test);
            }

            if (!started)
            {
                _receiver.Stop();
                return;
            }

            int count = _receiver.Read(_duration0, _level0, _duration1, _level1);
            _receiver.Stop();

            _test.Evaluate(_duration0, _level0, _duration1, _level1, count);
            lock (engineLock)
            {
                engine.FinishSelfTest(_test);
            }
        }
    }
}
