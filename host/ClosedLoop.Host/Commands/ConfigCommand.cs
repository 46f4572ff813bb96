namespace ClosedLoop.Host.Commands;

/// <summary>`closedloop config`: check an nf.config, or print the reference of every key.</summary>
public static class ConfigCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The nf.config file to check" };
        var sets = new Option<string[]>("--set")
        {
            Description = "Override a value, as section.key=value (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        var check = new Command("check", "Validate an nf.config with the engine's own rules and print its hash, or every error")
        {
            file,
            sets,
        };
        check.SetAction((parse, _) => Guard.RunAsync(parse, () => Task.FromResult(Check(parse, parse.GetValue(file)!, parse.GetValue(sets) ?? []))));

        var template = new Command("template", "Print a complete nf.config, every key at its default with its meaning, to start a rig's config from");
        template.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.Write(Template(_ => true));
            return 0;
        });

        var keys = new Command("keys", "Print every configuration key with its range and default, as Markdown (docs/configuration.md)");
        keys.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.Write(ReferenceMarkdown());
            return 0;
        });

        return new Command("config", "Check nf.config files and list their keys") { check, keys, template };
    }

    private static int Check(ParseResult parse, FileInfo file, string[] overrides)
    {
        var input = ConfigInput.Load(file, overrides, forRig: true);
        if (!input.Result.IsValid)
        {
            input.WriteErrors(parse.InvocationConfiguration.Error, file.FullName);
            return 1;
        }

        var output = parse.InvocationConfiguration.Output;
        output.WriteLine($"{file.FullName}: valid, rig {input.Result.Config.RigId}, config hash {input.Result.Config.Hash}");
        var defaulted = input.Defaulted();
        if (defaulted.Count > 0)
        {
            // Not an error, but nothing a reader of the file can see: say which values the rig will run by default.
            output.WriteLine($"{defaulted.Count} key(s) not in the file take their defaults:");
            foreach (string line in defaulted)
            {
                output.WriteLine($"  {line}");
            }
        }

        return 0;
    }

    /// <summary>nf.config text with each key <paramref name="include"/> selects at its default, its meaning as a comment.</summary>
    public static string Template(Func<ConfigKey, bool> include)
    {
        var text = new StringBuilder();
        string? section = null;
        for (int i = 0; i < ConfigSchema.Count; i++)
        {
            var key = ConfigSchema.KeyAt(i);
            if (!include(key))
            {
                continue;
            }

            if (key.Section != section)
            {
                section = key.Section;
                text.Append(text.Length > 0 ? "\n" : string.Empty).Append('[').Append(section).Append("]\n");
            }

            text.Append("# ").Append(key.Help).Append('\n').Append(key.Name).Append(" = ").Append(key.DefaultValue).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The Markdown reference of every key, from the engine's schema (docs/configuration.md is this text).</summary>
    public static string ReferenceMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("# nf.config keys");
        text.AppendLine();
        text.AppendLine("Generated from the engine's schema by `closedloop config keys`; a test keeps this file equal to it.");
        text.AppendLine("Times are in the unit their name ends with. A key left out takes its default, except the output settings and");
        text.AppendLine("safety limits ([output], [opto], [dose]): a rig refuses a config that does not state every one of them.");
        text.AppendLine("`closedloop config template` prints a complete nf.config to start from. Comments: a line starting with `#` or `;`,");
        text.AppendLine("or ` # ...` after a value, except in a password, whose value runs to the end of its line.");
        string? section = null;
        for (int i = 0; i < ConfigSchema.Count; i++)
        {
            var key = ConfigSchema.KeyAt(i);
            if (key.Section != section)
            {
                section = key.Section;
                text.AppendLine();
                text.AppendLine($"## [{section}]");
                text.AppendLine();
                text.AppendLine("| key | allowed | default | meaning |");
                text.AppendLine("|---|---|---|---|");
            }

            string allowed = key.Describe().Replace("|", "\\|", StringComparison.Ordinal);
            string shown = key.DefaultValue.Length == 0 ? "(empty)" : $"`{key.DefaultValue}`";
            text.AppendLine($"| `{key.Name}` | {allowed} | {shown} | {key.Help} |");
        }

        return text.ToString();
    }
}
