using Spectre.Console;

namespace ClosedLoop.Host.Monitor;

/// <summary>Draws the monitor's table: one row per rig.</summary>
public static class MonitorView
{
    private const string Bars = "▁▂▃▄▅▆▇█";

    public static Table Render(IReadOnlyList<RigView> rigs, long messages, IReadOnlyList<LoggerView>? loggers = null)
    {
        var table = new Table().Title($"[bold]ClosedLoop rigs[/] ({messages} messages)")
            .AddColumns("rig", "online", "config", "state", "z (last minute)", "recent events");
        foreach (var rig in rigs)
        {
            string state = !rig.Online ? "-"
                : rig.EStop ? "[red]E-STOP[/]"
                : $"{(rig.Armed ? "[yellow]armed[/]" : "disarmed")}{(rig.InSession ? ", in session" : string.Empty)}, {Markup.Escape(rig.Mode)}";
            table.AddRow(
                Markup.Escape(rig.RigId),
                rig.Online ? "[green]online[/]" : "[grey]offline[/]",
                Markup.Escape(rig.ConfigHash),
                state,
                Sparkline(rig.Z),
                Markup.Escape(string.Join("\n", rig.Events)));
        }

        if (rigs.Count == 0)
        {
            table.AddRow("(no rig seen yet)", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
        }

        if (loggers is { Count: > 0 })
        {
            table.Caption(string.Join("\n", loggers.Select(Describe)));
        }

        return table;
    }

    /// <summary>One line per logger: a logger that cannot write is what an experimenter must see first.</summary>
    public static string Describe(LoggerView logger) =>
        !logger.Online ? $"logger {Markup.Escape(logger.ClientId)}: [grey]offline[/]"
        : logger.Ok ? $"logger {Markup.Escape(logger.ClientId)}: [green]writing[/]"
        : $"logger {Markup.Escape(logger.ClientId)}: [red]CANNOT WRITE[/] {Markup.Escape(logger.Error ?? string.Empty)}";

    /// <summary>Block characters scaled to z from -3 to +3 (clipped), with the latest value.</summary>
    public static string Sparkline(IEnumerable<double> values)
    {
        var list = values.ToList();
        if (list.Count == 0)
        {
            return "-";
        }

        var line = new string([.. list.Select(z => Bars[(int)Math.Round((Math.Clamp(z, -3, 3) + 3) / 6 * (Bars.Length - 1))])]);
        return $"{line} {list[^1].ToString("F1", CultureInfo.InvariantCulture)}";
    }
}
