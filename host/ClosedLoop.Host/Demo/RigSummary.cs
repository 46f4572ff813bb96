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
    double MeanDeltaZOthers)
{
    /// <summary>The refusals by reason, most first, with the rig minute each reason first refused at.</summary>
    public IReadOnlyList<(string Reason, int Count, double FirstMinute)> RefusalReasons { get; init; } = [];

    /// <summary>E.g. "12: 10 max_trains_per_hour from minute 25.0, 2 refractory from minute 3.1"; "0" without refusals.</summary>
    public string RefusalText => RefusalReasons.Count == 0 ? "0"
        : $"{Refusals}: " + string.Join(", ", RefusalReasons.Select(r => $"{r.Count} {r.Reason} from minute {r.FirstMinute.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)}"));
}
