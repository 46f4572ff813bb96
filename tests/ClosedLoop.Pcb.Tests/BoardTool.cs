using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace ClosedLoop.Pcb.Tests;

/// <summary>Runs pcb/build.py (of the repository, or of a copy a test has broken) and reads its answers.</summary>
internal static class BoardTool
{
    public static string RepositoryRoot => Path.GetFullPath(typeof(BoardTool).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!);

    public static string PcbFolder => Path.Combine(RepositoryRoot, "pcb");

    /// <summary>The electrical rule errors and the ESP32's GPIO map (GPIO number to net) of the board in <paramref name="pcbFolder"/>.</summary>
    public static (IReadOnlyList<string> Errors, IReadOnlyDictionary<int, string> Gpio, int Parts) Check(string? pcbFolder = null)
    {
        var (_, output) = Run(pcbFolder ?? PcbFolder, "check", "--json");
        using var json = JsonDocument.Parse(output);
        var errors = json.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList();
        var gpio = json.RootElement.GetProperty("gpio").EnumerateObject().ToDictionary(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => p.Value.GetString()!);
        return (errors, gpio, json.RootElement.GetProperty("parts").GetInt32());
    }

    public static (int ExitCode, string Output) Run(string pcbFolder, params string[] arguments) => Run("python3", pcbFolder, arguments);

    /// <summary>Runs with Debian's system Python, the one KiCad's pcbnew module is installed for (a PATH python3 may be another).</summary>
    public static (int ExitCode, string Output) RunPcbnew(string pcbFolder, params string[] arguments) =>
        Run(File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3", pcbFolder, arguments);

    private static (int ExitCode, string Output) Run(string python, string pcbFolder, string[] arguments)
    {
        var (exitCode, output, error) = Execute(python, null, [Path.Combine(pcbFolder, "build.py"), .. arguments]);
        Assert.True(error.Length == 0 || exitCode <= 1, $"pcb/build.py {string.Join(' ', arguments)} failed ({exitCode}): {error}");
        return (exitCode, output);
    }

    /// <summary>Runs a program to its end: exit code, standard output and standard error.</summary>
    internal static (int ExitCode, string Output, string Error) Execute(string program, string? libraryPath, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        if (libraryPath is not null)
        {
            start.Environment["LD_LIBRARY_PATH"] = libraryPath;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error);
    }

    /// <summary>
    /// KiCad 9's command line, which test.sh unpacks from Debian's bookworm-backports beside KiCad 6 (the generated
    /// files are KiCad 6's; a later KiCad reads them): its ERC, netlist export and DRC with schematic parity.
    /// </summary>
    public static (int ExitCode, string Output) KiCadCli(params string[] arguments)
    {
        string cli = Environment.GetEnvironmentVariable("CLOSEDLOOP_KICAD_CLI") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "closedloop-tools", "kicad-backports", "usr", "bin", "kicad-cli");
        Assert.True(File.Exists(cli), $"kicad-cli not found at {cli}: ./test.sh unpacks it from Debian's bookworm-backports");
        var (exitCode, output, error) = Execute(cli, Path.GetFullPath(Path.Combine(Path.GetDirectoryName(cli)!, "..", "lib", "x86_64-linux-gnu")), arguments);
        return (exitCode, output + error);
    }

    /// <summary>A copy of pcb/ with one edit made to the circuit's source; the test that made it deletes it.</summary>
    public static string BrokenCopy(string find, string replace)
    {
        string copy = Directory.CreateTempSubdirectory("closedloop-pcb").FullName;
        foreach (var file in Directory.EnumerateFiles(PcbFolder, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(PcbFolder, file);
            if (relative.StartsWith("build" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.Contains("__pycache__", StringComparison.Ordinal))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, relative))!);
            File.Copy(file, Path.Combine(copy, relative));
        }

        string circuit = Path.Combine(copy, "closedloop_pcb", "board.py");
        string text = File.ReadAllText(circuit);
        Assert.Contains(find, text, StringComparison.Ordinal);
        File.WriteAllText(circuit, text.Replace(find, replace, StringComparison.Ordinal));
        return copy;
    }
}
