using ClosedLoop.Host.Commands;

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
