using System.Text.Json;
using ClosedLoop.Host.Demo;
using ClosedLoop.Host.Studies;
using ClosedLoop.Host.Tests.Studies;

namespace ClosedLoop.Host.Tests.Nwb;

/// <summary>
/// NWB export of logged sessions (a short demo run: a closed-loop rig, its sham control and a group-reared rig),
/// validated against the NWB 2.6.0 core schema by HDMF and read back by h5py.
/// </summary>
public sealed class NwbExportTests(NwbExportTests.DemoLog log) : IClassFixture<NwbExportTests.DemoLog>, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-nwb-test").FullName;

    /// <summary>A three-minute demo's log, made once for the class; each test works on its own copy.</summary>
    public sealed class DemoLog : IAsyncLifetime
    {
        public string Folder { get; } = Directory.CreateTempSubdirectory("closedloop-nwb-demo").FullName;

        public async Task InitializeAsync() =>
            await new DemoRunner(DemoRigSpec.Standard(5), TimeSpan.FromMinutes(3), Folder).RunAsync(null, CancellationToken.None);

        public Task DisposeAsync()
        {
            Directory.Delete(Folder, recursive: true);
            return Task.CompletedTask;
        }
    }

    private string Database
    {
        get
        {
            string copy = Path.Combine(_folder, "closedloop.sqlite");
            if (!File.Exists(copy))
            {
                File.Copy(Path.Combine(log.Folder, "closedloop.sqlite"), copy);
            }

            return copy;
        }
    }

    private string Out => Path.Combine(_folder, "export");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private async Task<string> Export(string rig, params string[] more)
    {
        var (code, output, error) = await CommandLine.Invoke(["export", rig, "--db", Database, "--out", Out, "--nwb", .. more]);
        Assert.True(code == 0, error);
        string file = Path.Combine(Out, $"{rig}.nwb");
        Assert.Contains(file, output, StringComparison.Ordinal);
        return file;
    }

    [Fact]
    public async Task Every_rigs_session_passes_the_nwb_core_schema_with_no_error()
    {
        string[] files = [await Export("rig-iso"), await Export("rig-sham"), await Export("rig-group")];

        var (code, output) = NwbTool.Validate(files);

        Assert.True(code == 0, output);
        Assert.All(files, file => Assert.Contains($"{file}: 0 error(s)", output, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("identifier", "argument missing")]
    [InlineData("acquisition/signal/data", "TimeSeries/data")]
    [InlineData("general/optogenetics/site/location", "OptogeneticStimulusSite/location")]
    [InlineData("intervals/decisions/start_time", "start_time")]
    public async Task A_file_with_a_required_field_removed_fails_the_validation(string removed, string named)
    {
        string file = await Export("rig-iso");
        string broken = Path.Combine(_folder, "broken.nwb");
        File.Copy(file, broken, overwrite: true);
        using (var process = System.Diagnostics.Process.Start("/usr/bin/python3", ["-c", $"import h5py\nf = h5py.File('{broken}', 'a')\ndel f['{removed}']\nf.close()"]))
        {
            process.WaitForExit();
            Assert.Equal(0, process.ExitCode);
        }

        var (code, output) = NwbTool.Validate(broken);

        Assert.Equal(1, code);
        Assert.Contains(named, output, StringComparison.Ordinal);
        Assert.DoesNotContain($"{broken}: 0 error(s)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_file_holds_the_logged_samples_decisions_and_pulses_as_read_back_by_h5py()
    {
        var nwb = NwbTool.Summary(await Export("rig-iso"));

        using var store = EventStore.OpenReadOnly(Database);
        long boot = store.Boots("rig-iso")[^1];
        var samples = LoggedSamples.Read(store, "rig-iso", boot).Samples;
        var events = LoggedEvents.Read(store, "rig-iso", boot);
        double[] Values(string path) => [.. nwb.GetProperty(path).GetProperty("value").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? double.NaN : v.GetDouble())];
        string Text(string path) => nwb.GetProperty(path).GetProperty("value").GetString()!;

        Assert.Equal("2.6.0", nwb.GetProperty("/").GetProperty("attrs").GetProperty("nwb_version").GetString());
        Assert.Equal(samples.Select(s => s.Valid ? s.RawSignal : double.NaN), Values("acquisition/signal/data"));
        Assert.Equal(samples.Select(s => s.Valid ? s.RawControl : double.NaN), Values("acquisition/control/data"));
        Assert.Equal(samples.Select(s => s.TimeUs / 1e6), Values("acquisition/signal/timestamps"));
        Assert.Equal("seconds", nwb.GetProperty("acquisition/signal/timestamps").GetProperty("attrs").GetProperty("unit").GetString());

        var decisions = events.Decisions.ToList();
        Assert.NotEmpty(decisions);
        Assert.Equal(decisions.Select(d => d.OnsetUs / 1e6), Values("intervals/decisions/start_time"));
        Assert.Equal(decisions.Select(d => d.DeltaZ), Values("intervals/decisions/delta_z"));
        Assert.Equal(decisions.Select(d => ClosedLoop.Engine.Wire.EventJson.Outcomes[(int)d.Outcome]),
            nwb.GetProperty("intervals/decisions/outcome").GetProperty("value").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(events.EncounterOnsets.Count(), Values("intervals/encounters/start_time").Length);

        // Each driven train as its pulses, rise and fall, from the config the session ran with (100 pulses of 10 ms every 50 ms).
        var trains = events.Trains.Where(t => t.Channel == "opto" && !t.Sham).ToList();
        Assert.NotEmpty(trains);
        double[] pulses = Values("stimulus/presentation/opto_trains/timestamps");
        Assert.Equal(trains.Count * 100 * 2, pulses.Length);
        Assert.Equal(trains[0].TimeUs / 1e6, pulses[0], 9);
        Assert.Equal((trains[0].TimeUs + 10_000) / 1e6, pulses[1], 9);
        Assert.Equal((trains[0].TimeUs + 50_000) / 1e6, pulses[2], 9);
        Assert.Equal("/general/optogenetics/site", nwb.GetProperty("stimulus/presentation/opto_trains").GetProperty("links").GetProperty("site").GetString());
        Assert.Equal("OptogeneticSeries", nwb.GetProperty("stimulus/presentation/opto_trains").GetProperty("attrs").GetProperty("neurodata_type").GetString());
        Assert.Equal($"rig-iso-boot{boot}", Text("general/session_id"));
    }

    [Fact]
    public async Task Invalid_cycles_are_nan_and_every_span_without_good_samples_is_in_invalid_times()
    {
        var nwb = NwbTool.Summary(await Export("rig-iso"));

        using var store = EventStore.OpenReadOnly(Database);
        long boot = store.Boots("rig-iso")[^1];
        var samples = LoggedSamples.Read(store, "rig-iso", boot);
        var spans = InvalidSpans.Of(samples, LoggedEvents.Read(store, "rig-iso", boot));
        double[] Values(string path) => [.. nwb.GetProperty(path).GetProperty("value").EnumerateArray().Select(v => v.ValueKind == JsonValueKind.String ? double.NaN : v.GetDouble())];

        var invalid = samples.Samples.Where(s => !s.Valid).ToList();
        Assert.NotEmpty(invalid); // the virtual rig's stalls leave invalid cycles in a 3-minute log
        Assert.Equal(invalid.Count, Values("acquisition/signal/data").Count(double.IsNaN));
        Assert.Equal(spans.Select(s => s.FromUs / 1e6), Values("intervals/invalid_times/start_time"));
        Assert.Equal(spans.Select(s => s.ToUs / 1e6), Values("intervals/invalid_times/stop_time"));
        Assert.All(invalid, s => Assert.Contains(spans, span => s.TimeUs >= span.FromUs && s.TimeUs < span.ToUs));
        Assert.Equal(spans.Select(s => s.Reason), nwb.GetProperty("intervals/invalid_times/reason").GetProperty("value").EnumerateArray().Select(v => v.GetString()));
    }

    [Fact]
    public async Task Sham_trains_are_an_optogenetic_series_whose_light_stayed_off()
    {
        var nwb = NwbTool.Summary(await Export("rig-sham"));

        Assert.False(nwb.TryGetProperty("stimulus/presentation/opto_trains", out _));
        var data = nwb.GetProperty("stimulus/presentation/sham_trains/data").GetProperty("value").EnumerateArray().Select(v => v.GetDouble()).ToList();
        Assert.NotEmpty(data);
        Assert.All(data, v => Assert.Equal(0, v));
    }

    [Fact]
    public async Task The_subject_comes_from_the_study_and_a_blinded_condition_only_as_its_code()
    {
        using (var store = new EventStore(Database))
        {
            long boot = store.Boots("rig-iso")[^1];
            store.StoreSession(new SessionRecord("rig-iso", boot, 1_000_000, "2026-11-29T09:30:00.0000000Z", "m03", "A. Experimenter", "first stimulation session"));
        }

        using var study = new StudyFixture();
        string studyFile = study.Write(StudyFixture.Text(StudyFixture.Animals(1))
            .Replace("treatment = \"saline\"\n", "treatment = \"saline\"\nsex = \"female\"\nage = \"P84D\"\nstrain = \"C57BL/6J\"\ngenotype = \"wild type\"\n", StringComparison.Ordinal)
            .Replace("[study]\n", "[study]\nlab = \"Ago lab\"\ninstitution = \"Osaka University\"\nvirus = \"AAV9-hSyn-GCaMP6s, 300 nl in the aIC\"\nindicator = \"GCaMP6s\"\nexperimenters = [\"Yokoyama, Akiko\", \"A. Experimenter\"]\n", StringComparison.Ordinal));
        Assert.Equal(0, (await CommandLine.Invoke("study", "plan", studyFile)).Code);
        var key = new StudyFolder(studyFile).ReadKey(new StudyFolder(studyFile).ReadPlan());
        var assignment = key.Assignments.Single(a => a.Animal == "m03");

        var (code, _, warnings) = await CommandLine.Invoke(["export", "rig-iso", "--db", Database, "--out", Out, "--nwb", "--study", studyFile, "--excitation-nm", "473", "--opto-power-mw", "8"]);
        Assert.True(code == 0, warnings);
        Assert.DoesNotContain("lacks", warnings, StringComparison.Ordinal);
        string file = Path.Combine(Out, "rig-iso.nwb");

        Assert.Equal(0, NwbTool.Validate(file).Code);
        var nwb = NwbTool.Summary(file);
        string Text(string path) => nwb.GetProperty(path).GetProperty("value").GetString()!;
        Assert.Equal("m03", Text("general/subject/subject_id"));
        Assert.Equal("P84D", Text("general/subject/age"));
        Assert.Equal("birth", nwb.GetProperty("general/subject/age").GetProperty("attrs").GetProperty("reference").GetString());
        Assert.Equal("C57BL/6J", Text("general/subject/strain"));
        Assert.Equal("wild type", Text("general/subject/genotype"));
        Assert.Equal("Ago lab", Text("general/lab"));
        Assert.Equal("Osaka University", Text("general/institution"));
        Assert.Equal("AAV9-hSyn-GCaMP6s, 300 nl in the aIC", Text("general/virus"));
        Assert.Equal("F", Text("general/subject/sex"));
        Assert.Equal("Mus musculus", Text("general/subject/species"));
        Assert.Equal("group: isolation-reared; treatment: saline", Text("general/subject/description"));
        // The study's experimenters in its order; a session's own experimenter already among them is not repeated.
        Assert.Equal(["Yokoyama, Akiko", "A. Experimenter"], nwb.GetProperty("general/experimenter").GetProperty("value").EnumerateArray().Select(v => v.GetString()));
        Assert.Contains("(GCaMP6s-dependent excitation)", nwb.GetProperty("acquisition/signal").GetProperty("attrs").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Contains("(GCaMP6s excited at its isosbestic point)", nwb.GetProperty("acquisition/control").GetProperty("attrs").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal("2026-11-29T09:30:00.000000+00:00", Text("session_start_time"));
        Assert.Equal("2026-11-29T09:29:59.000000+00:00", Text("timestamps_reference_time"));
        Assert.Equal(473, nwb.GetProperty("general/optogenetics/site/excitation_lambda").GetProperty("value").GetDouble());
        Assert.Equal(0.008, nwb.GetProperty("stimulus/presentation/opto_trains/data").GetProperty("attrs").GetProperty("conversion").GetDouble(), 6);
        Assert.Contains($"condition {assignment.Code}", Text("session_description"), StringComparison.Ordinal);

        // Nothing in a closed-loop animal's file names a condition: every string h5py reads from it is free of the study's
        // condition names (a sham rig's own file says sham: the rig's mode is the one thing the board must know).
        string everything = nwb.GetRawText();
        Assert.All(new[] { "closed-loop", "yoked", "sham", "no-stimulation" }, name => Assert.DoesNotContain(name, everything, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_study_session_still_running_is_exported_marked_as_such_and_an_ended_one_is_not()
    {
        // m03's 'stim-1' session began after everything rig-iso has logged so far: no stop follows it.
        using (var store = new EventStore(Database))
        {
            long boot = store.Boots("rig-iso")[^1];
            long last = LoggedEvents.Read(store, "rig-iso", boot).All.Max(e => e.TimeUs);
            store.StoreSession(new SessionRecord("rig-iso", boot, last + 1, "2026-11-29T09:30:00.0000000Z", "m03", "A. Experimenter", "stim-1"));
            long sham = store.Boots("rig-sham")[^1];
            store.StoreSession(new SessionRecord("rig-sham", sham, 1_000_000, "2026-11-29T09:30:00.0000000Z", "m04", "A. Experimenter", "stim-1"));
        }

        using var study = new StudyFixture();
        string studyFile = study.Write(StudyFixture.Text(StudyFixture.Animals(1)));
        Assert.Equal(0, (await CommandLine.Invoke("study", "plan", studyFile)).Code);

        var (code, output, error) = await CommandLine.Invoke("study", "export", studyFile, "--db", Database, "--out", Out);

        Assert.True(code == 0, error);
        string running = Path.Combine(Out, "stim-1", "m03.nwb");
        Assert.Contains($"{running}: STILL RUNNING, its session has no stop in the log; written as far as it was logged", output, StringComparison.Ordinal);
        Assert.Contains("STILL RUNNING when exported", NwbTool.Summary(running).GetProperty("session_description").GetProperty("value").GetString(), StringComparison.Ordinal);
        // The demo stopped rig-sham's session before the log ended: written plain.
        string ended = Path.Combine(Out, "stim-1", "m04.nwb");
        Assert.Contains(ended + "\n", output.Replace("\r", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("STILL RUNNING", NwbTool.Summary(ended).GetProperty("session_description").GetProperty("value").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_export_says_each_field_dandi_requires_that_it_could_not_fill_and_how_to_give_it()
    {
        var (code, _, error) = await CommandLine.Invoke(["export", "rig-iso", "--db", Database, "--out", Out, "--nwb"]);

        Assert.True(code == 0, error);
        Assert.Contains("warning: rig-iso.nwb lacks subject id (DANDI requires it): start the session with --subject, or give --study", error, StringComparison.Ordinal);
        Assert.Contains("warning: rig-iso.nwb lacks subject species, sex and age or date of birth (DANDI requires them): give --study", error, StringComparison.Ordinal);
        Assert.Contains("warning: rig-iso.nwb lacks the stimulation light's wavelength (excitation_lambda is NaN): give --excitation-nm", error, StringComparison.Ordinal);
        Assert.Contains("warning: rig-iso.nwb lacks the stimulation light's power (the trains' conversion is NaN): give --opto-power-mw", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_study_animals_age_must_be_an_iso_duration_and_its_birth_a_date()
    {
        using var study = new StudyFixture();
        string file = study.Write(StudyFixture.Text(StudyFixture.Animals(1))
            .Replace("treatment = \"saline\"\n", "treatment = \"saline\"\nage = \"12 weeks\"\ndate_of_birth = \"12/09/2026\"\n", StringComparison.Ordinal));

        var e = Assert.Throws<StudyFileException>(() => StudyFileReader.Read(file));
        Assert.Contains("animals[1].age = '12 weeks': an ISO 8601 duration, as NWB and DANDI take an age: P90D (90 days), P12W, P3M", e.Message, StringComparison.Ordinal);
        Assert.Contains("animals[1].date_of_birth = '12/09/2026': a date as yyyy-MM-dd", e.Message, StringComparison.Ordinal);
    }
}
