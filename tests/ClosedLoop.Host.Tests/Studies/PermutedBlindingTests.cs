using System.Net;
using System.Text.RegularExpressions;
using ClosedLoop.Host.Studies;
using Microsoft.Data.Sqlite;

namespace ClosedLoop.Host.Tests.Studies;

/// <summary>
/// Blinding, tested as a blinded experimenter meets it: the same study planned from the same seed twice, the second time
/// with the conditions behind the codes swapped (code A's animals closed-loop in one run, yoked in the other). Everything
/// the experimenter sees (what the plan, the run and the status print, the report's text, the names of every file
/// written) must be the same in both, but for the measured numbers: if any word or line differed, it would tell which
/// code is closed-loop and which is yoked.
/// </summary>
[Collection(nameof(StudyRunTests))]
public sealed class PermutedBlindingTests(PermutedBlindingTests.Runs runs) : IClassFixture<PermutedBlindingTests.Runs>
{
    private const ulong Seed = 424242;

    /// <summary>What one run showed.</summary>
    public sealed record Shown(string Printed, string Status, string Report, IReadOnlyList<string> Files, IReadOnlyDictionary<string, string> CodeOf, int Relayed);

    public sealed class Runs : IAsyncLifetime
    {
        public Shown First { get; private set; } = null!;

        public Shown Permuted { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            First = await RunAsync(permuted: false);
            Permuted = await RunAsync(permuted: true);
        }

        public Task DisposeAsync() => Task.CompletedTask;

        private static async Task<Shown> RunAsync(bool permuted)
        {
            using var fixture = new StudyFixture();
            string closedLoop = "kind = \"closed_loop\"\nsettings.detector.deficit_threshold = 1.5";
            string Yoked(string follows) => $"kind = \"yoked\"\nfollows = \"{follows}\"\nyoke = \"live\"";
            string text = $"""
                [study]
                name = "permuted"
                config = "nf.config"
                blinded = true
                balance = ["group"]

                [conditions.arm-p]
                {(permuted ? Yoked("arm-q") : closedLoop)}

                [conditions.arm-q]
                {(permuted ? closedLoop : Yoked("arm-p"))}

                [[sessions]]
                name = "stim"
                kind = "stimulation"
                minutes = 2

                [[rigs]]
                id = "rig-01"

                [[rigs]]
                id = "rig-02"
                {StudyFixture.AnimalTables([("m01", "isolation-reared", "saline"), ("m02", "isolation-reared", "saline"), ("m03", "group-reared", "saline"), ("m04", "group-reared", "saline")])}
                """;
            string file = fixture.Write(text);
            var study = StudyFileReader.Read(file);
            var folder = new StudyFolder(file);

            // `study plan` draws a blinded study's seed; here both runs take one, so that only the meaning of the codes differs.
            var plan = StudyPlan.Create(study, Seed);
            folder.Write(plan, "tester", DateTimeOffset.UnixEpoch);
            string logFolder = Path.Combine(fixture.Folder, "log");
            string database = Path.Combine(logFolder, "closedloop.sqlite");

            int port = EmbeddedBroker.FreePort();
            var printed = new StringWriter();
            IReadOnlyList<SlotResult> slots;
            await using (var broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, port))
            {
                slots = await new VirtualStudyRun(study, folder.ReadKey(folder.ReadPlan()), null, logFolder, 30, printed).RunAsync("stim", CancellationToken.None, BrokerEndpoint.Loopback(port));
            }

            var status = await CommandLine.Invoke("study", "status", file);
            var report = await CommandLine.Invoke("study", "report", file, "--db", database, "--out", Path.Combine(fixture.Folder, "report"));
            var export = await CommandLine.Invoke("study", "export", file, "--db", database, "--out", Path.Combine(fixture.Folder, "nwb"));
            Assert.True(report.Code == 0 && export.Code == 0, report.Error + export.Error);
            SqliteConnection.ClearAllPools();
            string html = File.ReadAllText(Directory.GetFiles(Path.Combine(fixture.Folder, "report"), "*.html").Single());
            var files = Directory.GetFiles(fixture.Folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(fixture.Folder, f)).Order(StringComparer.Ordinal).ToList();
            // Each run has its own temporary folder: its path is the one difference that is not the study's.
            string Here(string shown) => shown.Replace(fixture.Folder, "STUDY", StringComparison.Ordinal);
            return new Shown(Here(printed + report.Output + export.Output), Here(status.Output), Here(html), files,
                study.Animals.ToDictionary(a => a.Id, a => plan.Label(plan.AssignmentOf(a.Id).Condition)), slots.Sum(s => s.Relayed.Count));
        }
    }

    /// <summary>Measured numbers out (counts, Δz, times, sizes, hashes), and the report's figures, which draw them.</summary>
    private static string Masked(string text) =>
        Regex.Replace(Regex.Replace(text, "<img [^>]*>", "<img>"), "[0-9a-f]{16,}|-?[0-9]+([.,][0-9]+)?", "#");

    [Fact]
    public void The_permuted_run_swapped_what_the_codes_mean_and_nothing_else()
    {
        Assert.Equal(runs.First.CodeOf, runs.Permuted.CodeOf);
        Assert.Contains("stim slot 2: ", runs.First.Printed, StringComparison.Ordinal);
        Assert.True(runs.First.Relayed > 0 && runs.Permuted.Relayed > 0, $"relayed {runs.First.Relayed} and {runs.Permuted.Relayed} trains: without a closed-loop deficit in both runs the test proves nothing");
    }

    [Fact]
    public void The_run_the_status_and_the_report_say_the_same_words_whichever_code_is_closed_loop()
    {
        Assert.Equal(Masked(runs.First.Printed), Masked(runs.Permuted.Printed));
        Assert.Equal(Masked(runs.First.Status), Masked(runs.Permuted.Status));
        Assert.Equal(Masked(runs.First.Report), Masked(runs.Permuted.Report));
    }

    [Fact]
    public void Every_file_written_has_the_same_name_whichever_code_is_closed_loop() =>
        Assert.Equal(runs.First.Files, runs.Permuted.Files);
}
