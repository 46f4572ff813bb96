namespace ClosedLoop.Engine.Wire
{
    /// <summary>
    /// Decides when a rig's retained status is due again: whenever anything in it but its time has changed since
    /// the last one published (arming, e-stop, session, mode, config, or a new event's next_seq), and at least every
    /// <see cref="HeartbeatUs"/> of rig time. The heartbeat lets a sender read the rig's clock from its retained
    /// status, at most that old, and give a command a deadline on it. The board's link and the virtual rig's both
    /// ask it, so they publish the same statuses. Nothing is allocated.
    /// </summary>
    public sealed class StatusChanges
    {
        private readonly JsonWriter _writer = new JsonWriter();
        private readonly byte[] _probe = new byte[StatusJson.MaxBytes];
        private readonly byte[] _last = new byte[StatusJson.MaxBytes];
        private readonly byte[] _status = new byte[StatusJson.MaxBytes];
        private int _lastLength = -1;
        private long _lastUs;

        /// <summary>The longest a rig goes (in its own time) without publishing its status.</summary>
        public const long HeartbeatUs = 1000000;

        /// <summary>The status to publish, stamped with the time of the check that found it changed.</summary>
        public byte[] Buffer => _status;

        public int Length { get; private set; }

        /// <summary>
        /// True when the status last found due changed only in its time (a heartbeat): losing one costs nothing, as
        /// the next follows within a second, so links send it without waiting for an acknowledgement.
        /// </summary>
        public bool IsHeartbeat { get; private set; }

        /// <summary>True when the status changed; <see cref="Buffer"/> then holds it. Call with the engine's lock held.</summary>
        public bool Check(ClosedLoopEngine engine)
        {
            return Check(engine, -1);
        }

        /// <summary>As above, with the number of the link's newest sample frame riding along (see <see cref="FrameOutbox"/>).</summary>
        public bool Check(ClosedLoopEngine engine, long frames)
        {
            long now = engine.Clock.NowMicros;
            // The measurements move a little every second: they ride along with changes and heartbeats, never cause one.
            int length = StatusJson.WriteOnline(_writer, engine, 0, _probe, 0, false, -1);
            bool same = length == _lastLength && Same(_probe, _last, length);
            if (same && now - _lastUs < HeartbeatUs)
            {
                return false;
            }

            IsHeartbeat = same;
            System.Array.Copy(_probe, _last, length);
            _lastLength = length;
            _lastUs = now;
            Length = StatusJson.WriteOnline(_writer, engine, now, _status, 0, true, frames);
            return true;
        }

        /// <summary>After a reconnect the broker may hold nothing (or the offline will): publish the next status whatever it is.</summary>
        public void Forget()
        {
            _lastLength = -1;
        }

        private static bool Same(byte[] a, byte[] b, int length)
        {
            for (int i = 0; i < length; i++)
            {
                if (a[i] != b[i])
                {
                    return false;
                }
            }

            return true;
        }
    }
}
