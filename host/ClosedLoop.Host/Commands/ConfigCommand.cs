using System.CommandLine;
using System.Text;
using ClosedLoop.Engine.Config;

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

        var keys = new Command("keys", "Print every configuration key with its range and default, as Markdown (docs/configuration.md)");
        keys.SetAction(parse =>
        {
            parse.InvocationConfiguration.Output.Write(ReferenceMarkdown());
            return 0;
        });

        return new Command("config", "Check nf.config files and list their keys") { check, keys };
    }

    private static int Check(ParseResult parse, FileInfo file, string[] overrides)
    {
        var input = ConfigInput.Load(file, overrides);
        if (!input.Result.IsValid)
        {
            input.WriteErrors(parse.InvocationConfiguration.Error, file.FullName);
            return 1;
        }

        parse.InvocationConfiguration.Output.WriteLine($"{file.FullName}: valid, rig {input.Result.Config.RigId}, config hash {input.Result.Config.Hash}");
        return 0;
    }

    /// <summary>The Markdown reference of every key, from the engine's schema (docs/configuration.md is this text).</summary>
    public static string ReferenceMarkdown()
    {
        var text = new StringBuilder();
        text.AppendLine("# nf.config keys");
        text.AppendLine();
        text.AppendLine("Generated from the engine's schema by `closedloop config keys`; a test keeps this file equal to it.");
        text.AppendLine("Times are in the unit their name ends with. Every key may be left out; it then takes its default.");
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
