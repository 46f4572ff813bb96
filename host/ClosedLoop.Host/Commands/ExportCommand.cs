using ClosedLoop.Host.Logging;
using ClosedLoop.Host.Export;
using ClosedLoop.Host.Studies;

namespace ClosedLoop.Host.Commands;

/// <summary>`export RIG`: one boot of a rig from the SQLite log as GuPPy CSVs, an events CSV, Parquet and a JSON sidecar.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var rig = ControlCommands.RigArgument();
        var database = LogOption.Create();
        var boot = new Option<long?>("--boot") { Description = "Which boot of the rig (default: the latest)" };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write into", DefaultValueFactory = _ => new DirectoryInfo("export") };
        var nwb = new Option<bool>("--nwb") { Description = "Also write the session as an NWB 2.6 file (RIG.nwb)" };
        var study = new Option<FileInfo?>("--study") { Description = "With --nwb: the study file whose animal (the session's subject) and planned condition label describe the session" };
        var site = new Option<string>("--site-location") { Description = "With --nwb: where the stimulation fibre is", DefaultValueFactory = _ => new NwbOptions().SiteLocation };
        var excitation = new Option<double?>("--excitation-nm") { Description = "With --nwb: wavelength of the stimulation light, nm" };
        var power = new Option<double?>("--opto-power-mw") { Description = "With --nwb: light power at the fibre tip during a pulse, mW" };
        var command = new Command("export", "Write a rig's logged session as GuPPy CSVs, an events CSV, Parquet and a JSON sidecar (and NWB with --nwb)")
        {
            rig, database, boot, output, nwb, study, site, excitation, power,
        };
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

            if (parse.GetValue(nwb))
            {
                string file = Path.Combine(parse.GetValue(output)!.FullName, $"{rigId}.nwb");
                var options = new NwbOptions
                {
                    SiteLocation = parse.GetValue(site)!,
                    ExcitationNm = parse.GetValue(excitation) ?? double.NaN,
                    OptoPowerMw = parse.GetValue(power),
                };
                if (parse.GetValue(study) is { } studyFile)
                {
                    options = StudySubject.Describe(options, studyFile, store.Sessions(rigId, chosen).Select(s => s.Subject).FirstOrDefault());
                }

                NwbExport.Write(store, rigId, chosen, file, options);
                parse.InvocationConfiguration.Output.WriteLine(file);
                foreach (string lack in NwbExport.Missing(store, rigId, chosen, options))
                {
                    parse.InvocationConfiguration.Error.WriteLine($"warning: {Path.GetFileName(file)} lacks {lack}");
                }
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
