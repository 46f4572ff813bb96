using System.CommandLine;
using System.Reflection;

namespace ClosedLoop.Host.Tests;

/// <summary>Runs `closedloop` in-process with its output captured.</summary>
internal static class CommandLine
{
    public static string RepositoryRoot => Path.GetFullPath(typeof(CommandLine).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!);

    public static string RealRecording => ClosedLoop.Tests.Shared.ThirdPartyData.Locate(ClosedLoop.Tests.Shared.ThirdPartyData.PyPhotometryM17);

    public static Task<(int Code, string Output, string Error)> Invoke(params string[] args) => Invoke(CancellationToken.None, args);

    /// <summary>A long-running command (a logger, say), stopped by <paramref name="stop"/> as SIGTERM would.</summary>
    public static async Task<(int Code, string Output, string Error)> Invoke(CancellationToken stop, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        int code = await ClosedLoopCommandLine.Build().Parse(args).InvokeAsync(configuration, stop);
        return (code, output.ToString(), error.ToString());
    }
}
