using System.Text.Json;
using ClosedLoop.Engine.Processing;
using ClosedLoop.Host.Logging;
using Parquet.Serialization;

namespace ClosedLoop.Host.Export;

/// <summary>One processed cycle as exported to Parquet.</summary>
public sealed class SampleRow
{
    public long Cycle { get; set; }

    public long TimeUs { get; set; }

    public double RawSignal { get; set; }

    public double RawControl { get; set; }

    public double Dff { get; set; }

    public double Z { get; set; }

    public bool Valid { get; set; }
}

/// <summary>One event as exported to Parquet: its identity, time, kind and the JSON as the rig sent it.</summary>
public sealed class EventRow
{
    public long Sequence { get; set; }

    public long TimeUs { get; set; }

    public string Kind { get; set; } = string.Empty;

    public string Json { get; set; } = string.Empty;
}

/// <summary>
/// Writes one boot of one rig from the SQLite log in the forms analysis tools read. A <c>guppy/</c> folder that GuPPy
/// opens as it is: only CSVs GuPPy takes for its CSV format (one per channel with <c>timestamps,data,sampling_rate</c>,
/// times in seconds of device time, and one <c>timestamps</c> file per meaning: encounter onsets and offsets, the
/// onsets of the encounters of each decision outcome, trains, sham trains, sync pulses, and where spans without good
/// samples begin and end). Beside it: a plain CSV of every event (four columns, which GuPPy would take for
/// Neurophotometrics data, hence not in its folder), Parquet of samples and events, and a JSON sidecar with the rig,
/// boot, sessions, configs, counts and those spans.
/// A cycle the rig marked invalid is never exported as light: GuPPy's channels leave it out (GuPPy drops empty cells
/// column by column, so a NaN would shift every later value against its time), Parquet and NWB hold NaN there.
/// </summary>
public static class SessionExport
{
    public static async Task<IReadOnlyList<string>> WriteAsync(EventStore store, string rig, long boot, string folder)
    {
        Directory.CreateDirectory(folder);
        string guppy = Path.Combine(folder, GuppyFolder);
        Directory.CreateDirectory(guppy);
        var written = new List<string>();
        var logged = LoggedSamples.Read(store, rig, boot);
        var samples = ReadSamples(logged, out double rate);
        var typed = LoggedEvents.Read(store, rig, boot);
        var events = store.Events(rig, boot);
        var invalid = InvalidSpans.Of(logged, typed);

        var valid = samples.Where(s => s.Valid).ToList();
        written.Add(WriteChannel(guppy, $"{rig}_signal.csv", valid, s => s.RawSignal, rate));
        written.Add(WriteChannel(guppy, $"{rig}_control.csv", valid, s => s.RawControl, rate));
        var meanings = EventMeanings(typed).ToList();
        if (invalid.Count > 0)
        {
            meanings.Add(("invalid_onsets", [.. invalid.Select(s => s.FromUs)]));
            meanings.Add(("invalid_offsets", [.. invalid.Select(s => s.ToUs)]));
        }

        foreach (var (meaning, times) in meanings)
        {
            string path = Path.Combine(guppy, $"{rig}_{meaning}.csv");
            var text = new StringBuilder("timestamps\n");
            foreach (long t in times)
            {
                text.Append(Seconds(t)).Append('\n');
            }

            File.WriteAllText(path, text.ToString());
            written.Add(path);
        }

        string? sync = WriteSyncPulses(guppy, rig, typed, events, samples);
        if (sync is not null)
        {
            written.Add(sync);
        }

        string all = Path.Combine(folder, $"{rig}_events.csv");
        var csv = new StringBuilder("sequence,timestamps,kind,json\n");
        foreach (var e in events)
        {
            csv.Append(e.Sequence).Append(',').Append(Seconds(e.TimeUs)).Append(',').Append(e.Kind).Append(",\"").Append(e.Json.Replace("\"", "\"\"", StringComparison.Ordinal)).Append("\"\n");
        }

        File.WriteAllText(all, csv.ToString());
        written.Add(all);

        string samplesParquet = Path.Combine(folder, $"{rig}_samples.parquet");
        await ParquetSerializer.SerializeAsync(samples, samplesParquet).ConfigureAwait(false);
        written.Add(samplesParquet);
        string eventsParquet = Path.Combine(folder, $"{rig}_events.parquet");
        await ParquetSerializer.SerializeAsync(events.Select(e => new EventRow { Sequence = e.Sequence, TimeUs = e.TimeUs, Kind = e.Kind, Json = e.Json }).ToList(), eventsParquet).ConfigureAwait(false);
        written.Add(eventsParquet);

        string sidecar = Path.Combine(folder, $"{rig}.json");
        var configs = typed.ConfigHashes.ToList();
        File.WriteAllText(sidecar, JsonSerializer.Serialize(new
        {
            rig,
            boot,
            sampling_rate_hz = rate,
            samples = samples.Count,
            events = events.Count,
            configs,
            sessions = store.Sessions(rig, boot).Select(s => new { subject = s.Subject, experimenter = s.Experimenter, note = s.Note, started_utc = s.Utc, started_rig_s = s.RigTimeUs / 1e6 }),
            // Every command sent from the console: who, from which address, what the rig answered, the broker account
            // that published the record and whether the rig's journal confirms that account sent that command.
            console_commands = store.Audits(rig, boot).Select(c => new { utc = c.Utc, command = c.Command, command_id = c.CommandId, user = c.User, address = c.Address, result = c.Result, account = c.Account, confirmed_by_rig = c.ConfirmedBy(typed.All) }),
            session_config_hash = store.SessionConfigHash(rig, boot),
            // The settings the session ran with, whole and without secrets, when the log holds them.
            session_config = store.SessionConfigText(rig, boot),
            event_kinds = events.GroupBy(e => e.Kind).ToDictionary(g => g.Key, g => g.Count()),
            // Spans of the trace the log does not hold (frames the rig no longer had): the samples there are missing, not filled in.
            missing_samples = logged.Gaps.Select(g => new { first_frame = g.FirstFrame, last_frame = g.LastFrame, from_s = g.FromUs / 1e6, to_s = g.ToUs / 1e6 }),
            // Every span without a good sample (invalid cycles, cycles the rig never acquired, frames not logged):
            // left out of GuPPy's channels, NaN in Parquet and NWB (its invalid_times).
            invalid_spans = invalid.Select(s => new { from_s = s.FromUs / 1e6, to_s = s.ToUs / 1e6, reason = s.Reason }),
            invalid_seconds = invalid.Sum(s => s.Seconds),
            time_unit = "seconds of device time since boot",
            channels = new { signal = "signal LED on minus dark, ADC counts", control = "control LED on minus dark, ADC counts" },
        }, SidecarJson));
        written.Add(sidecar);
        return written;
    }

