using System.Net;
using System.Text.Json;
using ClosedLoop.Host.Report;
using ClosedLoop.Host.Studies;
using ClosedLoop.Host.Tests.Nwb;
using Microsoft.Data.Sqlite;

namespace ClosedLoop.Host.Tests.Studies;

/// <summary>
/// The seed's readout on a virtual study whose answer is known: a social recognition session (encounters alternate a
/// cage-mate and a stranger, which the virtual tracker marks as a lab's Bonsai would, through encounter_start's partner
/// and novelty) of group-reared and isolation-reared mice on saline or (R)-ketamine. The virtual mouse discriminates
/// when group-reared or treated (a stranger evokes more and is explored longer) and not when isolation-reared on
/// saline; the log, the study report and the NWB export must show exactly that, recomputed here from the raw events.
/// </summary>
[Collection(nameof(StudyRunTests))]
public sealed class RecognitionStudyTests(RecognitionStudyTests.Run run) : IClassFixture<RecognitionStudyTests.Run>
{
    public sealed class Run : IAsyncLifetime
    {
        private readonly StudyFixture _study = new();

        public string StudyFile { get; private set; } = string.Empty;

        public string Database => Path.Combine(_study.Folder, "log", "closedloop.sqlite");

        public string ReportFolder => Path.Combine(_study.Folder, "report");

        public string NwbFolder => Path.Combine(_study.Folder, "nwb");

        public IReadOnlyList<SlotResult> Slots { get; private set; } = [];

        public async Task InitializeAsync()
        {
            // Unblinded with a fixed seed: the same mice and encounters on every run. No live yoke, so 100x is allowed.
            string text = $"""
                [study]
                name = "recognition"
                config = "nf.config"
                blinded = false
                seed = 20261207
                balance = ["group", "treatment"]

                [conditions.sham]
                kind = "sham"

                [conditions.no-stimulation]
                kind = "none"

                [[sessions]]
                name = "recognition"
                kind = "baseline"
                minutes = 12
                recognition = true

                [[rigs]]
                id = "rig-01"

                [[rigs]]
                id = "rig-02"

                [[rigs]]
                id = "rig-03"

                [[rigs]]
                id = "rig-04"
                {StudyFixture.AnimalTables(StudyFixture.Animals(3))}
                """;
            StudyFile = _study.Write(text);
            var (code, _, error) = await CommandLine.Invoke("study", "plan", StudyFile);
            Assert.True(code == 0, error);

            int port = EmbeddedBroker.FreePort();
            await using var broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, port);
            var folder = new StudyFolder(StudyFile);
            var study = StudyFileReader.Read(StudyFile);
            Slots = await new VirtualStudyRun(study, folder.ReadKey(folder.ReadPlan()), null, Path.GetDirectoryName(Database)!, 100, TextWriter.Null)
                .RunAsync("recognition", CancellationToken.None, BrokerEndpoint.Loopback(port));

            var report = await CommandLine.Invoke("study", "report", StudyFile, "--db", Database, "--out", ReportFolder);
            Assert.True(report.Code == 0, report.Error);
            var export = await CommandLine.Invoke("study", "export", StudyFile, "--db", Database, "--out", NwbFolder);
            Assert.True(export.Code == 0, export.Error);
        }

