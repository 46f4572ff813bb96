using ClosedLoop.Data;
using ClosedLoop.Data.Guppy;
using ClosedLoop.Data.Neurophotometrics;
using ClosedLoop.Data.Ppd;
using ClosedLoop.Host.Logging;

namespace ClosedLoop.Host.Tuning;

/// <summary>
/// What to replay and how to read it, whoever asks (the replay command, the console's tuning): a .ppd, a GuPPy
/// signal channel with its control, a column CSV, a Neurophotometrics recording, or a rig's session in a log.
/// </summary>
public sealed record RecordingRequest(FileInfo File)
{
    /// <summary>GuPPy: the control channel's file.</summary>
    public FileInfo? Control { get; init; }

    /// <summary>A CSV of encounter onset times: GuPPy's event file, or any CSV with <see cref="EventsColumn"/>.</summary>
    public FileInfo? Events { get; init; }

    /// <summary>The column of <see cref="Events"/> holding onset times (null: GuPPy's one-column event file).</summary>
    public string? EventsColumn { get; init; }

    /// <summary>How long each encounter from onset times lasts.</summary>
    public int EventMs { get; init; } = 1000;

    /// <summary>.ppd: the digital input (0 or 1) whose level marks contact, or whose rising edges are onsets.</summary>
    public int EncounterInput { get; init; }

    /// <summary>Rising TTL edges are event markers (each an onset lasting <see cref="EventMs"/>), not contact levels.</summary>
    public bool EdgesAreOnsets { get; init; }

    /// <summary>Read a cut-short .ppd up to its last whole sample.</summary>
    public bool AcceptCutShort { get; init; }

    /// <summary>A log on the lab's PostgreSQL (a postgresql:// address given where a file goes); null for a file.</summary>
    public string? LogAddress { get; init; }

    /// <summary>A log: the rig and boot (null: the latest).</summary>
    public string? Rig { get; init; }

    public long? Boot { get; init; }

    /// <summary>Column CSV: its time, signal, control and (optional) event columns.</summary>
    public string? TimeColumn { get; init; }

    public string? SignalColumn { get; init; }

    public string? ControlColumn { get; init; }

    public string? EventColumn { get; init; }

    /// <summary>Neurophotometrics: the fibre's column, the signal and control LED codes, and where encounters come from.</summary>
    public string? Fiber { get; init; }

    public int SignalLed { get; init; } = 2;

    public int ControlLed { get; init; } = 1;

    public FileInfo? DigitalInputs { get; init; }

    public int? NpmInput { get; init; }

    /// <summary>The kind of input, in the words the operator reads.</summary>
    public string Kind =>
        LogAddress is not null ? "a closedloop log"
        : File.Extension.Equals(".ppd", StringComparison.OrdinalIgnoreCase) ? "a .ppd recording"
        : File.Extension.Equals(".sqlite", StringComparison.OrdinalIgnoreCase) || Rig is not null ? "a closedloop log"
        : TimeColumn is not null || SignalColumn is not null || ControlColumn is not null || EventColumn is not null ? "a column CSV"
        : RecordingLoader.IsNeurophotometrics(File) ? "a Neurophotometrics recording"
        : File.Extension.Equals(".csv", StringComparison.OrdinalIgnoreCase) ? "a GuPPy channel file"
        : "a .ppd recording";
}

/// <summary>
/// A recording read for replay, with what was read and assumed (said to the operator before any result), a warning
/// about the file when there is one, and for a logged session the config it ran with.
/// </summary>
public sealed record LoadedRecording(Recording Recording, IReadOnlyList<string> Notes, string? Warning, string? SessionConfig, string? SessionConfigNote);

/// <summary>
/// Reads any recording the project replays into one <see cref="Recording"/>: the one reader for the replay command
/// and the console's tuning, so that both read a file alike and say the same about it. A file that cannot be read
/// is a <see cref="RecordingFormatException"/>; an input that cannot be used (a missing file, an option that needs
/// another) an <see cref="InputException"/>.
/// </summary>
public static class RecordingLoader
{
    /// <summary>A Neurophotometrics table (.pqt) or a CSV with the FP3002's header (FrameCounter and LedState or Flags).</summary>
    public static bool IsNeurophotometrics(FileInfo file) =>
        file.Extension.ToLowerInvariant() is ".pqt" or ".parquet"
        || (file.Extension.Equals(".csv", StringComparison.OrdinalIgnoreCase) && file.Exists && NpmFrames.IsNpmCsv(file.FullName));