    private static readonly JsonSerializerOptions SidecarJson = new() { WriteIndented = true };

    /// <summary>The folder under the export that GuPPy opens.</summary>
    public const string GuppyFolder = "guppy";

    /// <summary>
    /// One list of times per meaning an analysis aligns to: encounter onsets and offsets, the onsets of the encounters
    /// decided each way (the paper's peri-event plots compare them) and the moments of those decisions (when a train
    /// could start), and the starts of trains and of sham trains.
    /// Only meanings that occurred get a file (GuPPy reads an empty one as another format).
    /// </summary>
    public static IEnumerable<(string Meaning, List<long> Times)> EventMeanings(LoggedEvents events)
    {
        var meanings = new SortedDictionary<string, List<long>>(StringComparer.Ordinal);
        void Add(string meaning, IEnumerable<long> times)
        {
            var list = times.ToList();
            if (list.Count > 0)
            {
                meanings[meaning] = list;
            }
        }

        Add("encounter_onsets", events.EncounterOnsets);
        Add("encounter_offsets", events.EncounterEnds.Select(e => e.OffsetUs));
        foreach (var outcome in Enum.GetValues<ClosedLoop.Engine.Detection.DecisionOutcome>())
        {
            // Named for what they hold: the contact onsets of the encounters decided so, and the moments the rig decided.
            string name = ClosedLoop.Engine.Wire.EventJson.Outcomes[(int)outcome];
            Add($"onsets_{name}", events.Decisions.Where(d => d.Outcome == outcome).Select(d => d.OnsetUs));
            Add($"decided_{name}", events.Decisions.Where(d => d.Outcome == outcome).Select(d => d.TimeUs));
        }

        Add("trains", events.Trains.Where(t => !t.Sham).Select(t => t.TimeUs));
        Add("sham_trains", events.Trains.Where(t => t.Sham).Select(t => t.TimeUs));
        return meanings.Select(m => (m.Key, m.Value));
    }

    private static List<SampleRow> ReadSamples(LoggedSamples logged, out double rate)
    {
        rate = logged.PeriodUs > 0 ? 1e6 / logged.PeriodUs : 0;
        return [.. logged.Samples.Select(s => s.Valid
            ? new SampleRow { Cycle = s.Cycle, TimeUs = s.TimeUs, RawSignal = s.RawSignal, RawControl = s.RawControl, Dff = s.Dff, Z = s.Z, Valid = true }
            : new SampleRow { Cycle = s.Cycle, TimeUs = s.TimeUs, RawSignal = double.NaN, RawControl = double.NaN, Dff = double.NaN, Z = double.NaN, Valid = false })];
    }

    private static string WriteChannel(string folder, string name, List<SampleRow> samples, Func<SampleRow, double> value, double rate)
    {
        string path = Path.Combine(folder, name);
        var text = new StringBuilder("timestamps,data,sampling_rate\n");
        string rateText = rate.ToString("R", CultureInfo.InvariantCulture);
        foreach (var s in samples)
        {
            text.Append(Seconds(s.TimeUs)).Append(',').Append(value(s).ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(rateText).Append('\n');
        }

        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>
    /// The board's 1 Hz sync output runs in hardware from its journaled start (sync_started), so every rising edge
    /// it put on the wire is known: one `timestamps` file of them, up to the last sample or event, lets video
    /// frames or another recording that saw the pulses be put on the photometry's time base.
    /// </summary>
    private static string? WriteSyncPulses(string folder, string rig, LoggedEvents typed, IReadOnlyList<(long Sequence, long TimeUs, string Kind, string Json)> events, List<SampleRow> samples)
    {
        if (typed.Sync is not (long firstEdge, long period))
        {
            return null;
        }

        long end = Math.Max(events[^1].TimeUs, samples.Count == 0 ? 0 : samples[^1].TimeUs);
        string path = Path.Combine(folder, $"{rig}_sync_pulses.csv");
        var text = new StringBuilder("timestamps\n");
        for (long t = firstEdge; t <= end; t += period)
        {
            text.Append(Seconds(t)).Append('\n');
        }

        File.WriteAllText(path, text.ToString());
        return path;
    }

    private static string Seconds(long timeUs) => (timeUs / 1e6).ToString("F6", CultureInfo.InvariantCulture);
}