        public Task DisposeAsync()
        {
            SqliteConnection.ClearAllPools();
            _study.Dispose();
            return Task.CompletedTask;
        }
    }

    /// <summary>Each animal's novel and familiar Δz and contact, from the raw event JSON (not the host's decoder): session start to the boot's end.</summary>
    private Dictionary<string, (double NovelDz, double FamiliarDz, double NovelContact, double FamiliarContact)> FromTheLog()
    {
        using var store = EventStore.OpenReadOnly(run.Database);
        var result = new Dictionary<string, (double, double, double, double)>();
        foreach (var slot in run.Slots)
        {
            foreach (var planned in slot.Runs)
            {
                long boot = slot.Boots[planned.Rig];
                long from = store.Sessions(planned.Rig, boot).Single().RigTimeUs;
                var events = store.Events(planned.Rig, boot).Select(e => JsonDocument.Parse(e.Json).RootElement).ToList();
                string Kind(JsonElement e) => e.GetProperty("kind").GetString()!;
                var whole = events.Where(e => Kind(e) == "decision_scored").ToDictionary(e => e.GetProperty("onset_us").GetInt64(), e => e.GetProperty("dz").GetDouble());
                var dz = events.Where(e => Kind(e) == "decision" && e.GetProperty("outcome").GetString() is "response" or "deficit")
                    .ToDictionary(e => e.GetProperty("onset_us").GetInt64(), e => e.GetProperty("early").GetBoolean() ? whole.GetValueOrDefault(e.GetProperty("onset_us").GetInt64(), double.NaN) : e.GetProperty("dz").GetDouble());
                var offsets = events.Where(e => Kind(e) == "encounter_off").ToDictionary(e => e.GetProperty("onset_us").GetInt64(), e => e.GetProperty("offset_us").GetInt64());
                var encounters = events.Where(e => Kind(e) == "encounter_on" && e.GetProperty("onset_us").GetInt64() >= from)
                    .Select(e => (Onset: e.GetProperty("onset_us").GetInt64(), Novelty: e.GetProperty("novelty").GetString(), Partner: e.GetProperty("partner").GetString()))
                    .ToList();
                Assert.All(encounters, e => Assert.Equal(e.Novelty == "novel" ? "stranger" : "cagemate", e.Partner));
                double MeanDz(string novelty) => encounters.Where(e => e.Novelty == novelty).Select(e => dz.GetValueOrDefault(e.Onset, double.NaN)).Where(double.IsFinite).Average();
                double Contact(string novelty) => encounters.Where(e => e.Novelty == novelty && offsets.ContainsKey(e.Onset)).Sum(e => (offsets[e.Onset] - e.Onset) / 1e6);
                result[planned.AnimalId] = (MeanDz("novel"), MeanDz("familiar"), Contact("novel"), Contact("familiar"));
            }
        }

        return result;
    }

    private IReadOnlyList<AnimalSession> Results()
    {
        using var store = EventStore.OpenReadOnly(run.Database);
        var study = StudyFileReader.Read(run.StudyFile);
        return StudyResults.Read(store, study, _ => "x");
    }

    [Fact]
    public void Every_animals_discrimination_is_what_its_logged_encounters_say()
    {
        var expected = FromTheLog();
        var results = Results();

        Assert.Equal(12, results.Count);
        foreach (var r in results)
        {
            var d = Assert.IsType<Discrimination>(r.Recognition);
            var (novelDz, familiarDz, novelContact, familiarContact) = expected[r.AnimalId];
            Assert.Equal(novelDz, d.NovelDeltaZ, 9);
            Assert.Equal(familiarDz, d.FamiliarDeltaZ, 9);
            Assert.Equal(novelContact, d.NovelContactS, 6);
            Assert.Equal(familiarContact, d.FamiliarContactS, 6);
            Assert.Equal((novelContact - familiarContact) / (novelContact + familiarContact), d.ContactIndex, 9);
            Assert.InRange(d.NovelEncounters, 8, 20);
            Assert.InRange(d.FamiliarEncounters, 8, 20);
        }
    }

    [Theory]
    [InlineData("group-reared", "saline", true)]
    [InlineData("group-reared", "r-ketamine", true)]
    [InlineData("isolation-reared", "saline", false)]
    [InlineData("isolation-reared", "r-ketamine", true)]
    public void Group_reared_and_treated_mice_discriminate_and_isolation_reared_saline_mice_do_not(string group, string treatment, bool discriminates)
    {
        var animals = Results().Where(r => r.Group == group && r.Treatment == treatment).Select(r => r.Recognition!).ToList();
        var difference = Summary.Of([.. animals.Select(d => d.DeltaZDifference)]);
        var index = Summary.Of([.. animals.Select(d => d.ContactIndex)]);
        string said = $"{group}/{treatment}: Δz difference {difference.Mean:F2} ({difference.Interval95.Low:F2} to {difference.Interval95.High:F2}), contact index {index.Mean:F2} ({index.Interval95.Low:F2} to {index.Interval95.High:F2}); animals: "
            + string.Join("; ", animals.Select(d => $"{d.NovelEncounters}/{d.FamiliarEncounters} dz {d.NovelDeltaZ:F2}/{d.FamiliarDeltaZ:F2} contact {d.NovelContactS:F1}/{d.FamiliarContactS:F1}"));

        Assert.Equal(3, difference.N);
        if (discriminates)
        {
            // Every animal answers a stranger more, and the cell goes to it more (three animals' interval is too wide to ask more of).
            Assert.True(animals.All(d => d.DeltaZDifference > 1.5) && index.Mean > 0.15, said);
        }
        else
        {
            // Neither its aIC nor its behaviour tells the two apart.
            Assert.True(Math.Abs(difference.Mean) < 1 && difference.Interval95.Low < 0 && difference.Interval95.High > 0 && Math.Abs(index.Mean) < 0.1, said);
        }
    }

    [Fact]
    public void The_study_report_shows_each_cells_discrimination_as_recomputed_from_the_animals()
    {
        string html = File.ReadAllText(Directory.GetFiles(run.ReportFolder, "*.html").Single());
        var cells = StudyReport.RecognitionCells(Results()).ToList();

        Assert.Contains("Social recognition: novel against familiar partners", html, StringComparison.Ordinal);
        Assert.Equal(4, cells.Count);
        foreach (var c in cells)
        {
            var expected = Summary.Of([.. Results().Where(r => r.Group == c.Group && r.Treatment == c.Treatment).Select(r => r.Recognition!.DeltaZDifference)]);
            Assert.Equal(expected.Mean, c.Difference.Mean, 12);
            string row = $"<td>{WebUtility.HtmlEncode(c.Group)}</td><td>{WebUtility.HtmlEncode(c.Treatment)}</td><td>baseline</td><td>3</td><td>{c.Novel.Mean.ToString("0.00", CultureInfo.InvariantCulture)} ± ";
            Assert.Contains(row, html, StringComparison.Ordinal);
            Assert.Contains($"{c.Difference.Mean.ToString("0.00", CultureInfo.InvariantCulture)} ({c.Difference.Interval95.Low.ToString("0.00", CultureInfo.InvariantCulture)} to {c.Difference.Interval95.High.ToString("0.00", CultureInfo.InvariantCulture)})", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_boots_session_report_and_its_replay_split_the_encounters_by_partner()
    {
        var slot = run.Slots[0];
        var planned = slot.Runs[0];
        string boot = slot.Boots[planned.Rig].ToString(CultureInfo.InvariantCulture);
        using var store = EventStore.OpenReadOnly(run.Database);
        var logged = LoggedEvents.Read(store, planned.Rig, slot.Boots[planned.Rig]).Encounters.ToList();
        int novel = logged.Count(e => e.Novelty == ClosedLoop.Engine.Encounters.Novelty.Novel);
        int familiar = logged.Count(e => e.Novelty == ClosedLoop.Engine.Encounters.Novelty.Familiar);
        string folder = Path.Combine(run.ReportFolder, "session");

        var report = await CommandLine.Invoke("report", planned.Rig, "--db", run.Database, "--boot", boot, "--out", folder);
        var replay = await CommandLine.Invoke("replay", run.Database, "--rig", planned.Rig, "--boot", boot);

        Assert.True(report.Code == 0, report.Error);
        string html = File.ReadAllText(Path.Combine(folder, $"{planned.Rig}_report.html"));
        Assert.Contains("<h2>By partner</h2>", html, StringComparison.Ordinal);
        Assert.Contains($"<td>cagemate</td><td>familiar</td><td>{familiar}</td>", html, StringComparison.Ordinal);
        Assert.Contains($"<td>stranger</td><td>novel</td><td>{novel}</td>", html, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, $"{planned.Rig}_peri_partner.png")));
        Assert.True(replay.Code == 0, replay.Error);
        Assert.Contains($"familiar partners (cagemate): {familiar} encounters", replay.Output, StringComparison.Ordinal);
        Assert.Contains($"novel partners (stranger): {novel} encounters", replay.Output, StringComparison.Ordinal);
        Assert.Contains("recognition: novel − familiar Δz ", replay.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_nwb_encounters_table_names_each_encounters_partner_and_its_novelty_and_validates()
    {
        string file = Directory.GetFiles(run.NwbFolder, "*.nwb", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).First();
        var nwb = NwbTool.Summary(file);
        string[] Texts(string path) => [.. nwb.GetProperty(path).GetProperty("value").EnumerateArray().Select(v => v.GetString()!)];

        var partners = Texts("intervals/encounters/partner");
        var novelty = Texts("intervals/encounters/partner_novelty");
        Assert.Equal(partners.Length, novelty.Length);
        Assert.Contains("novel", novelty);
        Assert.Contains("familiar", novelty);
        Assert.All(partners.Zip(novelty), p => Assert.Equal(p.Second == "novel" ? "stranger" : "cagemate", p.First));
        var (code, output) = NwbTool.Validate(file);
        Assert.True(code == 0, output);
    }
}
