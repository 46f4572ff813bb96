using System.Text.RegularExpressions;

namespace ClosedLoop.Host.Flashing;

/// <summary>
/// Fills <c>${NAME}</c> in an nf.config from the environment at deploy time, so that passwords live in the
/// operator's environment (or a secrets manager feeding it) and never in a file that is committed or published.
/// Every variable that is not set is reported, with the line and key that needs it, and nothing is expanded.
/// </summary>
public static partial class SecretExpansion
{
    /// <summary>The expanded text; throws <see cref="MissingVariablesException"/> naming every unset variable.</summary>
    public static string Expand(string text, Func<string, string?> lookup)
    {
        var missing = new List<string>();
        var lines = text.Split('\n');
        string section = string.Empty;
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            string trimmed = line.Trim();
            if (trimmed.StartsWith('[') && trimmed.EndsWith(']'))
            {
                section = trimmed[1..^1].Trim() + ".";
            }

            // Comments are left as written: they may explain the ${NAME} syntax itself.
            if (trimmed.StartsWith('#') || trimmed.StartsWith(';'))
            {
                continue;
            }

            int number = i + 1;
            lines[i] = Placeholder().Replace(line, match =>
            {
                string name = match.Groups["name"].Value;
                string? value = lookup(name);
                if (value is null)
                {
                    missing.Add($"line {number}: {section}{KeyOf(line)} uses ${{{name}}}, but {name} is not set in the environment");
                    return match.Value;
                }

                return value;
            });
        }

        if (missing.Count > 0)
        {
            throw new MissingVariablesException(missing);
        }

        return string.Join('\n', lines);
    }

    /// <summary>The key a line assigns, for naming it in an error.</summary>
    private static string KeyOf(string line)
    {
        int equals = line.IndexOf('=', StringComparison.Ordinal);
        return equals < 0 ? "the line" : line[..equals].Trim();
    }

    [GeneratedRegex(@"\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Placeholder();
}

/// <summary>One or more ${NAME} placeholders have no value in the environment.</summary>
public sealed class MissingVariablesException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;
}
