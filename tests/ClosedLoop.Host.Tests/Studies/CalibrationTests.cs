using ClosedLoop.Host.Demo;
using ClosedLoop.Host.Studies;
using ClosedLoop.Engine.Config;
using ClosedLoop.VirtualRig;

namespace ClosedLoop.Host.Tests.Studies;

/// <summary>
/// Per-animal calibration from a simulated baseline: two group-reared mice (responders) and two isolation-reared
/// mice (mostly non-responders) on four virtual rigs whose outputs are never driven, twelve simulated minutes each.
/// </summary>
public sealed class CalibrationTests(CalibrationTests.Baseline baseline) : IClassFixture<CalibrationTests.Baseline>, IDisposable
{
    private static readonly (string Animal, string Rig, string Group, Phenotype Phenotype)[] Mice =
    [
        ("m01", "rig-01", "group-reared", Phenotype.GroupReared),
        ("m02", "rig-02", "group-reared", Phenotype.GroupReared),
        ("m03", "rig-03", "isolation-reared", Phenotype.IsolationReared),
        ("m04", "rig-04", "isolation-reared", Phenotype.IsolationReared),
    ];

    private readonly StudyFixture _study = new();

    /// <summary>The baseline log: each rig's session started for its mouse with the note 'baseline', as `session start` records it.</summary>
    public sealed class Baseline : IAsyncLifetime
    {
        public string Folder { get; } = Directory.CreateTempSubdirectory("closedloop-calibration").FullName;

        public string Database => Path.Combine(Folder, "closedloop.sqlite");

        public async Task InitializeAsync()
        {
            var rigs = Mice.Select((m, i) => new DemoRigSpec(m.Rig, m.Phenotype, OutputMode.Sham, 100 + (ulong)i)).ToList();
            await new DemoRunner(rigs, TimeSpan.FromMinutes(12), Folder).RunAsync(null, CancellationToken.None);
            using var store = new EventStore(Database);
            foreach (var mouse in Mice)
            {
                store.StoreSession(new SessionRecord(mouse.Rig, store.Boots(mouse.Rig)[^1], 0, "2026-11-29T09:00:00Z", mouse.Animal, "tester", "baseline"));
            }
        }

        public Task DisposeAsync()
        {
            Directory.Delete(Folder, recursive: true);
            return Task.CompletedTask;
        }
    }

    public void Dispose() => _study.Dispose();

    private string StudyFile() => _study.Write(StudyFixture.Text(Mice.Select(m => (m.Animal, m.Group, "saline"))));

    private IReadOnlyList<AnimalResponses> Responses(string studyFile)
    {
        using var store = EventStore.OpenReadOnly(baseline.Database);
        return BaselineResponses.Read(store, StudyFileReader.Read(studyFile), "baseline");
    }

    [Fact]
    public void A_threshold_from_the_group_reared_baseline_separates_responders_from_non_responders()
    {
        string file = StudyFile();
        var responses = Responses(file);
        Assert.All(responses, r => Assert.True(r.DeltaZ.Count >= 15, $"{r.AnimalId}: {r.DeltaZ.Count} baseline encounters"));

        var proposals = Calibration.Propose(StudyFileReader.Read(file), responses, 10, "group-reared");

        double threshold = Assert.Single(proposals.Select(p => p.Threshold).Distinct())!.Value;
        foreach (var proposal in proposals)
        {
            bool responder = proposal.AnimalId is "m01" or "m02";
            Assert.True(responder ? proposal.MedianDeltaZ > threshold : proposal.MedianDeltaZ < threshold,
                $"{proposal.AnimalId}: median Δz {proposal.MedianDeltaZ:0.00}, threshold {threshold:0.00}");
            Assert.True(responder ? proposal.DeficitFraction <= 0.25 : proposal.DeficitFraction >= 0.6,
                $"{proposal.AnimalId}: {proposal.DeficitFraction:P0} of its baseline encounters below {threshold:0.00}");
        }
    }

