namespace ClosedLoop.Host.Tests;

public sealed class ConfigCommandTests
{
    [Fact]
    public void The_configuration_reference_in_docs_matches_the_schema()
    {
        string documented = File.ReadAllText(Path.Combine(CommandLine.RepositoryRoot, "docs", "configuration.md"));

        Assert.Equal(ConfigCommand.ReferenceMarkdown(), documented);
    }

    [Fact]
    public async Task The_example_config_checks_valid_and_prints_its_hash()
    {
        var (code, output, _) = await CommandLine.Invoke("config", "check", Path.Combine(CommandLine.RepositoryRoot, "nf.config"));

        Assert.Equal(0, code);
        Assert.Matches("valid, rig rig-01, config hash [0-9a-f]{16}", output);
    }

    [Fact]
    public async Task Check_lists_every_key_that_takes_its_default_and_refuses_missing_safety_limits()
    {
        string folder = Directory.CreateTempSubdirectory("closedloop-config-check").FullName;
        try
        {
            string complete = Path.Combine(folder, "complete.nf.config");
            File.WriteAllText(complete, "[rig]\nid = rig-07\n" + ConfigCommand.Template(key => key.IsSafety));
            string truncated = Path.Combine(folder, "truncated.nf.config");
            File.WriteAllText(truncated, File.ReadAllText(complete)[..200]);

            var ok = await CommandLine.Invoke("config", "check", complete);
            var bad = await CommandLine.Invoke("config", "check", truncated);

            Assert.Equal(0, ok.Code);
            Assert.Contains("key(s) not in the file take their defaults:", ok.Output, StringComparison.Ordinal);
            Assert.Contains("  detector.deficit_threshold = 1\n", ok.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("opto.", ok.Output, StringComparison.Ordinal);
            Assert.Equal(1, bad.Code);
            Assert.Contains("dose.max_cumulative_dose = '': expected it stated in the file", bad.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_template_is_a_complete_config_that_checks_valid_with_nothing_left_to_defaults()
    {
        string path = Path.Combine(Path.GetTempPath(), $"closedloop-template-{Guid.NewGuid():N}.nf.config");
        try
        {
            var template = await CommandLine.Invoke("config", "template");
            File.WriteAllText(path, template.Output);

            var check = await CommandLine.Invoke("config", "check", path);

            Assert.Equal(0, check.Code);
            Assert.DoesNotContain("take their defaults", check.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_bad_override_exits_one_and_names_the_field_value_and_range()
    {
        var (code, _, error) = await CommandLine.Invoke("config", "check", Path.Combine(CommandLine.RepositoryRoot, "nf.config"), "--set", "detector.pre_ms=5");

        Assert.Equal(1, code);
        Assert.Contains("detector.pre_ms = '5': expected an integer from 100 to 60000", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_exits_two()
    {
        var (code, _, error) = await CommandLine.Invoke("config", "check", "/nonexistent/nf.config");

        Assert.Equal(2, code);
        Assert.Contains("no such file", error, StringComparison.Ordinal);
    }
}
