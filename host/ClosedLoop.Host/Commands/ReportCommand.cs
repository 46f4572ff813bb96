using ClosedLoop.Host.Logging;
using ClosedLoop.Host.Report;

namespace ClosedLoop.Host.Commands;

/// <summary>`report RIG`: a self-contained HTML report with figures of one boot of a rig from the SQLite log.</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var rig = ControlCommands.RigArgument();
        var database = LogOption.Create();
        var boot = new Option<long?>("--boot") { Description = "Which boot of the rig (default: the latest)" };
        var threshold = new Option<double?>("--threshold") { Description = "Deficit threshold to mark on the Δz plot (default: the one the session ran with, from the log)" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write into", DefaultValueFactory = _ => new DirectoryInfo("report") };
        var command = new Command("report", "Write an HTML report with figures (z trace, peri-event plots, Δz distribution, refusals and faults)") { rig, database, boot, threshold, output };
        command.SetAction((parse, _) => Guard.RunAsync(parse, () =>
        {
            string rigId = parse.GetValue(rig)!;
            var (store, chosen) = LoggedSessionChoice.Open(parse.GetValue(database)!, rigId, parse.GetValue(boot));
            using var opened = store;
            var data = SessionData.Load(store, rigId, chosen, parse.GetValue(threshold) ?? LoggedThreshold(parse, store, rigId, chosen));
            foreach (string path in SessionReport.Write(data, parse.GetValue(output)!.FullName))
            {
                parse.InvocationConfiguration.Output.WriteLine(path);
            }

            return Task.FromResult(0);
        }));
        return command;
    }

    private static double LoggedThreshold(ParseResult parse, Logging.EventStore store, string rig, long boot)
    {
        if (SessionData.LoggedThreshold(store, rig, boot) is double logged)
        {
            return logged;
        }

        parse.InvocationConfiguration.Error.WriteLine($"note: the log holds no config for {rig} boot {boot}: the plot marks the default deficit threshold");
        return ClosedLoop.Engine.Config.RigConfig.Default().Detector.DeficitThreshold;
    }
}
