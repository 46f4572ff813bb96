using System.Threading;
using ClosedLoop.Engine;
using ClosedLoop.Engine.Core;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Firmware.Board;

namespace ClosedLoop.Firmware.Acquisition
{
    /// <summary>
    /// The sampling thread: reads the photodiode as fast as the ADC allows, stamps each reading with the rig clock
    /// on both sides of the read, and hands batches to the engine, which tags them by LED phase (and drops any whose
    /// interval straddles an LED edge). Readings are gathered outside the engine lock
    /// so that commands and the link never stall the ADC for more than one batch. Nothing here allocates.
    /// </summary>
    public sealed class Sampler
    {
        /// <summary>Readings handed to the engine per lock.</summary>
        public const int Batch = 8;

        /// <summary>How often the engine's timed rules are advanced between cycles.</summary>
        public const long PollIntervalUs = 2000;

        private readonly ClosedLoopEngine _engine;
        private readonly object _engineLock;
        private readonly IPhotodiode _photodiode;
        private readonly IClock _clock;
        private readonly long[] _from = new long[Batch];
        private readonly long[] _to = new long[Batch];
        private readonly int[] _values = new int[Batch];
        private readonly LoopThread _thread;
        private bool _reportedFailing;

        public Sampler(ClosedLoopEngine engine, object engineLock, IPhotodiode photodiode, IClock clock)
        {
            _engine = engine;
            _engineLock = engineLock;
            _photodiode = photodiode;
            _clock = clock;
            _thread = new LoopThread(Run, ThreadPriority.Highest);
        }

        public void Start() => _thread.Start();

        /// <summary>Ends the sampling thread after its current batch.</summary>
        public void Stop() => _thread.Stop();

        private void Run()
        {
            long lookback = _photodiode.LookbackUs;
            long lastPoll = 0;
            while (_thread.Running)
            {
                int count = 0;
                for (int i = 0; i < Batch; i++)
                {
                    long before = _clock.NowMicros;
                    int value;
                    if (_photodiode.TryRead(out value))
                    {
                        _values[count] = value;
                        _to[count] = _clock.NowMicros;
                        _from[count] = before - lookback;
                        count++;
                    }
                }

                bool failing = _photodiode.IsFailing;
                long now = _clock.NowMicros;
                lock (_engineLock)
                {
                    _engine.OnReadings(_from, _to, _values, count);

                    if (failing && !_reportedFailing)
                    {
                        // Readings the converter could not vouch for are already left out (their phases fall short,
                        // their cycles are invalid); a link that keeps failing is a fault: outputs low, disarmed.
                        _engine.Fault(FaultCode.Board, BoardFault.PhotodiodeLink);
                    }

                    _reportedFailing = failing;

                    if (now - lastPoll >= PollIntervalUs)
                    {
                        _engine.Poll();
                        lastPoll = now;
                    }
                }

            }
        }
    }
}
