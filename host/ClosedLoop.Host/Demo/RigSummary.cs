namespace ClosedLoop.Host.Demo;

/// <summary>
/// What one rig did, computed from its event log as written (so the summary also proves the log decodes).
/// A stimulated encounter is one whose decision started a train (driven, or logged in sham).
/// </summary>
public sealed record RigSummary(
    string RigId,
    string Description,
    int Encounters,
    int Deficits,
    int Drops,
    int TrainsDriven,
    int ShamTrains,
    int Refusals,
    double MeanDeltaZStimulated,
    double MeanDeltaZOthers,
    string EventLogPath);
