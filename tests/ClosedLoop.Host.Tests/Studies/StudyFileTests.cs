using ClosedLoop.Host.Studies;

namespace ClosedLoop.Host.Tests.Studies;

/// <summary>The study file: read whole, and every error named by its line and field.</summary>
public sealed class StudyFileTests : IDisposable
{
    private readonly StudyFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    [Fact]
    public void The_documented_example_study_is_valid()
    {
        var study = StudyFileReader.Read(Path.Combine(CommandLine.RepositoryRoot, "docs", "examples", "study.toml"));

        Assert.Equal(16, study.Animals.Count);
        Assert.Equal(["closed-loop", "yoked", "sham", "no-stimulation"], study.Conditions.Select(c => c.Name));
        Assert.True(study.Blinded);
        Assert.Null(study.Seed);
        Assert.Equal("closed-loop", study.Condition("yoked").Follows);
    }

    [Fact]
    public void The_documented_dry_run_study_is_valid_and_plans_on_its_four_rigs()
    {
        var study = StudyFileReader.Read(Path.Combine(CommandLine.RepositoryRoot, "docs", "examples", "study-dry-run.toml"));

        Assert.Equal((8, 4), (study.Animals.Count, study.Rigs.Count));
        Assert.Equal(16, StudyPlan.Create(study, 1).Runs.Count);
    }

    [Fact]
    public void A_valid_file_reads_into_animals_conditions_settings_rigs_and_sessions()
    {
        var study = _fixture.Read(StudyFixture.Text(StudyFixture.Animals(2)));

        Assert.Equal(8, study.Animals.Count);
        Assert.Equal(("m01", "group-reared", "saline", "unknown", "none"[..0]), (study.Animals[0].Id, study.Animals[0].Group, study.Animals[0].Treatment, study.Animals[0].Sex, study.Animals[0].Notes));
        Assert.Equal(["rig-01", "rig-02", "rig-03"], study.Rigs);
        var closedLoop = study.Condition("closed-loop");
        Assert.Equal(ConditionKind.ClosedLoop, closedLoop.Kind);
        Assert.Equal("detector.deficit_threshold=1.5", Assert.Single(closedLoop.Settings).Assignment);
        Assert.Equal(8, closedLoop.Settings[0].Line);
        Assert.Equal(("closed-loop", YokeSource.Live), (study.Condition("yoked").Follows, study.Condition("yoked").Yoke));
        Assert.Equal(ConditionKind.None, study.Condition("no-stimulation").Kind);
        Assert.Equal(["baseline", "stim-1", "stim-2"], study.Sessions.SelectMany(s => s.Occurrences));
        Assert.Equal(["group", "treatment"], study.Balance);
    }

