namespace ClosedLoop.Engine.Wire
{
    /// <summary>
    /// Notices another rig publishing under this rig's id: a live (not retained) online status on its own status
    /// topic from a boot that is not its own. Two boards flashed with one id would otherwise take each other's
    /// broker session in turn and re-apply the retained config at every turn. Reads without allocating.
    /// </summary>
    internal sealed class IdentityWatch
    {
        private readonly FlatJson _reader = new FlatJson();
        private readonly long _ownBoot;
        private long _reportedBoot = -1;

        public IdentityWatch(long ownBoot)
        {
            _ownBoot = ownBoot;
        }

        /// <summary>
        /// A message on the rig's own status topic. Returns the other rig's boot the first time a given one is seen
        /// (report a fault), else -1.
        /// </summary>
        public long OnOwnStatus(byte[] bytes, int length, bool retained)
        {
            if (retained || !_reader.Parse(bytes, 0, length))
            {
                return -1;
            }

            int field = _reader.IndexOf("online");
            bool online;
            if (field < 0 || !_reader.TryGetBoolean(field, out online) || !online)
            {
                return -1;
            }

            long boot;
            field = _reader.IndexOf("boot");
            if (field < 0 || !_reader.TryGetLong(field, out boot) || boot == _ownBoot || boot == _reportedBoot)
            {
                return -1;
            }

            _reportedBoot = boot;
            return boot;
        }
    }
}
