using System.Text.Json;
using ClosedLoop.Engine.Processing;
using ClosedLoop.Engine.Wire;
using JsonValueKind = System.Text.Json.JsonValueKind;
using ClosedLoop.Host.Logging;

namespace ClosedLoop.Host.Report;

/// <summary>One encounter as the report shows it.</summary>
/// <param name="OnsetS">Contact onset (rig s).</param>
/// <param name="OffsetS">Contact end, when logged.</param>
/// <param name="Outcome">The rig's decision: response or deficit.</param>
/// <param name="DeltaZ">The whole post window's Δz (for an early decision, from its decision_scored; NaN until then).</param>
/// <param name="Stimulated">The decision started a train (driven or sham).</param>
/// <param name="DecisionS">When the rig decided (rig s): a train the decision started starts then.</param>
/// <param name="Early">Decided by the early rule before the window closed.</param>
public sealed record ReportEncounter(double OnsetS, double? OffsetS, string Outcome, double DeltaZ, bool Stimulated, double DecisionS = double.NaN, bool Early = false)
{
    /// <summary>From contact onset to the decision (and to the train it started), in s.</summary>
    public double LatencyS => DecisionS - OnsetS;

    /// <summary>Whether the decision (and its train) came while the mice were still in contact.</summary>
    public bool DuringContact => OffsetS is double off && DecisionS < off;
}

/// <summary>What the report needs of one boot of one rig, read from the SQLite log.</summary>
public sealed class SessionData
{
    public required string Rig { get; init; }

    public required long Boot { get; init; }

    public required double[] TimeS { get; init; }

    public required double[] Z { get; init; }

    public required IReadOnlyList<ReportEncounter> Encounters { get; init; }

    /// <summary>Train starts: (time s, channel, sham).</summary>
    public required IReadOnlyList<(double TimeS, string Channel, bool Sham)> Trains { get; init; }

    public required IReadOnlyList<(double TimeS, string Channel, string Reason, double Value, double Limit)> Refusals { get; init; }

    public required IReadOnlyList<(double TimeS, string Fault, long Detail)> Faults { get; init; }

    /// <summary>Spans of the trace the log does not hold; the z trace is broken there, never bridged.</summary>
    public IReadOnlyList<SampleGap> Gaps { get; init; } = [];

    public required double Threshold { get; init; }

    /// <summary>Who and what the boot's sessions were about (subject, experimenter, UTC start), as logged.</summary>
    public IReadOnlyList<Logging.SessionRecord> Sessions { get; init; } = [];

    public static SessionData Load(EventStore store, string rig, long boot, double threshold)
    {
        var times = new List<double>();
        var z = new List<double>();
        var logged = LoggedSamples.Read(store, rig, boot);
        var gapEnds = logged.Gaps.Select(g => g.ToUs).ToHashSet();
        foreach (var s in logged.Samples)
        {
            if (gapEnds.Contains(s.TimeUs) && times.Count > 0)
            {
                // A point of no value between the samples either side of the hole: the line stops there.
                times.Add((times[^1] + (s.TimeUs / 1e6)) / 2);
                z.Add(double.NaN);
            }

            times.Add(s.TimeUs / 1e6);
            z.Add(s.Valid && s.Ready ? s.Z : double.NaN);
        }

        var events = store.Events(rig, boot).Select(e => (e.Kind, e.TimeUs, Json: JsonDocument.Parse(e.Json).RootElement)).ToList();
        var trains = events.Where(e => e.Kind == "output_started")
            .Select(e => (e.TimeUs / 1e6, e.Json.GetProperty("channel").GetString()!, e.Json.GetProperty("sham").GetBoolean())).ToList();
        var trainTimes = events.Where(e => e.Kind == "output_started").Select(e => e.TimeUs).ToHashSet();
        var offsets = events.Where(e => e.Kind == "encounter_off").ToDictionary(e => e.Json.GetProperty("onset_us").GetInt64(), e => e.Json.GetProperty("offset_us").GetInt64() / 1e6);
        var fullWindow = events.Where(e => e.Kind == "decision_scored").ToDictionary(e => e.Json.GetProperty("onset_us").GetInt64(), e => Number(e.Json, "dz"));
        var encounters = events.Where(e => e.Kind == "decision" && e.Json.GetProperty("outcome").GetString() is "response" or "deficit")
            .Select(e =>
            {
                long onset = e.Json.GetProperty("onset_us").GetInt64();
                bool early = e.Json.TryGetProperty("early", out var flag) && flag.GetBoolean();
                return new ReportEncounter(
                    onset / 1e6,
                    offsets.TryGetValue(onset, out double off) ? off : null,
                    e.Json.GetProperty("outcome").GetString()!,
                    early ? fullWindow.GetValueOrDefault(onset, double.NaN) : Number(e.Json, "dz"),
                    trainTimes.Contains(e.TimeUs),
                    e.TimeUs / 1e6,
                    early);
            }).ToList();
        var refusals = events.Where(e => e.Kind == "output_refused")
            .Select(e => (e.TimeUs / 1e6, e.Json.GetProperty("channel").GetString()!, e.Json.GetProperty("reason").GetString()!, Number(e.Json, "value"), Number(e.Json, "limit"))).ToList();
        var faults = events.Where(e => e.Kind == "fault")
            .Select(e => (e.TimeUs / 1e6, e.Json.GetProperty("fault").GetString()!, e.Json.GetProperty("detail").GetInt64())).ToList();
        return new SessionData
        {
            Rig = rig,
            Boot = boot,
            TimeS = [.. times],
            Z = [.. z],
            Encounters = encounters,
            Trains = trains,
            Refusals = refusals,
            Faults = faults,
            Gaps = logged.Gaps,
            Threshold = threshold,
            Sessions = store.Sessions(rig, boot),
        };
    }

    private static double Number(JsonElement json, string name) =>
        json.GetProperty(name).ValueKind == JsonValueKind.Number ? json.GetProperty(name).GetDouble() : double.NaN;
}
