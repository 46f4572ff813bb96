using System.CommandLine;
using System.Reflection;

namespace ClosedLoop.Host.Tests;

/// <summary>Runs `closedloop` in-process with its output captured.</summary>
internal static class CommandLine
{
    public static string RepositoryRoot => Path.GetFullPath(typeof(CommandLine).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!);

    public static string RealRecording => ClosedLoop.Tests.Shared.ThirdPartyData.Locate(ClosedLoop.Tests.Shared.ThirdPartyData.PyPhotometryM17);

    public static async Task<(int Code, string Output, string Error)> Invoke(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        int code = await ClosedLoopCommandLine.Build().Parse(args).InvokeAsync(configuration);
        return (code, output.ToString(), error.ToString());
    }
}