    [Fact]
    public void A_threshold_from_each_animals_own_baseline_calls_that_share_of_its_encounters_deficits()
    {
        string file = StudyFile();
        var responses = Responses(file);

        var proposals = Calibration.Propose(StudyFileReader.Read(file), responses, 20, null);

        foreach (var (proposal, own) in proposals.Zip(responses))
        {
            Assert.Equal(Calibration.Quantile(own.DeltaZ, 0.2), proposal.Threshold!.Value, 2);
            Assert.InRange(proposal.DeficitFraction, 0.2 - 1.5 / own.DeltaZ.Count, 0.2 + 1.5 / own.DeltaZ.Count);
        }

        // The responders' own thresholds sit above the non-responders'.
        Assert.True(proposals.Where(p => p.AnimalId is "m01" or "m02").Min(p => p.Threshold) > proposals.Where(p => p.AnimalId is "m03" or "m04").Max(p => p.Threshold));
    }

    [Fact]
    public void Quantiles_interpolate_between_order_statistics_as_r_does()
    {
        // R: quantile(c(1, 2, 3, 4, 10), c(0.1, 0.5, 0.9)) = 1.4, 3.0, 7.6
        Assert.Equal(1.4, Calibration.Quantile([10, 2, 1, 4, 3], 0.1), 12);
        Assert.Equal(3.0, Calibration.Quantile([10, 2, 1, 4, 3], 0.5), 12);
        Assert.Equal(7.6, Calibration.Quantile([10, 2, 1, 4, 3], 0.9), 12);
    }

    [Fact]
    public async Task Calibrate_shows_proposals_and_records_them_only_when_accepted()
    {
        string file = StudyFile();
        var folder = new StudyFolder(file);

        var (code, output, error) = await CommandLine.Invoke("study", "calibrate", file, "--db", baseline.Database, "--reference-group", "group-reared");
        Assert.True(code == 0, error);
        Assert.Contains("baseline session 'baseline': 4 of 4 animals logged", output, StringComparison.Ordinal);
        Assert.Contains("nothing recorded", output, StringComparison.Ordinal);
        Assert.Null(folder.ReadCalibration());

        (code, output, error) = await CommandLine.Invoke("study", "calibrate", file, "--db", baseline.Database, "--reference-group", "group-reared", "--accept", "--by", "M. Ago");
        Assert.True(code == 0, error);
        var calibration = folder.ReadCalibration()!;
        Assert.Equal(("baseline", "M. Ago"), (calibration.Session, calibration.AcceptedBy));
        Assert.Equal(["m01", "m02", "m03", "m04"], calibration.Animals.Select(a => a.Id));
        Assert.Single(calibration.Animals.Select(a => a.Threshold).Distinct());
        Assert.Equal(4, calibration.Sessions.Count);
        Assert.Contains("calibrated from 'baseline'", (await CommandLine.Invoke("study", "status", file)).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_animal_without_a_logged_baseline_gets_no_proposal_and_nothing_is_accepted()
    {
        string file = _study.Write(StudyFixture.Text([.. Mice.Select(m => (m.Animal, m.Group, "saline")), ("m05", "isolation-reared", "saline")]));

        var (code, output, error) = await CommandLine.Invoke("study", "calibrate", file, "--db", baseline.Database, "--accept");

        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("no proposal for m05", output, StringComparison.Ordinal);
        // Each animal's own percentile is the default: the output says what it does to an animal without responses.
        Assert.Contains("note: each animal's own 10th percentile: about 10 % of every animal's baseline encounters fall below its threshold, whatever its group", output, StringComparison.Ordinal);
        Assert.Contains("give --reference-group", output, StringComparison.Ordinal);
        Assert.DoesNotContain("note: each animal's own", (await CommandLine.Invoke("study", "calibrate", file, "--db", baseline.Database, "--reference-group", "group-reared")).Output, StringComparison.Ordinal);
        Assert.Contains("not accepted", error, StringComparison.Ordinal);
        Assert.Null(new StudyFolder(file).ReadCalibration());
    }
}