    [Fact]
    public void Every_error_in_a_file_is_reported_with_its_line_and_field()
    {
        string text = """
            [study]
            name = "broken"
            config = "nf.config"
            seed = 42
            colour = "blue"

            [conditions.closed-loop]
            kind = "closed_loop"
            settings.detector.deficit_threshold = 99
            settings.output.mode = "open_loop"

            [conditions.yoked]
            kind = "yoked"
            follows = "sham"

            [conditions.sham]
            kind = "fake"

            [[sessions]]
            name = "baseline"
            kind = "baseline"
            minutes = 0

            [[rigs]]
            id = "rig-01"

            [[animals]]
            id = "m01"
            group = "isolation-reared"
            sex = "mouse"

            [[animals]]
            id = "m01"
            group = "group-reared"

            [[animals]]
            id = "m 3"
            """;

        var error = Assert.Throws<StudyFileException>(() => _fixture.Read(text));

        var found = error.Errors.Select(e => (e.Line, e.Field)).ToList();
        Assert.Contains((4, "study.seed"), found);
        Assert.Contains((5, "study.colour"), found);
        Assert.Contains((9, "conditions.closed-loop.settings.detector.deficit_threshold"), found);
        Assert.Contains((10, "conditions.closed-loop.settings.output.mode"), found);
        Assert.Contains((14, "conditions.yoked.follows"), found);
        Assert.Contains((17, "conditions.sham.kind"), found);
        Assert.Contains((22, "sessions[1].minutes"), found);
        Assert.Contains((30, "animals[1].sex"), found);
        Assert.Contains((33, "animals[2].id"), found);
        Assert.Contains((36, "animals[3].group"), found);
        Assert.Contains((37, "animals[3].id"), found);

        // The engine's own words for a setting it refuses, and the allowed values for the others.
        var threshold = error.Errors.Single(e => e.Field.EndsWith("deficit_threshold", StringComparison.Ordinal));
        Assert.Equal("99", threshold.Value);
        Assert.Contains("-50", threshold.Expected, StringComparison.Ordinal);
        Assert.Contains("one of female, male, other, unknown", error.Errors.Single(e => e.Field == "animals[1].sex").Expected, StringComparison.Ordinal);
        Assert.Contains("line 30: animals[1].sex = 'mouse'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Experimenters_are_a_list_of_names_and_the_indicator_a_text()
    {
        string valid = StudyFixture.Text(StudyFixture.Animals(1)).Replace("[study]\n", "[study]\nindicator = \"GCaMP6s\"\nexperimenters = [\"Yokoyama, Akiko\", \"Ago, Yukio\"]\n", StringComparison.Ordinal);
        string single = valid.Replace("[\"Yokoyama, Akiko\", \"Ago, Yukio\"]", "\"Yokoyama, Akiko\"", StringComparison.Ordinal);
        string empty = valid.Replace("\"Ago, Yukio\"", "\" \"", StringComparison.Ordinal);

        var study = _fixture.Read(valid);
        Assert.Equal(["Yokoyama, Akiko", "Ago, Yukio"], study.Experimenters);
        Assert.Equal("GCaMP6s", study.Indicator);
        foreach (string text in new[] { single, empty })
        {
            var error = Assert.Throws<StudyFileException>(() => _fixture.Read(text)).Errors.Single();
            Assert.Equal((3, "study.experimenters"), (error.Line, error.Field));
            Assert.Contains("a list of quoted texts, none empty", error.Expected, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_toml_syntax_error_names_its_line()
    {
        var error = Assert.Throws<StudyFileException>(() => _fixture.Read("[study]\nname = \"x\"\nconfig = nf.config\n"));

        Assert.NotEmpty(error.Errors);
        Assert.All(error.Errors, e => Assert.Equal(3, e.Line));
    }

    [Fact]
    public void A_key_given_twice_is_an_error_at_its_second_line()
    {
        var error = Assert.Throws<StudyFileException>(() => _fixture.Read("[study]\nname = \"x\"\nname = \"y\"\n"));

        Assert.Contains(error.Errors, e => e.Line == 3);
    }

    [Fact]
    public void A_yoked_condition_without_a_closed_loop_one_to_follow_is_refused()
    {
        string text = StudyFixture.Text(StudyFixture.Animals(1)).Replace("kind = \"closed_loop\"", "kind = \"sham\"", StringComparison.Ordinal);

        var error = Assert.Throws<StudyFileException>(() => _fixture.Read(text));

        var follows = Assert.Single(error.Errors);
        Assert.Equal("conditions.yoked.follows", follows.Field);
        Assert.Contains("the study has none", follows.Expected, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_rig_config_and_a_config_a_rig_would_refuse_are_errors()
    {
        string text = StudyFixture.Text(StudyFixture.Animals(1));
        var missing = Assert.Throws<StudyFileException>(() => _fixture.Read(text.Replace("config = \"nf.config\"", "config = \"absent.config\"", StringComparison.Ordinal)));
        Assert.Equal("study.config", Assert.Single(missing.Errors).Field);

        // A config that leaves a safety limit to its default is refused by the rig, so by the study too.
        File.WriteAllText(Path.Combine(_fixture.Folder, "nf.config"), "[rig]\nid = rig-01\n");
        var unsafeConfig = Assert.Throws<StudyFileException>(() => _fixture.Read(text));
        Assert.Contains(unsafeConfig.Errors, e => e.Field.StartsWith("conditions.closed-loop (opto.", StringComparison.Ordinal));
    }
}
