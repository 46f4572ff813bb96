using ClosedLoop.Engine.Journal;

namespace ClosedLoop.Engine.Encounters
{
    /// <summary>Told when an encounter is confirmed and when it is over.</summary>
    internal interface IEncounterListener
    {
        /// <summary>
        /// Confirmed at <paramref name="nowUs"/>; contact began at <paramref name="onsetUs"/>, with the partner the
        /// contact that began it named (<paramref name="partner"/> packed by <see cref="Wire.SenderName"/>, 0 when unnamed).
        /// </summary>
        void OnEncounterOn(long onsetUs, long nowUs, ControlSource source, Novelty novelty, long partner);

        /// <summary>Known over at <paramref name="nowUs"/>; contact ended at <paramref name="offsetUs"/>.</summary>
        void OnEncounterOff(long onsetUs, long offsetUs, long nowUs);
    }
}
