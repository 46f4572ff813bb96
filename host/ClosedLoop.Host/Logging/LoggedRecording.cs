using System.Text.Json;
using ClosedLoop.Data;
using ClosedLoop.Engine.Processing;
using ClosedLoop.Engine.Wire;

namespace ClosedLoop.Host.Logging;

/// <summary>A logged session as a <see cref="Recording"/>: the raw channels of its sample frames and its encounters' onsets and offsets.</summary>
public static class LoggedRecording
{
    public static Recording Read(EventStore store, string rig, long boot)
    {
        var times = new List<long>();
        var signal = new List<double>();
        var control = new List<double>();
        var buffer = Enumerable.Range(0, 256).Select(_ => new ProcessedSample()).ToArray();
        long period = 0;
        foreach (byte[] frame in store.Frames(rig, boot))
        {
            if (SampleFrameReader.TryRead(frame, frame.Length, out _, buffer, out int count) is not null)
            {
                continue;
            }

            period = LittleEndian.ReadInt32(frame, 28);
            for (int i = 0; i < count; i++)
            {
                times.Add(buffer[i].TimeUs);
                signal.Add(buffer[i].RawSignal);
                control.Add(buffer[i].RawControl);
            }
        }

        if (times.Count == 0)
        {
            throw new RecordingFormatException(store.Path, $"holds no sample frames of rig '{rig}' boot {boot}");
        }

        var edges = new List<(long, bool)>();
        foreach (var e in store.Events(rig, boot))
        {
            if (e.Kind is "encounter_on" or "encounter_off")
            {
                var json = JsonDocument.Parse(e.Json).RootElement;
                edges.Add(e.Kind == "encounter_on" ? (json.GetProperty("onset_us").GetInt64(), true) : (json.GetProperty("offset_us").GetInt64(), false));
            }
        }

        return new Recording
        {
            Name = $"{rig} boot {boot}",
            SamplingRate = 1e6 / period,
            TimeUs = [.. times],
            Signal = [.. signal],
            Control = [.. control],
            EncounterEdges = [.. edges.OrderBy(e => e.Item1)],
        };
    }
}
