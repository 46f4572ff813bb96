using ClosedLoop.Host.Export;

namespace ClosedLoop.Host.Commands;

/// <summary>`export RIG`: one boot of a rig from the SQLite log as GuPPy CSVs, an events CSV, Parquet and a JSON sidecar.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var rig = ControlCommands.RigArgument();
        var database = new Option<FileInfo>("--db") { Description = "The logger's SQLite file", DefaultValueFactory = _ => new FileInfo("closedloop.sqlite") };
        var boot = new Option<long?>("--boot") { Description = "Which boot of the rig (default: the latest)" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write into", DefaultValueFactory = _ => new DirectoryInfo("export") };
        var command = new Command("export", "Write a rig's logged session as GuPPy CSVs, an events CSV, Parquet and a JSON sidecar") { rig, database, boot, output };
        command.SetAction((parse, _) => Guard.RunAsync(parse, async () =>
        {
            string rigId = parse.GetValue(rig)!;
            var (store, chosen) = LoggedSessionChoice.Open(parse.GetValue(database)!, rigId, parse.GetValue(boot));
            using var opened = store;
            var written = await SessionExport.WriteAsync(store, rigId, chosen, parse.GetValue(output)!.FullName).ConfigureAwait(false);
            foreach (string path in written)
            {
                parse.InvocationConfiguration.Output.WriteLine(path);
            }

            if (!written.Any(path => path.EndsWith("_sync_pulses.csv", StringComparison.Ordinal)))
            {
                parse.InvocationConfiguration.Error.WriteLine($"note: {rigId} boot {chosen} logged no sync_started event, so no sync pulse times were written (sync.enabled off, or the event was not logged)");
            }

            return 0;
        }));
        return command;
    }
}