    public static LoadedRecording Load(RecordingRequest request)
    {
        if (request.LogAddress is null)
        {
            InputFile.Require(request.File, "a .ppd recording, a GuPPy channel .csv or a closedloop log");
        }

        if (request.EventMs <= 0)
        {
            throw new InputException($"--event-ms {request.EventMs}: expected a positive number of milliseconds");
        }

        var notes = new List<string>();
        string? warning = null;
        string? sessionConfig = null;
        string? sessionConfigNote = null;
        long eventUs = request.EventMs * 1000L;
        Recording recording;
        string origin;
        switch (request.Kind)
        {
            case "a closedloop log":
                if (request.Rig is not string rig)
                {
                    throw new InputException($"{request.LogAddress ?? request.File.Name} is a closedloop log: say which rig with --rig");
                }

                var (store, chosen) = LoggedSessionChoice.Open(request.LogAddress ?? request.File.ToString(), rig, request.Boot);
                using (store)
                {
                    string? hash = store.SessionConfigHash(rig, chosen);
                    sessionConfig = hash is null ? null : store.ConfigText(hash);
                    sessionConfigNote = sessionConfig is not null
                        ? $"config: the one {rig} boot {chosen} ran with ({hash}), from the log"
                        : $"config: the log holds no config for {rig} boot {chosen} ({hash ?? "no hash logged"}): defaults, which may differ from what ran";
                    recording = LoggedRecording.Read(store, rig, chosen);
                }

                origin = "the rig's frames";
                break;
            case "a Neurophotometrics recording":
                recording = Neurophotometrics(request, notes);
                origin = "the paired frames' times (median interval)";
                break;
            case "a column CSV":
                if (request.SignalColumn is null || request.TimeColumn is null || request.ControlColumn is null)
                {
                    throw new InputException("a column CSV needs --time-column, --signal-column and --control-column");
                }

                if (request.Events is not null && request.EventsColumn is null)
                {
                    throw new InputException("--events with a column CSV needs --events-column NAME: the column of that file holding the onset times");
                }

                recording = ColumnCsv.Read(request.File.FullName, request.TimeColumn, request.SignalColumn, request.ControlColumn, eventUs, request.EventColumn);
                recording = request.Events is null ? recording : recording.WithOnsets(OnsetsUs(request.Events, request.EventsColumn!), eventUs);
                origin = $"the time column '{request.TimeColumn}' (median interval)";
                break;
            case "a GuPPy channel file":
                if (request.Control is null)
                {
                    throw new InputException($"{request.File.Name} is a GuPPy channel file: give the control channel with --control");
                }

                InputFile.Require(request.Control, "the control channel's GuPPy .csv");
                if (request.Events is not null)
                {
                    InputFile.Require(request.Events, "an event .csv of onset timestamps");
                }

                recording = request.Events is not null && request.EventsColumn is not null
                    ? GuppyCsv.Read(request.File.FullName, request.Control.FullName, null, eventUs).WithOnsets(OnsetsUs(request.Events, request.EventsColumn), eventUs)
                    : GuppyCsv.Read(request.File.FullName, request.Control.FullName, request.Events?.FullName, eventUs);
                origin = "GuPPy's sampling_rate column";
                break;
            default:
                var ppd = PpdReader.Read(request.File.FullName, request.AcceptCutShort, out int dropped);
                recording = Recording.FromPpd(ppd, request.EncounterInput);
                string currents = ppd.LedCurrentsMa.Length == 0 ? "no LED currents stated"
                    : "LED currents " + string.Join(" and ", ppd.LedCurrentsMa.Select(c => c.ToString(CultureInfo.InvariantCulture))) + " mA";
                notes.Add($"pyPhotometry {request.File.Name}: subject '{ppd.SubjectId}', mode '{ppd.Mode}', {currents}, {ppd.SamplingRate.ToString(CultureInfo.InvariantCulture)} Hz in its header; "
                    + $"analog 1 as the signal, analog 2 as the control; digital input {request.EncounterInput + 1} marks encounters ({(request.EdgesAreOnsets ? "each rising edge an onset" : "high during contact")})");
                if (dropped > 0)
                {
                    warning = $"warning: {request.File.Name} stops mid-sample: its last {dropped} bytes (an incomplete sample) were left out";
                }

                recording = request.EdgesAreOnsets ? recording.WithEdgesAsOnsets(eventUs) : recording;
                origin = "the .ppd header";
                break;
        }

        notes.AddRange(Assumptions(recording, request, origin, notes));
        return new LoadedRecording(recording, notes, warning, sessionConfig, sessionConfigNote);
    }

