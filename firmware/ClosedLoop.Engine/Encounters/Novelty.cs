namespace ClosedLoop.Engine.Encounters
{
    /// <summary>
    /// Whether the mouse met a partner it knows, for social recognition (the paper's mice tell a familiar from a
    /// novel mouse; isolation rearing takes that away). Marked by whoever marks the encounter: a video tracker's
    /// encounter_start, or the TTL input's configured <c>encounter.input_novelty</c>.
    /// </summary>
    public enum Novelty
    {
        /// <summary>Nothing said about the partner.</summary>
        Unmarked = 0,

        /// <summary>A partner the mouse has met before (a cage-mate, or the habituated stimulus mouse).</summary>
        Familiar = 1,

        /// <summary>A partner the mouse has not met.</summary>
        Novel = 2,
    }
}
