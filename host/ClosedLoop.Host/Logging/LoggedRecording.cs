using System.Text.Json;
using ClosedLoop.Data;
using ClosedLoop.Engine.Processing;

namespace ClosedLoop.Host.Logging;

/// <summary>
/// A logged session as a <see cref="Recording"/>: the raw channels of its sample frames with each cycle's validity,
/// its encounters' onsets and offsets, and when it was armed, disarmed, e-stopped and in a session, so that a
/// replay runs as the rig ran.
/// </summary>
public static class LoggedRecording
{
    public static Recording Read(EventStore store, string rig, long boot)
    {
        var logged = LoggedSamples.Read(store, rig, boot);
        long[] times = [.. logged.Samples.Select(s => s.TimeUs)];
        long period = logged.PeriodUs;
        if (times.Length == 0)
        {
            throw new RecordingFormatException(store.Path, $"holds no sample frames of rig '{rig}' boot {boot}");
        }

        var events = LoggedEvents.Read(store, rig, boot);

        // In journal order: each contact's start, then its end.
        var edges = events.EncounterEdges.ToList();

        return new Recording
        {
            Name = $"{rig} boot {boot}",
            SamplingRate = 1e6 / period,
            TimeUs = times,
            Signal = [.. logged.Samples.Select(s => s.RawSignal)],
            Control = [.. logged.Samples.Select(s => s.RawControl)],
            Valid = [.. logged.Samples.Select(s => s.Valid)],
            ProcessedAfterUs = [.. logged.Samples.Select(s => s.ProcessedAfterUs)],
            EncounterEdges = [.. edges.OrderBy(e => e.Item1)],
            Actions = [.. events.Actions],
            PartnersByOnset = events.Encounters.GroupBy(e => e.OnsetUs).ToDictionary(g => g.Key, g => (PartnerEncounters.Word(g.First().Novelty), g.First().Partner)),
        };
    }
}
