using ClosedLoop.Host.Studies;

namespace ClosedLoop.Host.Commands;

/// <summary>`study calibrate`, `study report` and `study export`: what the logged sessions of a study show.</summary>
public static partial class StudyCommand
{
    private static Command CalibrateCommand()
    {
        var file = StudyFileArgument();
        var database = LogOption.Create();
        var session = new Option<string?>("--session") { Description = "The plan session whose logged sessions (their --note) are the baseline (default: the study's first baseline session)" };
        var percentile = new Option<double>("--percentile") { Description = "Percentile of baseline Δz the threshold sits at", DefaultValueFactory = _ => 10 };
        var reference = new Option<string?>("--reference-group") { Description = "Take one threshold from this group's pooled baseline (e.g. group-reared) instead of each animal's own" };
        var accept = new Option<bool>("--accept") { Description = "Accept the proposals: record them for the animals' later sessions" };
        var by = new Option<string>("--by") { Description = "Who accepts (recorded; default: this account)" };
        var command = new Command("calibrate", "Propose each animal's detector.deficit_threshold from its baseline session's encounter Δz; --accept records them")
        {
            file, database, session, percentile, reference, accept, by,
        };
        command.SetAction((parse, _) => Guard.RunAsync(parse, () => Task.FromResult(Calibrate(parse, parse.GetValue(file)!, parse.GetValue(database)!, parse.GetValue(session),
            parse.GetValue(percentile), parse.GetValue(reference), parse.GetValue(accept), parse.GetValue(by) ?? Environment.UserName))));
        return command;
    }

    private static int Calibrate(ParseResult parse, FileInfo file, string database, string? sessionName, double percentile, string? referenceGroup, bool accept, string by)
    {
        if (Load(parse, file) is not { } study)
        {
            return ExitCodes.Refused;
        }

        var error = parse.InvocationConfiguration.Error;
        string? session = sessionName ?? study.Sessions.Where(s => s.Kind == SessionKind.Baseline).SelectMany(s => s.Occurrences).FirstOrDefault();
        if (session is null)
        {
            throw new CommandLineException("--session: the study has no baseline session; name the plan session whose logged sessions to use");
        }

        if (percentile is <= 0 or >= 100)
        {
            throw new CommandLineException($"--percentile {percentile.ToString(CultureInfo.InvariantCulture)}: expected a number between 0 and 100");
        }

        using var store = Logging.LogLocation.Parse(database).OpenReadOnly();
        var baseline = BaselineResponses.Read(store, study, session);
        IReadOnlyList<ThresholdProposal> proposals;
        try
        {
            proposals = Calibration.Propose(study, baseline, percentile, referenceGroup);
        }
        catch (ArgumentException e)
        {
            throw new CommandLineException(e.Message.Split(" (Parameter", 2)[0]);
        }

        var output = parse.InvocationConfiguration.Output;
        output.WriteLine($"baseline session '{session}': {proposals.Count(p => p.Encounters > 0)} of {proposals.Count} animals logged; threshold = {(proposals.Count > 0 ? proposals[0].Basis : "-")}");
        output.WriteLine("  animal     group / treatment                 encounters  median Δz  threshold  baseline encounters below");
        var config = new FileInfo(study.ConfigPath);
        var refused = new List<string>();
        foreach (var (proposal, animal) in proposals.Zip(study.Animals))
        {
            string threshold = proposal.Threshold is double t ? t.ToString("0.00", CultureInfo.InvariantCulture) : "-";
            string below = double.IsNaN(proposal.DeficitFraction) ? "-" : proposal.DeficitFraction.ToString("P0", CultureInfo.InvariantCulture);
            output.WriteLine($"  {animal.Id,-10} {animal.Group + " / " + animal.Treatment,-33} {proposal.Encounters,10}  {proposal.MedianDeltaZ,9:0.00}  {threshold,9}  {below}");
            if (proposal.Threshold is double value)
            {
                // The engine decides whether a rig would take the value.
                var check = ConfigInput.Load(config, [$"detector.deficit_threshold={value.ToString("R", CultureInfo.InvariantCulture)}"], forRig: true);
                refused.AddRange(check.Result.Errors.Where(e => e.Field == "detector.deficit_threshold").Select(e => $"{animal.Id}: {e}"));
            }
        }

        if (referenceGroup is null)
        {
            // Each animal's own percentile puts about that share of every animal's baseline below its threshold, whatever
            // its group: an animal without responses gets a threshold as low as its own Δz and is rarely stimulated.
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  note: each animal's own {percentile:0.#}th percentile: about {percentile:0.#} % of every animal's baseline encounters fall below its threshold, whatever its group, so an animal whose responses are missing gets a low threshold and would rarely be stimulated in a deficit-triggered condition; to hold every animal to what a responding group does, give --reference-group (e.g. {study.Animals[0].Group})"));
        }

        var missing = proposals.Where(p => p.Threshold is null).Select(p => p.AnimalId).ToList();
        if (missing.Count > 0)
        {
            output.WriteLine($"  no proposal for {string.Join(", ", missing)}: fewer than {Calibration.MinimumEncounters} baseline encounters logged (session --note '{session}')");
        }

        if (!accept)
        {
            output.WriteLine("  nothing recorded: add --accept to use these thresholds in the animals' later sessions");
            return ExitCodes.Ok;
        }

        if (refused.Count > 0 || missing.Count > 0)
        {
            error.WriteLine($"error: not accepted: every animal needs a threshold a rig takes{(refused.Count > 0 ? ": " + string.Join("; ", refused) : string.Empty)}");
            return ExitCodes.Refused;
        }

        var folder = new StudyFolder(file.FullName);
        folder.WriteCalibration(new CalibrationFile(session, proposals[0].Basis, DateTimeOffset.UtcNow, by,
            [.. proposals.Select(p => new CalibratedAnimal(p.AnimalId, p.Encounters, p.MedianDeltaZ, p.Threshold!.Value))],
            [.. baseline.SelectMany(b => b.Sessions)]));
        output.WriteLine($"  accepted by {by}: recorded in {folder.CalibrationPath}");
        return ExitCodes.Ok;
    }

