using System.Reflection;

namespace ClosedLoop.Host.Tests;

public sealed class ExitCodeTests
{
    [Fact]
    public void Every_exit_code_means_one_thing_and_the_readme_lists_them_all()
    {
        var codes = typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (int)f.GetValue(null)!).ToList();
        string readme = File.ReadAllText(Path.Combine(CommandLine.RepositoryRoot, "README.md"));

        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.Equal(ExitCodes.ToolMissing, FlashCommand.NanoffMissing);
        Assert.NotEqual(ControlCommands.NoAnswer, FlashCommand.NanoffMissing);
        string table = readme[readme.IndexOf("Exit codes, the same for every command", StringComparison.Ordinal)..];
        Assert.All(codes.Where(c => c > 0), c => Assert.Contains($"{c} ", table[..600], StringComparison.Ordinal));
    }
}
