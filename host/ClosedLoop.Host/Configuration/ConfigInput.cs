namespace ClosedLoop.Host.Configuration;

/// <summary>
/// A config as an operator gives it: an optional nf.config file plus `--set section.key=value` overrides, parsed
/// and validated by the engine. Shared by every command that takes a config.
/// </summary>
public sealed class ConfigInput
{
    private ConfigInput(ConfigDocument document, ConfigLoadResult result)
    {
        Document = document;
        Result = result;
    }

    /// <summary>The entries as written, overrides applied (what `configure` sends).</summary>
    public ConfigDocument Document { get; }

    public ConfigLoadResult Result { get; }

    /// <summary>
    /// Reads <paramref name="file"/> (none: every key at its default), applies the overrides, validates. With
    /// <paramref name="forRig"/> (a config a rig will run) every output setting and safety limit must be stated.
    /// </summary>
    public static ConfigInput Load(FileInfo? file, IEnumerable<string> overrides, Action<ConfigDocument>? adjust = null, bool forRig = false, string? baseText = null)
    {
        // Without a file, a base text (e.g. the config a logged session ran with) stands in for it.
        byte[] bytes = baseText is null ? [] : System.Text.Encoding.UTF8.GetBytes(baseText);
        if (file is not null)
        {
            InputFile.Require(file, "an nf.config file");

            bytes = InputFile.ReadBounded(file.FullName, ConfigParser.MaxBytes, "an nf.config file");
        }

        var errors = new ConfigErrorList();
        var document = ConfigParser.Parse(bytes, bytes.Length, errors);
        adjust?.Invoke(document);
        foreach (string assignment in overrides)
        {
            document.TrySet(assignment, errors);
        }

        return new ConfigInput(document, ConfigLoader.FromDocument(document, errors, forRig));
    }

    /// <summary>The keys the document leaves to their defaults, as "section.key = default".</summary>
    public IReadOnlyList<string> Defaulted() =>
        [.. Enumerable.Range(0, ConfigSchema.Count).Select(ConfigSchema.KeyAt)
            .Where(key => Document.Find(key.Section, key.Name) is null)
            .Select(key => $"{key.Field} = {key.DefaultValue}")];

    /// <summary>Writes "heading: N error(s)" and one line per error.</summary>
    public void WriteErrors(TextWriter error, string heading) => WriteErrors(error, heading, Result);

    /// <summary>Writes "heading: N error(s)" and one line per error of <paramref name="result"/>.</summary>
    public static void WriteErrors(TextWriter error, string heading, ConfigLoadResult result)
    {
        error.WriteLine($"{heading}: {result.Errors.Length} error(s)");
        foreach (var e in result.Errors)
        {
            error.WriteLine($"  {e}");
        }
    }

    /// <summary>
    /// The document as nf.config text (the rig parses it with the same engine code), without its secrets: they are
    /// flashed with the board, never applied over MQTT (nor part of the hash), and a retained config would keep them
    /// on the broker and in its retained-message file.
    /// </summary>
    public static string Render(ConfigDocument document)
    {
        var text = new StringBuilder();
        var entries = Enumerable.Range(0, document.Count).Select(i => document[i])
            .Where(e => ConfigSchema.IndexOf(e.Section, e.Key) is int key && (key < 0 || !ConfigSchema.KeyAt(key).IsSecret));
        foreach (var section in entries.GroupBy(e => e.Section))
        {
            text.Append('[').Append(section.Key).Append("]\n");
            foreach (var entry in section)
            {
                text.Append(entry.Key).Append(" = ").Append(entry.Value).Append('\n');
            }
        }

        return text.ToString();
    }
}
