using ClosedLoop.Host.Studies;

namespace ClosedLoop.Host.Commands;

/// <summary>`closedloop study`: check a study file, plan it (assignment, blinding, run order), show its state, unblind it.</summary>
public static class StudyCommand
{
    public static Command Create()
    {
        var check = new Command("check", "Validate a study file: every error with its line and field; each condition's config is checked by the engine");
        var checkFile = StudyFileArgument();
        check.Arguments.Add(checkFile);
        check.SetAction((parse, _) => Guard.RunAsync(parse, () => Task.FromResult(Check(parse, parse.GetValue(checkFile)!))));

        var plan = new Command("plan", "Assign animals to conditions (counterbalanced within strata, seeded), seal the blinding key and order the runs");
        var planFile = StudyFileArgument();
        var by = new Option<string>("--by") { Description = "Who plans the study (recorded; default: this account)" };
        plan.Arguments.Add(planFile);
        plan.Options.Add(by);
        plan.SetAction((parse, _) => Guard.RunAsync(parse, () => Task.FromResult(Plan(parse, parse.GetValue(planFile)!, parse.GetValue(by) ?? Environment.UserName))));

        var status = new Command("status", "Show a study's plan as the experimenter may see it, whether its key is intact and who unblinded it");
        var statusFile = StudyFileArgument();
        status.Arguments.Add(statusFile);
        status.SetAction((parse, _) => Guard.RunAsync(parse, () => Task.FromResult(Status(parse, parse.GetValue(statusFile)!))));

        var unblind = new Command("unblind", "Reveal a blinded study's assignment: checks the sealed key against the plan and the seed, and records who asked, when and why");
        var unblindFile = StudyFileArgument();
        var unblindBy = new Option<string>("--by") { Description = "Your name (recorded in unblinding.log)", Required = true };
        var reason = new Option<string>("--reason") { Description = "Why the study is unblinded now (recorded)", Required = true };
        unblind.Arguments.Add(unblindFile);
        unblind.Options.Add(unblindBy);
        unblind.Options.Add(reason);
        unblind.SetAction((parse, _) => Guard.RunAsync(parse, () => Task.FromResult(
            Unblind(parse, parse.GetValue(unblindFile)!, parse.GetValue(unblindBy)!, parse.GetValue(reason)!, DateTimeOffset.UtcNow))));

        return new Command("study", "Studies: animals, conditions (closed-loop, yoked, sham, none), counterbalanced blinded assignment, run order, calibration")
        {
            check, plan, status, unblind, CalibrateCommand(), RunCommand(), SimulateCommand(), ReportCommand(), ExportCommand(),
        };
    }

