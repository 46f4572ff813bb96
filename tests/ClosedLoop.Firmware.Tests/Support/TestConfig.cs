using ClosedLoop.Engine.Config;

namespace ClosedLoop.Firmware.Tests.Support;

/// <summary>Configs for driver tests: nf.config's defaults with some keys set, which must pass every check.</summary>
internal static class TestConfig
{
    public static RigConfig With(params string[] assignments)
    {
        var errors = new ConfigErrorList();
        var document = ConfigParser.Parse(string.Empty, errors);
        foreach (var assignment in assignments)
        {
            document.TrySet(assignment, errors);
        }

        var result = ConfigLoader.FromDocument(document, errors);
        Assert.True(result.IsValid, string.Join("; ", result.Errors.Select(e => e.ToString())));
        return result.Config;
    }
}
