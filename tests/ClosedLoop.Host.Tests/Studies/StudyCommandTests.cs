using System.Text.Json;
using ClosedLoop.Host.Studies;

namespace ClosedLoop.Host.Tests.Studies;

/// <summary>`closedloop study check|plan|status|unblind` on files in a temporary study folder.</summary>
public sealed class StudyCommandTests : IDisposable
{
    private static readonly string[] ConditionNames = ["closed-loop", "yoked", "sham", "no-stimulation"];

    private readonly StudyFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public async Task Check_reports_a_valid_study_and_refuses_a_broken_one_with_every_error()
    {
        string path = _fixture.Write(StudyFixture.Text(StudyFixture.Animals(2)));
        var (code, output, _) = await CommandLine.Invoke("study", "check", path);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("valid: study test-study, 8 animals in 4 strata (group x treatment), 4 conditions, 3 rigs, 3 sessions (24 runs), blinded", output, StringComparison.Ordinal);

        // How a plan would spread each condition over the rigs, before anything is sealed.
        Assert.Contains("runs by condition and rig in a trial plan (seed 1; study plan draws its own):", output, StringComparison.Ordinal);
        var rows = output.Split('\n').Where(l => l.StartsWith("    ", StringComparison.Ordinal) && l.Contains("rig-01 ", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, rows.Count);
        Assert.All(rows, row =>
        {
            var counts = System.Text.RegularExpressions.Regex.Matches(row, @"rig-0\d (\d+)").Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(3, counts.Count);
            Assert.True(counts.Max() - counts.Min() <= 2, row);
        });

        string broken = _fixture.Write(StudyFixture.Text(StudyFixture.Animals(1)).Replace("minutes = 20", "minutes = -5", StringComparison.Ordinal), "broken.toml");
        (code, _, string error) = await CommandLine.Invoke("study", "check", broken);
        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("1 error(s)", error, StringComparison.Ordinal);
        Assert.Contains("sessions[2].minutes = '-5': a whole number from 1 to 1440", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Simulate_refuses_a_speed_a_live_yokes_relay_cannot_keep_and_takes_it_without_one()
    {
        string live = _fixture.Write(StudyFixture.Text(StudyFixture.Animals(1)));
        string recorded = _fixture.Write(StudyFixture.Text(StudyFixture.Animals(1), yoke: "recorded"), "recorded.toml");

        var refused = await CommandLine.Invoke("study", "simulate", live, "--session", "stim", "--speed", "100");
        // Without a live yoke the pace is not refused (the run then stops for want of a plan, after the check).
        var unplanned = await CommandLine.Invoke("study", "simulate", recorded, "--session", "stim", "--speed", "100");

        Assert.Equal(ExitCodes.Usage, refused.Code);
        Assert.Contains("--speed 100: a live yoke's relay keeps its timing up to 30x", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("--speed", unplanned.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Yoked_trains_are_paired_with_their_triggers_in_order_or_past_one_their_rig_refused()
    {
        // As many trains as triggers: the n-th train is the n-th trigger's.
        Assert.Equal([500, 2_000], StudyResults.YokeDelays([10_500, 22_000], [10_000, 20_000]));
        // The yoked rig refused the 10 s trigger (its own limits): the 25 s train is its trigger's, not the 10 s one's.
        Assert.Equal([1_000, 3_000], StudyResults.YokeDelays([1_000, 25_003_000], [0, 10_000_000, 25_000_000]));
    }

    [Fact]
    public void A_yoked_session_says_how_many_trains_broke_the_bound_and_by_how_much()
    {
        var session = new AnimalSession("m01", "g", "t", "C", "stim", "rig-01", 1, [], 0, 0, 0, 0, 0) { YokeDelaysUs = [5_000, 3_000_000, 2_000_000] };

        Assert.Null(session.YokeBroken(3_000_000));
        Assert.Equal(2, session.LateYokedTrains(1_000_000));
        Assert.Equal("2 of 3 yoked trains started more than 1000 ms after their partner's (median 2000 ms, latest 3000 ms)", session.YokeBroken(1_000_000));
    }

    [Fact]
    public async Task A_blinded_plan_shows_codes_only_and_seals_the_seed_and_key()
    {
        string path = _fixture.Write(StudyFixture.Text(StudyFixture.Animals(3)));

        var (code, output, _) = await CommandLine.Invoke("study", "plan", path, "--by", "planner");

        Assert.Equal(ExitCodes.Ok, code);
        // The balance over the day is shown as the rigs' is: a row per code, a column per slot.
        Assert.Contains("runs by condition and slot (the order of the day):", output, StringComparison.Ordinal);
        Assert.Matches("\\n    A {13}( +[0-9]+)+\\n", output.Replace("\r", string.Empty, StringComparison.Ordinal));
        var folder = new StudyFolder(path);
        string plan = File.ReadAllText(folder.PlanPath);
        foreach (string text in new[] { output, plan })
        {
            Assert.All(ConditionNames, name => Assert.DoesNotContain(name, text, StringComparison.Ordinal));
        }

        var planFile = folder.ReadPlan();
        Assert.Null(planFile.Seed);
        Assert.All(planFile.Animals, a => Assert.Null(a.Partner));
        Assert.All(planFile.Animals, a => Assert.Matches("^[A-D]$", a.Condition));
        Assert.DoesNotContain("seed", plan, StringComparison.Ordinal);

        // The key holds the truth, readable by its owner alone, and is the one plan.json commits to.
        var key = folder.ReadKey(planFile);
        Assert.Equal(ConditionNames.Order(), key.Codes.Values.Order());
        Assert.Contains(key.Assignments, a => a.Condition == "yoked" && a.Partner is not null);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(folder.KeyPath));
        }

        Assert.Equal("planner", planFile.PlannedBy);
    }

    [Fact]
    public async Task An_unblinded_study_plans_from_its_own_seed_and_shows_names_and_partners()
    {
        string path = _fixture.Write(StudyFixture.Text(StudyFixture.Animals(2), blinded: false, seed: 2026));

        var (code, output, _) = await CommandLine.Invoke("study", "plan", path);

        Assert.Equal(ExitCodes.Ok, code);
        var planFile = new StudyFolder(path).ReadPlan();
        Assert.Equal(2026UL, planFile.Seed);
        var expected = StudyPlan.Create(StudyFileReader.Read(path), 2026);
        Assert.Equal(expected.Assignments.Select(a => (a.AnimalId, a.Condition, a.Partner)), planFile.Animals.Select(a => (a.Id, a.Condition, a.Partner)));
        Assert.Contains("(follows m", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_study_is_planned_once()
    {
        string path = _fixture.Write(StudyFixture.Text(StudyFixture.Animals(1)));
        Assert.Equal(ExitCodes.Ok, (await CommandLine.Invoke("study", "plan", path)).Code);
        string first = File.ReadAllText(new StudyFolder(path).KeyPath);

        var (code, _, error) = await CommandLine.Invoke("study", "plan", path);

        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("a study is planned once", error, StringComparison.Ordinal);
        Assert.Equal(first, File.ReadAllText(new StudyFolder(path).KeyPath));
    }

    [Fact]
    public async Task Unblinding_reproduces_the_assignment_from_the_sealed_seed_and_records_who_when_and_why()
    {
        string path = _fixture.Write(StudyFixture.Text(StudyFixture.Animals(2)));
        await CommandLine.Invoke("study", "plan", path);
        var folder = new StudyFolder(path);
        var key = folder.ReadKey(folder.ReadPlan());
        Assert.Empty(folder.Unblindings());

        var (code, output, _) = await CommandLine.Invoke("study", "unblind", path, "--by", "A. Scorer", "--reason", "all sessions scored");

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains($"reproduced from its seed {key.Seed}", output, StringComparison.Ordinal);
        var again = StudyPlan.Create(StudyFileReader.Read(path), key.Seed);
        foreach (var assignment in again.Assignments)
        {
            Assert.Contains($"{assignment.AnimalId}: {again.Codes[assignment.Condition]} {assignment.Condition}", output, StringComparison.Ordinal);
        }

        var record = Assert.Single(folder.Unblindings());
        Assert.Equal(("A. Scorer", "all sessions scored", Environment.UserName), (record.By, record.Reason, record.Account));
        Assert.True(DateTimeOffset.UtcNow - record.Utc < TimeSpan.FromMinutes(1));

        var (_, status, _) = await CommandLine.Invoke("study", "status", path);
        Assert.Contains("unblinded 1 time(s)", status, StringComparison.Ordinal);
        Assert.Contains("by A. Scorer", status, StringComparison.Ordinal);
        Assert.Contains("key: sealed and intact", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_changed_after_planning_is_refused_and_nothing_is_revealed()
    {
        string path = _fixture.Write(StudyFixture.Text(StudyFixture.Animals(2)));
        await CommandLine.Invoke("study", "plan", path);
        var folder = new StudyFolder(path);
        string text = File.ReadAllText(folder.KeyPath);
        var key = JsonSerializer.Deserialize<JsonElement>(text);
        string swapped = text.Replace("\"closed-loop\"", "\"tmp\"", StringComparison.Ordinal).Replace("\"sham\"", "\"closed-loop\"", StringComparison.Ordinal).Replace("\"tmp\"", "\"sham\"", StringComparison.Ordinal);
        Assert.NotEqual(text, swapped);
        Assert.True(key.TryGetProperty("seed", out _));
        File.WriteAllText(folder.KeyPath, swapped);

        var (code, output, error) = await CommandLine.Invoke("study", "unblind", path, "--by", "x", "--reason", "y");

        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("is not the key sealed with the plan", error, StringComparison.Ordinal);
        Assert.All(ConditionNames, name => Assert.DoesNotContain(name, output, StringComparison.Ordinal));
        Assert.Empty(folder.Unblindings());
        Assert.Contains("is not the key sealed with the plan", (await CommandLine.Invoke("study", "status", path)).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unblinding_after_the_animals_changed_is_refused()
    {
        var animals = StudyFixture.Animals(2);
        string path = _fixture.Write(StudyFixture.Text(animals));
        await CommandLine.Invoke("study", "plan", path);
        animals[0] = (animals[0].Id, "isolation-reared", animals[0].Treatment);
        _fixture.Write(StudyFixture.Text(animals));

        var (code, _, error) = await CommandLine.Invoke("study", "unblind", path, "--by", "x", "--reason", "y");

        Assert.Equal(ExitCodes.Refused, code);
        Assert.Contains("not those the key was made for", error, StringComparison.Ordinal);
    }
}
