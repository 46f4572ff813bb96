namespace ClosedLoop.Engine.Output
{
    /// <summary>
    /// Compares the hardware arm chain with the inputs the firmware reads. The e-stop and the arm key each have two
    /// poles: one the firmware reads (estop_input, arm_input), one in the chain that feeds the output gates (3.3 V
    /// through the e-stop's closed contact and the key's, read back on interlock_input). The chain is closed exactly
    /// when the e-stop is released and the key is on, so any lasting disagreement means wiring the firmware cannot
    /// trust: a short or a jumper bridging a pole of the chain (closed while the e-stop is pressed or the key off), or
    /// a cut chain wire or a failed sense line (open while both inputs say run). A disagreement shorter than
    /// <see cref="DebounceUs"/> is two poles of one switch moving a moment apart, and not reported.
    /// </summary>
    public sealed class InterlockMonitor
    {
        /// <summary>Longer than a key switch's or an e-stop's contacts bounce (a few ms; 20 ms at most for the key).</summary>
        public const long DebounceUs = 50000;

        /// <summary>The chain is closed while the e-stop is pressed or the key is off: something bridges it.</summary>
        public const long ChainClosedWhileOff = 1;

        /// <summary>The chain is open while the e-stop is released and the key is on: a cut wire or a failed pole.</summary>
        public const long ChainOpenWhileOn = 2;

        private long _disagreeingSinceUs = -1;
        private long _agreeingSinceUs = -1;
        private long _kind;

        /// <summary>A disagreement was reported and has not yet been gone for <see cref="DebounceUs"/>.</summary>
        public bool IsMismatched { get; private set; }

        /// <summary>
        /// One reading of the three levels, taken together. Returns the fault detail when a disagreement has just
        /// lasted <see cref="DebounceUs"/> (once per disagreement), else 0.
        /// </summary>
        public long Check(bool keyOn, bool estopPressed, bool chainClosed, long nowUs)
        {
            bool expected = keyOn && !estopPressed;
            if (chainClosed == expected)
            {
                _disagreeingSinceUs = -1;
                if (_agreeingSinceUs < 0)
                {
                    _agreeingSinceUs = nowUs;
                }

                if (IsMismatched && nowUs - _agreeingSinceUs >= DebounceUs)
                {
                    IsMismatched = false;
                }

                return 0;
            }

            _agreeingSinceUs = -1;
            long kind = chainClosed ? ChainClosedWhileOff : ChainOpenWhileOn;
            if (_disagreeingSinceUs < 0 || kind != _kind)
            {
                _disagreeingSinceUs = nowUs;
                _kind = kind;
                return 0;
            }

            if (IsMismatched || nowUs - _disagreeingSinceUs < DebounceUs)
            {
                return 0;
            }

            IsMismatched = true;
            return kind;
        }
    }
}
