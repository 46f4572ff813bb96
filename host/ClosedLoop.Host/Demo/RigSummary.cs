namespace ClosedLoop.Host.Demo;

/// <summary>
/// What one rig did, computed from the events the logger stored (so the summary also proves they arrived and
/// decode). A stimulated encounter is one whose decision started a train (driven, or logged in sham).
/// </summary>
public sealed record RigSummary(
    string RigId,
    string Description,
    int Events,
    int Encounters,
    int Deficits,
    int Drops,
    int TrainsDriven,
    int ShamTrains,
    int Refusals,
    double MeanDeltaZStimulated,
    double MeanDeltaZOthers);
