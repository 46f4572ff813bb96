using System.Text.Json;

namespace ClosedLoop.Host.Tests.Nwb;

/// <summary>The independent checks of an NWB file: HDMF's validator against the NWB 2.6.0 core schema, and h5py reading it back (nwb_validate.py, Debian's python3-hdmf and python3-h5py, installed by test.sh).</summary>
internal static class NwbTool
{
    private static string Script => Path.Combine(CommandLine.RepositoryRoot, "tests", "ClosedLoop.Host.Tests", "Nwb", "nwb_validate.py");

    /// <summary>Validates the files; the exit code and every line the validator printed.</summary>
    public static (int Code, string Output) Validate(params string[] files) =>
        Run([Script, ClosedLoop.Tests.Shared.ThirdPartyData.LocateNwbCoreNamespace(), .. files]);

    /// <summary>Every group's attributes and links and every dataset's shape, dtype, attributes and values, as h5py reads them.</summary>
    public static JsonElement Summary(string file)
    {
        var (code, output) = Run([Script, "--summary", file]);
        Assert.True(code == 0, output);
        return JsonSerializer.Deserialize<JsonElement>(output);
    }

    private static (int Code, string Output) Run(string[] arguments) => ChildProcess.Run("/usr/bin/python3", arguments);
}
