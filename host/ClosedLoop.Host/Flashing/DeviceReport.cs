using System.Text.RegularExpressions;

namespace ClosedLoop.Host.Flashing;

/// <summary>Native code a board's firmware carries for one assembly.</summary>
public sealed record NativeAssembly(string Name, Version Version, uint Checksum);

/// <summary>
/// What `nanoff --nanodevice --serialport PORT --devicedetails` reports of a board running nanoCLR: its target,
/// firmware version and native assemblies. nanoff prints the debugger library's device info
/// (nf-debugger, NanoFrameworkDeviceInfo.ToString()): lines "  Target:   NAME", "  CLR Version: x.y.z.w", and after
/// "Native Assemblies:" one line per assembly, "  NAME vA.B.C.D, checksum 0xXXXXXXXX" (eight upper-case hex digits).
/// </summary>
public sealed partial record DeviceReport(string Target, string ClrVersion, IReadOnlyList<NativeAssembly> NativeAssemblies)
{
    public static DeviceReport Parse(string text, string source)
    {
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        int section = Array.FindIndex(lines, l => l.Trim() == "Native Assemblies:");
        if (section < 0)
        {
            throw new InvalidDataException($"{source}: no 'Native Assemblies:' in the device report: expected nanoff's --devicedetails output from a board running nanoCLR (a board in nanoBooter reports only its target: reset it and try again)");
        }

        var natives = new List<NativeAssembly>();
        foreach (string line in lines.Skip(section + 1).TakeWhile(l => l.Trim().Length > 0))
        {
            var match = NativeLine().Match(line);
            if (!match.Success)
            {
                throw new InvalidDataException($"{source}: '{line.Trim()}' under 'Native Assemblies:': expected 'NAME vA.B.C.D, checksum 0xXXXXXXXX'");
            }

            natives.Add(new NativeAssembly(match.Groups[1].Value, Version.Parse(match.Groups[2].Value), Convert.ToUInt32(match.Groups[3].Value, 16)));
        }

        if (natives.Count == 0)
        {
            throw new InvalidDataException($"{source}: the device report lists no native assemblies (every nanoCLR has mscorlib's)");
        }

        return new DeviceReport(Field(lines, "Target:"), Field(lines, "CLR Version:"), natives);
    }

    private static string Field(string[] lines, string label) =>
        lines.Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(label, StringComparison.Ordinal))?[label.Length..].Trim() is { Length: > 0 } value ? value : "unknown";

    [GeneratedRegex(@"^\s+(\S+) v(\d+\.\d+\.\d+\.\d+), checksum 0x([0-9A-F]{8})\s*$")]
    private static partial Regex NativeLine();
}
