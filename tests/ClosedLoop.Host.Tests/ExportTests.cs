using System.Text.Json;
using ClosedLoop.Host.Demo;
using ClosedLoop.Host.Export;
using Parquet.Serialization;

namespace ClosedLoop.Host.Tests;

/// <summary>Export of a logged session (a short demo run) for GuPPy and other tools.</summary>
public sealed class ExportTests : IAsyncLifetime, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-export-test").FullName;

    private string Database => Path.Combine(_folder, "closedloop.sqlite");

    private string Out => Path.Combine(_folder, "export");

    /// <summary>The folder GuPPy is pointed at.</summary>
    private string Guppy => Path.Combine(Out, SessionExport.GuppyFolder);

    public async Task InitializeAsync() =>
        await new DemoRunner([DemoRigSpec.Standard(5)[0]], TimeSpan.FromMinutes(3), _folder).RunAsync(null, CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_virtual_rig_logs_its_sync_pulses_like_a_board_so_every_export_has_them()
    {
        var (code, output, error) = await CommandLine.Invoke("export", DemoRigSpec.Standard(5)[0].RigId, "--db", Database, "--out", Out);

        Assert.True(code == 0, error);
        string sync = output.Split('\n').Single(line => line.EndsWith("_sync_pulses.csv", StringComparison.Ordinal));
        var lines = File.ReadAllLines(sync);
        Assert.Equal("timestamps", lines[0]);
        Assert.InRange(lines.Length - 1, 170, 182);
        Assert.DoesNotContain("no sync_started", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GuPPy_takes_its_folder_for_its_csv_format_and_nothing_in_it_for_another()
    {
        await CommandLine.Invoke("export", "rig-iso", "--db", Database, "--out", Out);

        var kinds = Directory.GetFiles(Guppy, "*.csv").ToDictionary(path => Path.GetFileName(path), GuppyCsvRules.Classify);
        Assert.Contains("rig-iso_signal.csv", kinds.Keys);
        Assert.Contains("rig-iso_encounter_onsets.csv", kinds.Keys);
        Assert.All(kinds, k => Assert.True(k.Value is GuppyCsvRules.Kind.Data or GuppyCsvRules.Kind.Event, $"{k.Key}: {k.Value}"));
        Assert.Equal(2, kinds.Count(k => k.Value == GuppyCsvRules.Kind.Data));

        // The events table beside the folder is what GuPPy would have taken for Neurophotometrics data.
        Assert.Equal(GuppyCsvRules.Kind.Npm, GuppyCsvRules.Classify(Path.Combine(Out, "rig-iso_events.csv")));
    }

    [Fact]
    public async Task Channels_have_exactly_guppys_columns_and_every_valid_logged_cycle()
    {
        var (code, _, error) = await CommandLine.Invoke("export", "rig-iso", "--db", Database, "--out", Out);
        using var store = new Logging.EventStore(Database);
        int valid = Logging.LoggedSamples.Read(store, "rig-iso", 1).Samples.Count(s => s.Valid);

        Assert.True(code == 0, error);
        foreach (string channel in new[] { "signal", "control" })
        {
            string[] lines = File.ReadAllLines(Path.Combine(Guppy, $"rig-iso_{channel}.csv"));
            Assert.Equal("timestamps,data,sampling_rate", lines[0]);
            Assert.Equal(valid, lines.Length - 1);
            Assert.InRange(valid, 130 * 165, 130 * 181);
            var first = lines[1].Split(',');
            Assert.Equal(3, first.Length);
            Assert.Equal(1e6 / 7692, double.Parse(first[2], CultureInfo.InvariantCulture), 9);
            var times = lines.Skip(1).Select(l => double.Parse(l.Split(',')[0], CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(times.Order(), times);
        }
    }

    [Fact]
    public async Task Each_meaning_gets_a_timestamps_file_of_encounter_onsets_and_the_sidecar_counts_them()
    {
        await CommandLine.Invoke("export", "rig-iso", "--db", Database, "--out", Out);

        using var store = new Logging.EventStore(Database);
        var decisions = store.Events("rig-iso", 1).Where(e => e.Kind == "decision").Select(e => JsonDocument.Parse(e.Json).RootElement).ToList();
        int files = 0;
        foreach (var outcome in decisions.GroupBy(d => d.GetProperty("outcome").GetString()))
        {
            string[] lines = File.ReadAllLines(Path.Combine(Guppy, $"rig-iso_onsets_{outcome.Key}.csv"));
            string[] decided = File.ReadAllLines(Path.Combine(Guppy, $"rig-iso_decided_{outcome.Key}.csv"));
            Assert.Equal("timestamps", lines[0]);
            Assert.Equal(outcome.Select(d => (d.GetProperty("onset_us").GetInt64() / 1e6).ToString("F6", CultureInfo.InvariantCulture)), lines.Skip(1));
            Assert.Equal(outcome.Select(d => (d.GetProperty("t_us").GetInt64() / 1e6).ToString("F6", CultureInfo.InvariantCulture)), decided.Skip(1));
            files += lines.Length - 1;
        }

        using var sidecar = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out, "rig-iso.json")));
        var root = sidecar.RootElement;
        Assert.Equal("rig-iso", root.GetProperty("rig").GetString());
        Assert.Equal(files, root.GetProperty("event_kinds").GetProperty("decision").GetInt32());
        Assert.Matches("^[0-9a-f]{16}$", root.GetProperty("configs")[0].GetString()!);
    }

    [Fact]
    public async Task Parquet_reads_back_equal_to_the_csv_and_the_log()
    {
        await CommandLine.Invoke("export", "rig-iso", "--db", Database, "--out", Out);

        var samples = (await ParquetSerializer.DeserializeAsync<SampleRow>(Path.Combine(Out, "rig-iso_samples.parquet"))).Data;
        var events = (await ParquetSerializer.DeserializeAsync<EventRow>(Path.Combine(Out, "rig-iso_events.parquet"))).Data;
        string[] signal = File.ReadAllLines(Path.Combine(Guppy, "rig-iso_signal.csv"));
        var valid = samples.Where(s => s.Valid).ToList();
        Assert.Equal(signal.Length - 1, valid.Count);
        for (int i = 0; i < valid.Count; i += 997)
        {
            var cells = signal[i + 1].Split(',');
            Assert.Equal(double.Parse(cells[1], CultureInfo.InvariantCulture), valid[i].RawSignal);
            Assert.Equal(double.Parse(cells[0], CultureInfo.InvariantCulture), valid[i].TimeUs / 1e6, 6);
        }

        Assert.All(samples.Where(s => !s.Valid), s => Assert.True(double.IsNaN(s.RawSignal) && double.IsNaN(s.RawControl) && double.IsNaN(s.Dff) && double.IsNaN(s.Z)));

        using var store = new Logging.EventStore(Database);
        Assert.Equal(store.Events("rig-iso", 1).Select(e => (e.Sequence, e.TimeUs, e.Kind, e.Json)), events.Select(e => (e.Sequence, e.TimeUs, e.Kind, e.Json)));
    }

    [Fact]
    public async Task No_invalid_cycle_reaches_guppy_as_light_and_every_export_marks_where_they_were()
    {
        await CommandLine.Invoke("export", "rig-iso", "--db", Database, "--out", Out);
        using var store = new Logging.EventStore(Database);
        var logged = Logging.LoggedSamples.Read(store, "rig-iso", 1).Samples;
        var invalidTimes = logged.Where(s => !s.Valid).Select(s => s.TimeUs / 1e6).ToList();
        Assert.NotEmpty(invalidTimes); // the virtual rig's stalls leave invalid cycles in a 3-minute log

        // GuPPy's own way of reading a data file keeps every time with its value, and none of them is an invalid cycle.
        foreach (string channel in new[] { "signal", "control" })
        {
            var (times, data, problem) = GuppyCsvRules.ReadData(Path.Combine(Guppy, $"rig-iso_{channel}.csv"));
            Assert.Null(problem);
            Assert.Equal(logged.Count(s => s.Valid), data.Length);
            Assert.DoesNotContain(times, t => invalidTimes.Any(i => Math.Abs(i - t) < 1e-6));
        }

        // Where the spans begin and end, as GuPPy event files and the sidecar say it alike (NWB: NwbExportTests).
        var onsets = File.ReadAllLines(Path.Combine(Guppy, "rig-iso_invalid_onsets.csv")).Skip(1).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToList();
        var offsets = File.ReadAllLines(Path.Combine(Guppy, "rig-iso_invalid_offsets.csv")).Skip(1).Select(l => double.Parse(l, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(GuppyCsvRules.Kind.Event, GuppyCsvRules.Classify(Path.Combine(Guppy, "rig-iso_invalid_onsets.csv")));
        Assert.Equal(onsets.Count, offsets.Count);
        Assert.All(invalidTimes, t => Assert.Contains(onsets.Zip(offsets), span => t >= span.First - 1e-6 && t < span.Second));
        using var sidecar = JsonDocument.Parse(File.ReadAllText(Path.Combine(Out, "rig-iso.json")));
        var spans = sidecar.RootElement.GetProperty("invalid_spans").EnumerateArray().ToList();
        Assert.Equal(onsets, spans.Select(s => Math.Round(s.GetProperty("from_s").GetDouble(), 6)));
        Assert.All(spans, s => Assert.Contains(s.GetProperty("reason").GetString()!.Split("; ")[0], new[] { "invalid cycles", "cycles not acquired", "frames not logged" }));
    }

    [Fact]
    public async Task Exported_guppy_csvs_replay_with_every_encounter_at_its_logged_onset()
    {
        await CommandLine.Invoke("export", "rig-iso", "--db", Database, "--out", Out);
        using var store = new Logging.EventStore(Database);
        var onsets = store.Events("rig-iso", 1).Where(e => e.Kind == "encounter_on")
            .Select(e => (JsonDocument.Parse(e.Json).RootElement.GetProperty("onset_us").GetInt64() / 1e6).ToString("F2", CultureInfo.InvariantCulture)).ToList();

        var (code, output, error) = await CommandLine.Invoke(
            "replay", Path.Combine(Guppy, "rig-iso_signal.csv"), "--control", Path.Combine(Guppy, "rig-iso_control.csv"),
            "--events", Path.Combine(Guppy, "rig-iso_encounter_onsets.csv"), "--event-ms", "2000", "--set", "processing.warmup_s=30");

        Assert.True(code == 0, error);
        Assert.Contains($"{onsets.Count} encounters:", output, StringComparison.Ordinal);
        foreach (string onset in onsets)
        {
            Assert.Contains($"│ {onset}", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_logged_session_replays_directly_with_every_encounter()
    {
        using var store = new Logging.EventStore(Database);
        int encounters = store.Events("rig-iso", 1).Count(e => e.Kind == "encounter_on");

        var (code, output, error) = await CommandLine.Invoke("replay", Database, "--rig", "rig-iso", "--set", "processing.warmup_s=30");

        Assert.True(code == 0, error);
        Assert.Contains($"{encounters} encounters:", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("time,data,sampling_rate\n0,1,130\n", "line 1 is 'time,data,sampling_rate'; expected the header 'timestamps,data,sampling_rate'")]
    [InlineData("timestamps,data,sampling_rate\n0,1,130\n0.1,2\n", "line 3 has 2 columns; expected 3 (timestamps,data,sampling_rate)")]
    [InlineData("timestamps,data,sampling_rate\n0,1,130\n0.1,abc,\n", "line 3: data 'abc' is not a number")]
    [InlineData("timestamps,data,sampling_rate\n0.2,1,130\n0.1,2,\n", "line 3: timestamps go backwards (0.1 after 0.2)")]
    public async Task Bad_guppy_input_is_refused_naming_the_file_line_and_problem(string content, string expected)
    {
        string signal = Path.Combine(_folder, "bad_signal.csv");
        File.WriteAllText(signal, content);
        string control = Path.Combine(_folder, "control.csv");
        File.WriteAllText(control, "timestamps,data,sampling_rate\n0,1,130\n0.1,1,\n");

        var (code, _, error) = await CommandLine.Invoke("replay", signal, "--control", control);

        Assert.Equal(1, code);
        Assert.Contains($"{signal} {expected}", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rig-nobody", "holds nothing from rig 'rig-nobody'")]
    public async Task Unknown_rigs_and_missing_logs_are_refused_in_one_line(string rig, string expected)
    {
        var (code, _, error) = await CommandLine.Invoke("export", rig, "--db", Database, "--out", Out);
        var (missingCode, _, missingError) = await CommandLine.Invoke("export", "rig-iso", "--db", Path.Combine(_folder, "none.sqlite"));

        Assert.Equal((2, 2), (code, missingCode));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains("no such file", missingError, StringComparison.Ordinal);
    }
}