    /// <summary>One fibre's frames paired into cycles, with encounters from an input line, the digital-input table or an event file.</summary>
    private static Recording Neurophotometrics(RecordingRequest request, List<string> notes)
    {
        var frames = NpmFrames.Read(request.File.FullName);
        var (recording, summary) = NpmRecording.Pair(frames, request.Fiber, request.SignalLed, request.ControlLed);
        notes.Add(summary);
        long eventUs = request.EventMs * 1000L;
        if (request.Events is { } events)
        {
            InputFile.Require(events, "an event .csv of onset timestamps");
            var onsets = request.EventsColumn is null ? GuppyCsv.ReadEvents(events.FullName).Select(s => (long)Math.Round(s * 1e6)) : OnsetsUs(events, request.EventsColumn);
            return recording.WithOnsets(onsets, eventUs);
        }

        IReadOnlyList<(long TimeUs, bool Level)>? edges = null;
        if (request.DigitalInputs is { } table)
        {
            InputFile.Require(table, "the digital-input table (.pqt)");
            edges = NpmRecording.DigitalInputEdges(table.FullName);
        }
        else if (request.NpmInput is int line)
        {
            edges = NpmRecording.InputLineEdges(frames, line);
        }

        if (edges is null)
        {
            notes.Add("encounters: none given (a Neurophotometrics recording carries them in --npm-input's bits, the --digital-inputs table or an --events file)");
            return recording;
        }

        var marked = recording.WithEdges(edges);
        return request.EdgesAreOnsets ? marked.WithEdgesAsOnsets(eventUs) : marked;
    }

    /// <summary>
    /// What the replay takes for granted about the recording, said before its results: the rate it runs at and where
    /// that came from, how the two channels were paired, and that a recording without encounter marks has none to
    /// decide on.
    /// </summary>
    private static IEnumerable<string> Assumptions(Recording recording, RecordingRequest request, string origin, IReadOnlyList<string> notes)
    {
        yield return string.Create(CultureInfo.InvariantCulture, $"rate: {recording.SamplingRate:0.###} cycles a second, from {origin}");
        if (recording.ControlLagUs == 0)
        {
            yield return "channels: each control sample has its signal sample's time; a pair is processed as one cycle";
        }
        else if (recording.ControlLagUs is long lag)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"channels: each control sample was taken {Math.Abs(lag) / 1000.0:0.#} ms {(lag < 0 ? "before" : "after")} its signal sample (median); a pair is processed as one cycle, as a rig does");
        }
        else if (request.TimeColumn is not null)
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"channels: '{request.SignalColumn}' as the signal and '{request.ControlColumn}' as the control, paired by row as if taken together: the file has one time column, so if its LEDs alternated, each pair was up to one interval ({1000 / recording.SamplingRate:0.#} ms) apart");
        }

        if (recording.EncounterEdges.Count == 0 && !notes.Any(n => n.StartsWith("encounters:", StringComparison.Ordinal)))
        {
            yield return "encounters: none marked in this recording, so '0 encounters' below means none were given, not none found (--events gives onsets from a file)";
        }
    }

    /// <summary>Encounter onsets (µs) from one column of any CSV of event times.</summary>
    private static IEnumerable<long> OnsetsUs(FileInfo events, string column)
    {
        InputFile.Require(events, "a .csv of event times");
        return EventColumnCsv.Read(events.FullName, column).Select(seconds => (long)Math.Round(seconds * 1e6));
    }
}