    private static Command ReportCommand()
    {
        var file = StudyFileArgument();
        var database = new Option<FileInfo>("--db") { Description = "The logger's SQLite file", DefaultValueFactory = _ => new FileInfo("closedloop.sqlite") };
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

            var labels = folder.ReadPlan().Animals.ToDictionary(a => a.Id, a => a.Condition);
            InputFile.Require(parse.GetValue(database)!, "a closedloop log (SQLite)");
            using var store = Logging.EventStore.OpenReadOnly(parse.GetValue(database)!.FullName);
            var results = StudyResults.Read(store, study, animal => labels[animal.Id]);
            if (results.Count == 0)
            {
                parse.InvocationConfiguration.Error.WriteLine("error: the log holds no session of the study's animals (sessions are found by --subject and a --note naming the plan's session)");
                return Task.FromResult(ExitCodes.Refused);
            }

            string path = Report.StudyReport.Write(study, study.Blinded, results, parse.GetValue(output)!.FullName);
            parse.InvocationConfiguration.Output.WriteLine($"{results.Count} logged sessions of {results.Select(r => r.AnimalId).Distinct().Count()} animals: {path}");
            return Task.FromResult(ExitCodes.Ok);
        }));
        return command;
    }

    private static Command ExportCommand()
    {
        var file = StudyFileArgument();
        var database = new Option<FileInfo>("--db") { Description = "The logger's SQLite file", DefaultValueFactory = _ => new FileInfo("closedloop.sqlite") };
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
            var labels = folder.IsPlanned ? folder.ReadPlan().Animals.ToDictionary(a => a.Id, a => a.Condition) : [];
            InputFile.Require(parse.GetValue(database)!, "a closedloop log (SQLite)");
            using var store = Logging.EventStore.OpenReadOnly(parse.GetValue(database)!.FullName);
            var sessions = StudyResults.Read(store, study, animal => labels.GetValueOrDefault(animal.Id, "unplanned"));
            var options = new Export.NwbOptions { SiteLocation = parse.GetValue(site)!, ExcitationNm = parse.GetValue(excitation) ?? double.NaN, OptoPowerMw = parse.GetValue(power) };
            var printed = parse.InvocationConfiguration.Output;
            foreach (var boot in sessions.GroupBy(s => (s.Rig, s.Boot)))
            {
                // An NWB file holds a boot (its signals are one recording); a boot with several sessions is named by its first.
                var first = boot.First();
                string path = Path.Combine(parse.GetValue(output)!.FullName, first.Session, $"{first.AnimalId}.nwb");
                Export.NwbExport.Write(store, first.Rig, first.Boot, path, StudySubject.Describe(options, study, study.Animals.First(a => a.Id == first.AnimalId), first.Condition));
                printed.WriteLine(boot.Count() == 1 ? path : $"{path} (holds the whole boot: also {string.Join(", ", boot.Skip(1).Select(s => $"{s.AnimalId} {s.Session}"))})");
            }

            printed.WriteLine($"{sessions.Count} logged sessions of the study written as NWB");
            return Task.FromResult(sessions.Count > 0 ? ExitCodes.Ok : ExitCodes.Refused);
        }));
        return command;
    }

    private static Command RunCommand()
    {
        var file = StudyFileArgument();
        var session = new Option<string>("--session") { Description = "The plan session to run (e.g. baseline, stimulation-1)", Required = true };
        var database = new Option<FileInfo?>("--db") { Description = "The logger's SQLite file (needed when an animal is yoked to a recorded partner session)" };
        var noPrompt = new Option<bool>("--no-prompt") { Description = "Start each slot at once instead of waiting for Enter once its animals are in place" };
        var broker = new BrokerOptions();
        var command = new Command("run", "Run a planned session on the study's rigs, slot by slot: each rig configured for its animal, armed, its session started, yoked rigs fed their partner's trains")
        {
            file, session, database, noPrompt,
        };
        broker.AddTo(command);
        command.SetAction((parse, cancellationToken) => Guard.RunAsync(parse, async () =>
        {
            if (Load(parse, parse.GetValue(file)!) is not { } study)
            {
                return ExitCodes.Refused;
            }

            var folder = new StudyFolder(parse.GetValue(file)!.FullName);
            KeyFile key;
            try
            {
                key = folder.ReadKey(folder.ReadPlan());
            }
            catch (InvalidDataException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.Refused;
            }

            var plan = StudyPlan.Create(study, key.Seed);
            string name = parse.GetValue(session)!;
            var slots = plan.Runs.Where(r => r.Session == name).GroupBy(r => r.Slot).OrderBy(g => g.Key).ToList();
            if (slots.Count == 0)
            {
                throw new CommandLineException($"--session '{name}': the plan's sessions are {string.Join(", ", plan.Runs.Select(r => r.Session).Distinct())}");
            }

            using var log = parse.GetValue(database) is { } db ? Logging.EventStore.OpenReadOnly(InputFile.Require(db, "a closedloop log (SQLite)").FullName) : null;
            var output = parse.InvocationConfiguration.Output;
            var runner = new StudySlotRunner(plan, folder.ReadCalibration(), broker.Endpoint(parse), log, output);
            foreach (var slot in slots)
            {
                output.WriteLine($"{name} slot {slot.Key} of {slots.Count}: " + string.Join(", ", slot.Select(r => $"{r.AnimalId} on {r.Rig} ({runner.Label(r)})")));
                if (!parse.GetValue(noPrompt))
                {
                    output.WriteLine("  press Enter when the animals are in place");
                    await Console.In.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                }

                await runner.RunAsync([.. slot], null, cancellationToken).ConfigureAwait(false);
                output.WriteLine($"  slot {slot.Key} done: sessions stopped, rigs disarmed");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command SimulateCommand()
    {
        var file = StudyFileArgument();
        var session = new Option<string>("--session") { Description = "The plan session to run (e.g. baseline, stimulation-1)", Required = true };
        var speed = new Option<double>("--speed") { Description = "Rig seconds per wall second", DefaultValueFactory = _ => 20 };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder of the log (closedloop.sqlite, added to run by run)", DefaultValueFactory = _ => new DirectoryInfo("closedloop-study") };
        var command = new Command("simulate", "Run a planned session on virtual rigs through the embedded broker and the logger: configs, arming, sessions and live yoking as with real rigs")
        {
            file, session, speed, output,
        };
        command.SetAction((parse, cancellationToken) => Guard.RunAsync(parse, async () =>
        {
            if (Load(parse, parse.GetValue(file)!) is not { } study)
            {
                return ExitCodes.Refused;
            }

            double pace = parse.GetValue(speed);
            if (pace is <= 0 or > 1000)
            {
                throw new CommandLineException($"--speed {pace.ToString(CultureInfo.InvariantCulture)}: expected rig seconds per wall second above 0, at most 1000");
            }

            var folder = new StudyFolder(parse.GetValue(file)!.FullName);
            KeyFile key;
            try
            {
                key = folder.ReadKey(folder.ReadPlan());
            }
            catch (InvalidDataException e)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.Refused;
            }

            var run = new VirtualStudyRun(study, key, folder.ReadCalibration(), parse.GetValue(output)!.FullName, pace, parse.InvocationConfiguration.Output);
            await run.RunAsync(parse.GetValue(session)!, cancellationToken).ConfigureAwait(false);
            parse.InvocationConfiguration.Output.WriteLine($"log: {run.DatabasePath}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command CalibrateCommand()
    {
        var file = StudyFileArgument();
        var database = new Option<FileInfo>("--db") { Description = "The logger's SQLite file", DefaultValueFactory = _ => new FileInfo("closedloop.sqlite") };
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

    private static int Calibrate(ParseResult parse, FileInfo file, FileInfo database, string? sessionName, double percentile, string? referenceGroup, bool accept, string by)
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

        InputFile.Require(database, "a closedloop log (SQLite)");
        using var store = Logging.EventStore.OpenReadOnly(database.FullName);
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

    private static Argument<FileInfo> StudyFileArgument() => new("file") { Description = "The study file (TOML; docs/studies.md)" };

    private static Study? Load(ParseResult parse, FileInfo file)
    {
        InputFile.Require(file, "a study file (TOML)");
        try
        {
            return StudyFileReader.Read(file.FullName);
        }
        catch (StudyFileException e)
        {
            parse.InvocationConfiguration.Error.WriteLine(e.Message);
            return null;
        }
    }

    private static int Check(ParseResult parse, FileInfo file)
    {
        if (Load(parse, file) is not { } study)
        {
            return ExitCodes.Refused;
        }

        int strata = study.Animals.Select(a => ConditionAssignment.StratumOf(study, a)).Distinct().Count();
        int runs = study.Sessions.Sum(s => s.Repeat) * study.Animals.Count;
        var output = parse.InvocationConfiguration.Output;
        output.WriteLine($"{file.FullName}: valid: study {study.Name}, {study.Animals.Count} animals in {strata} strata ({string.Join(" x ", study.Balance)}), " +
            $"{study.Conditions.Count} conditions, {study.Rigs.Count} rigs, {study.Sessions.Sum(s => s.Repeat)} sessions ({runs} runs), {(study.Blinded ? "blinded" : "not blinded")}");
        foreach (var condition in study.Conditions)
        {
            string settings = condition.Settings.Count == 0 ? "the study's config" : string.Join(", ", condition.Settings.Select(s => $"{s.Field} = {s.Value}"));
            string follows = condition.Kind == ConditionKind.Yoked ? $", follows {condition.Follows} ({condition.Yoke.ToString().ToLowerInvariant()})" : string.Empty;
            output.WriteLine($"  condition {condition.Name}: output.mode = {StudyFileReader.OutputMode(condition.Kind)}{follows}; {settings}");
        }

        return ExitCodes.Ok;
    }

    private static int Plan(ParseResult parse, FileInfo file, string plannedBy)
    {
        if (Load(parse, file) is not { } study)
        {
            return ExitCodes.Refused;
        }

        var folder = new StudyFolder(file.FullName);
        if (folder.IsPlanned)
        {
            parse.InvocationConfiguration.Error.WriteLine($"error: {folder.PlanPath} exists: a study is planned once (a new plan is a new randomisation); move {folder.Path} away to plan again");
            return ExitCodes.Refused;
        }

        StudyPlan plan;
        try
        {
            plan = StudyPlan.Create(study, study.Seed ?? StudyPlan.NewSeed());
        }
        catch (StudyFileException e)
        {
            parse.InvocationConfiguration.Error.WriteLine(e.Message);
            return ExitCodes.Refused;
        }

        var written = folder.Write(plan, plannedBy, DateTimeOffset.UtcNow);
        var output = parse.InvocationConfiguration.Output;
        output.WriteLine($"planned study {study.Name} into {folder.Path}");
        output.WriteLine(study.Blinded
            ? $"  blinded: conditions are shown as codes; the seed and key are sealed in {folder.KeyPath} (SHA-256 {written.KeySha256} in plan.json)"
            : $"  not blinded; seed {plan.Seed}");
        WritePlan(output, written);
        return ExitCodes.Ok;
    }

    private static int Status(ParseResult parse, FileInfo file)
    {
        if (Load(parse, file) is not { } study)
        {
            return ExitCodes.Refused;
        }

        var folder = new StudyFolder(file.FullName);
        var output = parse.InvocationConfiguration.Output;
        if (!folder.IsPlanned)
        {
            output.WriteLine($"study {study.Name}: not planned yet (closedloop study plan {file.Name})");
            WriteCalibration(output, folder);
            return ExitCodes.Ok;
        }

        var plan = folder.ReadPlan();
        output.WriteLine($"study {plan.Study}: planned {plan.PlannedUtc:yyyy-MM-dd HH:mm} UTC by {plan.PlannedBy}, {(plan.Blinded ? "blinded" : "not blinded")}");
        if (plan.InputsSha256 != StudyPlan.InputsHash(study))
        {
            output.WriteLine("  warning: the study file's animals, conditions or balance changed since the plan; the plan still stands as sealed");
        }

        try
        {
            folder.ReadKey(plan);
            output.WriteLine("  key: sealed and intact");
        }
        catch (InvalidDataException e)
        {
            output.WriteLine($"  key: {e.Message}");
        }

        WriteCalibration(output, folder);
        var unblindings = folder.Unblindings();
        output.WriteLine(unblindings.Count == 0 ? "  never unblinded" : $"  unblinded {unblindings.Count} time(s):");
        foreach (var record in unblindings)
        {
            output.WriteLine($"    {record.Utc:yyyy-MM-dd HH:mm:ss} UTC by {record.By} ({record.Account}@{record.Machine}): {record.Reason}");
        }

        WritePlan(output, plan);
        return ExitCodes.Ok;
    }

    private static int Unblind(ParseResult parse, FileInfo file, string by, string reason, DateTimeOffset now)
    {
        if (Load(parse, file) is not { } study)
        {
            return ExitCodes.Refused;
        }

        var error = parse.InvocationConfiguration.Error;
        var folder = new StudyFolder(file.FullName);
        KeyFile key;
        try
        {
            key = folder.ReadKey(folder.ReadPlan());
        }
        catch (InvalidDataException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.Refused;
        }

        if (key.InputsSha256 != StudyPlan.InputsHash(study))
        {
            error.WriteLine("error: the study file's animals, conditions or balance are not those the key was made for; restore the study file as it was planned");
            return ExitCodes.Refused;
        }

        var again = StudyPlan.Create(study, key.Seed);
        bool reproduced = key.Assignments.All(k => again.AssignmentOf(k.Animal) is var a && a.Condition == k.Condition && a.Partner == k.Partner && again.Codes[k.Condition] == k.Code)
            && key.Assignments.Count == again.Assignments.Count;
        if (!reproduced)
        {
            error.WriteLine($"error: the sealed key is not the assignment seed {key.Seed} gives for this study; it was not made by this program from this study file");
            return ExitCodes.Refused;
        }

        folder.RecordUnblinding(new UnblindingRecord(now, by, Environment.UserName, Environment.MachineName, reason));
        var output = parse.InvocationConfiguration.Output;
        output.WriteLine($"study {study.Name} unblinded by {by} ({now:yyyy-MM-dd HH:mm:ss} UTC, recorded in {folder.UnblindingLogPath})");
        output.WriteLine($"  the key is the one sealed with the plan and is reproduced from its seed {key.Seed}");
        foreach (var (code, condition) in key.Codes.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {code} = {condition}");
        }

        foreach (var assignment in key.Assignments)
        {
            output.WriteLine($"  {assignment.Animal}: {assignment.Code} {assignment.Condition}{(assignment.Partner is null ? string.Empty : $" (follows {assignment.Partner})")}");
        }

        return ExitCodes.Ok;
    }

    private static void WriteCalibration(TextWriter output, StudyFolder folder) =>
        output.WriteLine(folder.ReadCalibration() is { } calibration
            ? $"  calibrated from '{calibration.Session}' ({calibration.Basis}), accepted {calibration.AcceptedUtc:yyyy-MM-dd HH:mm} UTC by {calibration.AcceptedBy}: " +
              string.Join(", ", calibration.Animals.Select(a => $"{a.Id} {a.Threshold.ToString("0.00", CultureInfo.InvariantCulture)}"))
            : "  not calibrated (closedloop study calibrate)");

    private static void WritePlan(TextWriter output, PlanFile plan)
    {
        output.WriteLine("  animals:");
        foreach (var animal in plan.Animals)
        {
            string partner = animal.Partner is null ? string.Empty : $" (follows {animal.Partner})";
            output.WriteLine($"    {animal.Id,-10} {animal.Group} / {animal.Treatment} / {animal.Sex}: {animal.Condition}{partner}");
        }

        output.WriteLine("  runs (session, slot, rig, animal, condition):");
        foreach (var run in plan.Runs)
        {
            output.WriteLine($"    {run.Session,-14} {run.Slot,3}  {run.Rig,-10} {run.Animal,-10} {run.Condition}");
        }
    }
}
