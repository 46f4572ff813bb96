using System.Threading;

namespace ClosedLoop.Firmware.Board
{
    /// <summary>
    /// One of the board's long-running threads (sampling, link): its loop runs while <see cref="Running"/> holds, and
    /// <see cref="Stop"/> returns only once the loop has finished the pass it was in.
    /// </summary>
    public sealed class LoopThread
    {
        private readonly ThreadStart _loop;
        private readonly ThreadPriority _priority;
        private Thread _thread;
        private bool _running;

        public LoopThread(ThreadStart loop, ThreadPriority priority)
        {
            _loop = loop;
            _priority = priority;
        }

        /// <summary>Whether the loop should go on; it reads this once a pass.</summary>
        public bool Running => _running;

        public void Start()
        {
            _running = true;
            _thread = new Thread(_loop);
            _thread.Priority = _priority;
            _thread.Start();
        }

        public void Stop()
        {
            _running = false;
            if (_thread != null)
            {
                _thread.Join();
                _thread = null;
            }
        }
    }
}
