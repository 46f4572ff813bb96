using System.Diagnostics;

namespace ClosedLoop.Host.Tests;

/// <summary>Runs a program the tests need (Python's validators, PostgreSQL's tools, dotnet) to its end.</summary>
internal static class ChildProcess
{
    /// <summary>The exit code and everything the program printed (its output, then its errors); a program still running after <paramref name="patience"/> fails the test.</summary>
    public static (int Code, string Output) Run(string program, IEnumerable<string> arguments, TimeSpan? patience = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(patience ?? Timeout.InfiniteTimeSpan), $"{program} {string.Join(' ', start.ArgumentList)} did not finish within {patience}");
        return (process.ExitCode, output.Result + error.Result);
    }
}