    private static Command ReportCommand()
    {
        var file = StudyFileArgument();
        var database = LogOption.Create();
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the report into", DefaultValueFactory = _ => new DirectoryInfo("report") };
        var command = new Command("report", "One HTML report of the study: encounter Δz per session, group and condition (codes when blinded), counts, group comparisons with effect sizes")
        {
            file, database, output,
        };
        command.SetAction((parse, _) => Guard.RunAsync(parse, () =>
        {
            if (Load(parse, parse.GetValue(file)!) is not { } study)
            {
                return Task.FromResult(ExitCodes.Refused);
            }

            var folder = new StudyFolder(parse.GetValue(file)!.FullName);
            if (!folder.IsPlanned)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {folder.PlanPath} is missing: the report shows conditions as the plan does (closedloop study plan first)");
                return Task.FromResult(ExitCodes.Refused);
            }

            var (labels, blinded, unblinding) = ConditionLabels(study, folder);
            using var store = Logging.LogLocation.Parse(parse.GetValue(database)!).OpenReadOnly();
            var results = StudyResults.Read(store, study, animal => labels[animal.Id]);
            if (results.Count == 0)
            {
                parse.InvocationConfiguration.Error.WriteLine("error: the log holds no session of the study's animals (sessions are found by --subject and a --note naming the plan's session)");
                return Task.FromResult(ExitCodes.Refused);
            }

            foreach (var running in results.Where(r => !r.Ended))
            {
                parse.InvocationConfiguration.Output.WriteLine($"note: {running.AnimalId}'s '{running.Session}' session ({running.Rig} boot {running.Boot}) has no stop in the log: still running, counted as far as it was logged");
            }

            var (kept, leftOut) = study.SplitByYokeTiming(results);
            var said = leftOut.Select(l => LeftOutLine(study, blinded, l.Session, l.Why)).ToList();
            foreach (string line in said)
            {
                parse.InvocationConfiguration.Output.WriteLine($"left out: {line}");
            }

            string path = Report.StudyReport.Write(study, blinded, kept, parse.GetValue(output)!.FullName, said, unblinding);
            parse.InvocationConfiguration.Output.WriteLine($"{kept.Count} logged sessions of {kept.Select(r => r.AnimalId).Distinct().Count()} animals: {path}");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    /// <summary>
    /// A session left out of the report and the export, as the reader may see it: in a blinded study only that its
    /// protocol failed (what failed, a yoke, would tell its code is the yoked condition), in an open one what broke.
    /// </summary>
    private static string LeftOutLine(Study study, bool blinded, AnimalSession session, string why) =>
        $"{session.AnimalId}'s '{session.Session}' session ({session.Rig} boot {session.Boot}): " + (blinded
            ? "its protocol was not kept (what failed is shown once the study is unblinded); the log still holds it"
            : $"{why} (the study's yoke_max_delay_ms is {study.YokeMaxDelayMs}): no yoked control; the log still holds it");

    /// <summary>
    /// Each animal's condition as report and export may show it: the plan's codes while a blinded study is still
    /// blinded; once `study unblind` has revealed the key, each code with its condition ("A (closed-loop)") and who
    /// unblinded it when; names in an open study.
    /// </summary>
    private static (Dictionary<string, string> Labels, bool Blinded, string? Unblinding) ConditionLabels(Study study, StudyFolder folder)
    {
        var plan = folder.ReadPlan();
        var labels = plan.Animals.ToDictionary(a => a.Id, a => a.Condition);
        var unblindings = study.Blinded ? folder.Unblindings() : [];
        if (unblindings.Count == 0)
        {
            return (labels, study.Blinded, null);
        }

        var key = folder.ReadKey(plan);
        var first = unblindings[0];
        return (key.Assignments.ToDictionary(a => a.Animal, a => $"{a.Code} ({a.Condition})"), false,
            $"Unblinded by {first.By} on {first.Utc:yyyy-MM-dd} ({first.Reason}): each condition is shown as its code with its name.");
    }

    private static Command ExportCommand()
    {
        var file = StudyFileArgument();
        var database = LogOption.Create();
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write SESSION/ANIMAL.nwb into", DefaultValueFactory = _ => new DirectoryInfo("nwb") };
        var site = new Option<string>("--site-location") { Description = "Where the stimulation fibre is", DefaultValueFactory = _ => new Export.NwbOptions().SiteLocation };
        var excitation = new Option<double?>("--excitation-nm") { Description = "Wavelength of the stimulation light, nm" };
        var power = new Option<double?>("--opto-power-mw") { Description = "Light power at the fibre tip during a pulse, mW" };
        var command = new Command("export", "Every logged session of the study as an NWB 2.6 file, its subject from the study file and its condition as the plan shows it")
        {
            file, database, output, site, excitation, power,
        };
        command.SetAction((parse, _) => Guard.RunAsync(parse, () =>
        {
            if (Load(parse, parse.GetValue(file)!) is not { } study)
            {
                return Task.FromResult(ExitCodes.Refused);
            }

            var folder = new StudyFolder(parse.GetValue(file)!.FullName);
            var (labels, blinded, _) = folder.IsPlanned ? ConditionLabels(study, folder) : ([], study.Blinded, null);
            using var store = Logging.LogLocation.Parse(parse.GetValue(database)!).OpenReadOnly();
            var (sessions, leftOut) = study.SplitByYokeTiming(StudyResults.Read(store, study, animal => labels.GetValueOrDefault(animal.Id, "unplanned")));
            var options = new Export.NwbOptions { SiteLocation = parse.GetValue(site)!, ExcitationNm = parse.GetValue(excitation) ?? double.NaN, OptoPowerMw = parse.GetValue(power) };
            var printed = parse.InvocationConfiguration.Output;
            foreach (var (session, why) in leftOut)
            {
                printed.WriteLine($"left out: {LeftOutLine(study, blinded, session, why)}");
            }

            foreach (var boot in sessions.GroupBy(s => (s.Rig, s.Boot)))
            {
                // An NWB file holds a boot (its signals are one recording); a boot with several sessions is named by its first.
                var first = boot.First();
                string path = Path.Combine(parse.GetValue(output)!.FullName, first.Session, $"{first.AnimalId}.nwb");
                bool running = boot.Any(s => !s.Ended);
                Export.NwbExport.Write(store, first.Rig, first.Boot, path, StudySubject.Describe(options, study, study.Animals.First(a => a.Id == first.AnimalId), first.Condition) with { StillRunning = running });
                printed.WriteLine((boot.Count() == 1 ? path : $"{path} (holds the whole boot: also {string.Join(", ", boot.Skip(1).Select(s => $"{s.AnimalId} {s.Session}"))})")
                    + (running ? ": STILL RUNNING, its session has no stop in the log; written as far as it was logged (export again once it has ended)" : string.Empty));
            }

            printed.WriteLine($"{sessions.Count} logged sessions of the study written as NWB");
            return Task.FromResult(sessions.Count > 0 ? ExitCodes.Ok : ExitCodes.Refused);
        }));
        return command;
    }
}
