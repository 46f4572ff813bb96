namespace ClosedLoop.VirtualRig;

/// <summary>What really happened at one planned encounter: whether the aIC responded, and how strongly (dF/F), to which partner.</summary>
public sealed record EncounterTruth(long OnsetUs, long DurationUs, bool Responded, double Amplitude, Novelty Novelty = Novelty.Unmarked)
{
    /// <summary>The ground truth the detector should find: no response.</summary>
    public bool IsDeficit => !Responded;
}
