namespace ClosedLoop.Host.Tests;

/// <summary>
/// `closedloop` as the README says to install it: a .NET tool from a package of the host project, and a
/// self-contained single file that needs no SDK (built here for linux-x64, the platform the tests run on).
/// </summary>
public sealed class InstallTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-install").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string HostProject => Path.Combine(CommandLine.RepositoryRoot, "host", "ClosedLoop.Host", "ClosedLoop.Host.csproj");

    private static (int Code, string Output) Run(string program, params string[] arguments) =>
        ChildProcess.Run(program, arguments, TimeSpan.FromMinutes(5));

    [Fact]
    public void It_installs_as_a_dotnet_tool_and_the_installed_command_runs()
    {
        string packages = Path.Combine(_folder, "packages");
        string tools = Path.Combine(_folder, "tools");
        var pack = Run("dotnet", "pack", HostProject, "-c", "Release", "-o", packages, "-nologo", "-v", "quiet");
        Assert.True(pack.Code == 0, pack.Output);
        var install = Run("dotnet", "tool", "install", "ClosedLoop", "--tool-path", tools, "--add-source", packages);
        Assert.True(install.Code == 0, install.Output);

        var keys = Run(Path.Combine(tools, OperatingSystem.IsWindows() ? "closedloop.exe" : "closedloop"), "config", "keys");

        Assert.Equal(0, keys.Code);
        Assert.Equal(ConfigCommand.ReferenceMarkdown(), keys.Output);
    }

    [Fact]
    public void A_self_contained_single_file_build_runs_the_demo_and_draws_the_report()
    {
        if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64)
        {
            Assert.Fail("this test builds the linux-x64 single file and must run on linux-x64");
        }

        string output = Path.Combine(_folder, "linux-x64");
        var publish = Run("dotnet", "publish", HostProject, "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo", "-v", "quiet");
        Assert.True(publish.Code == 0, publish.Output);
        string program = Path.Combine(output, "closedloop");
        Assert.Equal(["closedloop"], Directory.EnumerateFiles(output).Select(Path.GetFileName).Where(f => !f!.EndsWith(".pdb", StringComparison.Ordinal) && !f.EndsWith(".xml", StringComparison.Ordinal)));

        string demo = Path.Combine(_folder, "demo");
        var run = Run(program, "demo", "--minutes", "1", "--out", demo);
        Assert.True(run.Code == 0, run.Output);
        var report = Run(program, "report", "rig-iso", "--db", Path.Combine(demo, "closedloop.sqlite"), "--out", Path.Combine(_folder, "report"));

        // SQLite and the plots' native libraries come out of the one file.
        Assert.True(report.Code == 0, report.Output);
        Assert.True(File.Exists(Path.Combine(_folder, "report", "rig-iso_report.html")));
        Assert.True(File.Exists(Path.Combine(_folder, "report", "rig-iso_trace.png")));
    }
}
