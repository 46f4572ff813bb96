using System.Text.RegularExpressions;

namespace ClosedLoop.Host.WebConsole;

/// <summary>
/// Named configs for the console, one nf.config file each in a folder: the experiment's settings only (the
/// sections in <see cref="Sections"/>), never a rig's identity, output mode, wiring, link, journal or acquisition calibration,
/// so one preset can be loaded onto several rigs whatever their boards. Every preset is checked by the engine
/// before it is saved.
/// </summary>
public sealed partial class ConfigPresets(string folder)
{
    /// <summary>The sections a preset carries.</summary>
    public static readonly IReadOnlyList<string> Sections = ["detector", "encounter", "output", "opto", "dose", "processing", "sync"];

    /// <summary>
    /// Keys of those sections a preset never carries: a rig's output mode is its condition (closed-loop, sham,
    /// yoked), so a preset of thresholds must not turn a sham control into a closed-loop rig or back.
    /// </summary>
    public static readonly IReadOnlyList<string> NeverCarried = ["output.mode"];

    public string Folder { get; } = folder;

    /// <summary>What a preset may be called, for error messages.</summary>
    public const string NameRule = "1 to 40 characters from a-z 0-9 - _";

    [GeneratedRegex("^[a-z0-9_-]{1,40}$")]
    private static partial Regex NamePattern();

    public static bool IsName(string name) => NamePattern().IsMatch(name);

    public IReadOnlyList<string> Names() => Directory.Exists(Folder)
        ? [.. Directory.GetFiles(Folder, "*.nf.config").Select(p => Path.GetFileName(p)[..^".nf.config".Length]).Where(IsName).Order(StringComparer.Ordinal)]
        : [];

    /// <summary>The preset's settings as section.key = value, or null when there is no such preset.</summary>
    public IReadOnlyDictionary<string, string>? Read(string name)
    {
        string path = PathOf(name);
        if (!IsName(name) || !File.Exists(path))
        {
            return null;
        }

        byte[] bytes = File.ReadAllBytes(path);
        var document = ConfigParser.Parse(bytes, bytes.Length, new ConfigErrorList());
        var fields = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < document.Count; i++)
        {
            fields[document[i].Field] = document[i].Value;
        }

        // A file written or edited by hand is held to the same rule as one saved from the page.
        return Carried(fields);
    }

    /// <summary>Only the settings a preset carries, from a form's fields.</summary>
    public static IReadOnlyDictionary<string, string> Carried(IEnumerable<KeyValuePair<string, string>> fields) =>
        new SortedDictionary<string, string>(
            fields.Where(f => Sections.Contains(f.Key.Split('.')[0]) && !NeverCarried.Contains(f.Key)).ToDictionary(f => f.Key, f => f.Value),
            StringComparer.Ordinal);

    /// <summary>
    /// Saves the carried settings under <paramref name="name"/> when the engine accepts them (over the defaults);
    /// returns the engine's errors otherwise, and nothing is written.
    /// </summary>
    public IReadOnlyList<ConfigError> Save(string name, IReadOnlyDictionary<string, string> settings)
    {
        if (!IsName(name))
        {
            throw new ArgumentException($"preset name '{name}': expected {NameRule}", nameof(name));
        }

        var input = ConfigInput.Load(null, settings.Select(s => $"{s.Key}={s.Value}"));
        if (input.Result.Errors.Length > 0)
        {
            return [.. input.Result.Errors];
        }

        var text = new StringBuilder($"# ClosedLoop console preset '{name}': the experiment's settings, loaded onto rigs over their own config\n");
        foreach (var section in settings.GroupBy(s => s.Key.Split('.')[0]))
        {
            text.Append('\n').Append('[').Append(section.Key).Append("]\n");
            foreach (var (field, value) in section)
            {
                text.Append(field[(section.Key.Length + 1)..]).Append(" = ").Append(value).Append('\n');
            }
        }

        Directory.CreateDirectory(Folder);
        File.WriteAllText(PathOf(name), text.ToString());
        return [];
    }

    private string PathOf(string name) => Path.Combine(Folder, name + ".nf.config");
}
