using ClosedLoop.Data;
using ClosedLoop.VirtualRig.Replay;

namespace ClosedLoop.Host.Tuning;

/// <summary>What a tuning replay found: the recording, the config it ran, each encounter's decision, the outputs and the sweep.</summary>
public sealed record TuningResult(
    string Recording,
    double Minutes,
    string ConfigHash,
    IReadOnlyList<EncounterRow> Encounters,
    string Outputs,
    string? EdgesNote,
    string? SweepKey,
    IReadOnlyList<SweepPoint> Sweep);

/// <summary>
/// A recording replayed through the engine with candidate settings, and optionally swept over one setting: what
/// `closedloop replay` does, for the console's tuning. Bad settings are the engine's errors, named; nothing runs then.
/// </summary>
public static class TuningRun
{
    /// <summary>Replays; returns the engine's errors instead when a setting (or a sweep value) is refused.</summary>
    public static (TuningResult? Result, IReadOnlyList<string> Errors) Run(Recording recording, string? sessionConfig, IReadOnlyList<string> settings, string? sweepKey, IReadOnlyList<double> sweepValues)
    {
        var input = ReplayAnalysis.ConfigFor(recording, null, sessionConfig, settings);
        if (!input.Result.IsValid)
        {
            return (null, [.. input.Result.Errors.Select(e => e.ToString())]);
        }

        var sweep = new List<SweepPoint>();
        foreach (double value in sweepKey is null ? [] : sweepValues)
        {
            string assignment = $"{sweepKey}={value.ToString("G10", System.Globalization.CultureInfo.InvariantCulture)}";
            var step = ReplayAnalysis.ConfigFor(recording, null, sessionConfig, [.. settings, assignment]);
            if (!step.Result.IsValid)
            {
                return (null, [.. step.Result.Errors.Select(e => $"sweep {assignment}: {e}")]);
            }

            sweep.Add(ReplayAnalysis.Point(value, RecordingReplay.Run(recording, step.Result.Config)));
        }

        var replay = RecordingReplay.Run(recording, input.Result.Config);
        var rows = ReplayAnalysis.Encounters(replay);
        int encounters = replay.Events.Count(e => e.Kind == EventKind.EncounterOn);
        return (new TuningResult(
            recording.Name,
            recording.SampleCount / recording.SamplingRate / 60,
            input.Result.Config.Hash,
            rows,
            ReplayOutcomes.Outputs(replay),
            ReplayOutcomes.ExplainEdges(recording, encounters, input.Result.Config),
            sweepKey,
            sweep), []);
    }
}
