using System.Text.RegularExpressions;

namespace ClosedLoop.Host.Tests;

/// <summary>
/// The host's folders are layers: which may use which, read from the sources (a folder uses another when one of its
/// files has a <c>using</c> of its namespace or names one of its types through it). The command line is the top:
/// nothing but Program.cs uses it; MQTT and configuration sit at the bottom and use no other folder; and no two folders
/// use each other, however indirectly.
/// </summary>
public sealed partial class HostLayeringTests
{
    private static readonly string Host = Path.Combine(CommandLine.RepositoryRoot, "host", "ClosedLoop.Host");

    /// <summary>What each folder may use ("" is the host's root: Program.cs, InputFile, InputException ...).</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        [""] = ["Commands"],
        ["Commands"] = ["Configuration", "Demo", "Export", "Flashing", "Logging", "Monitor", "Mqtt", "Report", "Studies", "Tuning", "WebConsole"],
        ["Demo"] = ["Configuration", "Logging", "Mqtt", "WebConsole"],
        ["WebConsole"] = ["Configuration", "Export", "Logging", "Monitor", "Mqtt", "Report", "Tuning"],
        ["Studies"] = ["Configuration", "Export", "Logging", "Mqtt"],
        ["Report"] = ["Configuration", "Logging", "Studies"],
        ["Tuning"] = ["Configuration", "Logging", "Monitor"],
        ["Export"] = ["Configuration", "Logging"],
        ["Monitor"] = ["Logging", "Mqtt"],
        ["Logging"] = ["Configuration", "Mqtt"],
        ["Flashing"] = [],
        ["Mqtt"] = ["Configuration"],
        ["Configuration"] = [],
    };

    private static IReadOnlyDictionary<string, HashSet<string>> Uses()
    {
        string[] folders = [.. Directory.GetDirectories(Host).Select(Path.GetFileName).OfType<string>().Where(Allowed.ContainsKey)];
        var uses = Allowed.Keys.ToDictionary(k => k, _ => new HashSet<string>(StringComparer.Ordinal));
        foreach (string file in Directory.EnumerateFiles(Host, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(Host, file);
            if (relative.StartsWith("obj", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal))
            {
                continue;
            }

            string folder = relative.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) ? relative.Split(Path.DirectorySeparatorChar)[0] : string.Empty;
            string text = File.ReadAllText(file);
            foreach (string other in folders.Where(f => f != folder))
            {
                if (Regex.IsMatch(text, $@"using ClosedLoop\.Host\.{other}\s*;|ClosedLoop\.Host\.{other}\.|(?<![\w.]){other}\.[A-Z]"))
                {
                    uses[folder].Add(other);
                }
            }
        }

        return uses;
    }

    [Fact]
    public void Every_folder_uses_only_the_folders_below_it()
    {
        var uses = Uses();

        Assert.Equal(Allowed.Keys.Where(k => k.Length > 0).Order(), Directory.GetDirectories(Host).Select(Path.GetFileName).OfType<string>().Where(d => d is not ("bin" or "obj")).Order());
        foreach (var (folder, used) in uses)
        {
            var extra = used.Except(Allowed[folder]).ToList();
            Assert.True(extra.Count == 0, $"{(folder.Length == 0 ? "the host's root" : folder)} uses {string.Join(", ", extra)}, which it may not");
        }
    }

    [Fact]
    public void The_allowed_uses_have_no_cycle_so_each_folder_is_a_layer()
    {
        var visiting = new HashSet<string>();
        var done = new HashSet<string>();
        void Visit(string folder, List<string> path)
        {
            Assert.False(visiting.Contains(folder), "a cycle: " + string.Join(" -> ", path.Append(folder)));
            if (!done.Add(folder))
            {
                return;
            }

            visiting.Add(folder);
            foreach (string next in Allowed[folder])
            {
                Visit(next, [.. path, folder]);
            }

            visiting.Remove(folder);
        }

        foreach (string folder in Allowed.Keys)
        {
            Visit(folder, []);
        }
    }

    [Fact]
    public void The_scan_sees_the_uses_that_exist()
    {
        // Known uses, one by a using directive and one by a qualified name only: a scan blind to either would let the
        // first test pass on any layout (before this layout, Mqtt used Commands and Logging both ways).
        var uses = Uses();

        Assert.Contains("Logging", uses["Studies"]);
        Assert.Contains("Monitor", uses["Tuning"]);
        Assert.Contains("Commands", uses[""]);
        Assert.DoesNotContain("Monitor", uses["Logging"]);
    }
}
