using System;
using System.Threading;

namespace ClosedLoop.Firmware.Link
{
    /// <summary>One try at something that may block for long; true when it succeeded.</summary>
    public delegate bool Attempt();

    /// <summary>
    /// An <see cref="Attempt"/> run on a thread of its own, so that the thread that starts it keeps working while it
    /// blocks: joining the lab Wi-Fi can take up to a minute (<see cref="WifiConnection.TimeoutMs"/>), and meanwhile
    /// the link thread must go on moving what RAM would lose into the flash spill.
    /// </summary>
    public sealed class BackgroundAttempt
    {
        private readonly Attempt _attempt;
        private Thread _thread;
        private bool _finished;
        private bool _succeeded;

        public BackgroundAttempt(Attempt attempt)
        {
            _attempt = attempt;
        }

        /// <summary>Whether an attempt was started and its result not yet taken.</summary>
        public bool Pending => _thread != null;

        /// <summary>Whether the pending attempt has ended.</summary>
        public bool Finished => _thread != null && _finished;

        /// <summary>Starts an attempt unless one is pending.</summary>
        public void Start()
        {
            if (_thread != null)
            {
                return;
            }

            _finished = false;
            _thread = new Thread(Run);
            _thread.Start();
        }

        /// <summary>The ended attempt's result; the next <see cref="Start"/> begins a new attempt.</summary>
        public bool TakeResult()
        {
            _thread = null;
            return _succeeded;
        }

        /// <summary>Waits until a pending attempt has ended (when the link stops).</summary>
        public void Wait()
        {
            Thread thread = _thread;
            if (thread != null)
            {
                thread.Join();
            }
        }

        private void Run()
        {
            bool succeeded;
            try
            {
                succeeded = _attempt();
            }
            catch (Exception)
            {
                // Broker or network trouble: a failed attempt, retried later.
                succeeded = false;
            }

            _succeeded = succeeded;
            _finished = true;
        }
    }
}
