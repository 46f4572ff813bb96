using ClosedLoop.Host.Studies;

namespace ClosedLoop.Host.Commands;

/// <summary>`closedloop study`: check a study file, plan it (assignment, blinding, run order), show its state, unblind it (the other subcommands are in the partial files beside this one).</summary>
public static partial class StudyCommand
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

    /// <summary>The key the plan sealed, which only the program reads to run sessions; null (and the reason printed) when it is missing or changed.</summary>
    private static KeyFile? SealedKey(ParseResult parse, StudyFolder folder)
    {
        try
        {
            return folder.ReadKey(folder.ReadPlan());
        }
        catch (InvalidDataException e)
        {
            parse.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
            return null;
        }
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

        // How a plan spreads each condition over the rigs, from a trial seed (study plan draws its own): a design that
        // cannot balance shows here, before anything is sealed.
        StudyPlan trial;
        try
        {
            trial = StudyPlan.Create(study, study.Seed ?? 1);
        }
        catch (StudyFileException e)
        {
            parse.InvocationConfiguration.Error.WriteLine(e.Message);
            return ExitCodes.Refused;
        }

        var table = StudyPlan.RunsByConditionAndRig(trial.Runs.Select(r => (trial.AssignmentOf(r.AnimalId).Condition, r.Rig)), study.Rigs);
        output.WriteLine($"  runs by condition and rig in a trial plan ({(study.Seed is null ? "seed 1; study plan draws its own" : "the study's seed")}):");
        foreach (var (condition, counts) in table)
        {
            output.WriteLine($"    {condition}: " + string.Join(", ", counts.Select(c => $"{c.Key} {c.Value}")));
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
        if (SealedKey(parse, folder) is not { } key)
        {
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

        // Every condition on every rig as evenly as the slots allow, so that no rig's difference is a condition's.
        var rigs = plan.Runs.Select(r => r.Rig).Distinct().Order(StringComparer.Ordinal).ToList();
        output.WriteLine("  runs by condition and rig:");
        output.WriteLine($"    {"condition",-14}" + string.Concat(rigs.Select(r => $" {r,10}")));
        foreach (var (condition, counts) in StudyPlan.RunsByConditionAndRig(plan.Runs.Select(r => (r.Condition, r.Rig)), rigs))
        {
            output.WriteLine($"    {condition,-14}" + string.Concat(rigs.Select(r => $" {counts[r],10}")));
        }

        // And over the day: each condition in the first slot, the second, ... as evenly as the sessions allow.
        var positions = plan.Runs.Select(r => r.Slot).Distinct().Order().ToList();
        output.WriteLine("  runs by condition and slot (the order of the day):");
        output.WriteLine($"    {"condition",-14}" + string.Concat(positions.Select(p => $" {"slot " + p.ToString(CultureInfo.InvariantCulture),8}")));
        foreach (var condition in plan.Runs.GroupBy(r => r.Condition).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"    {condition.Key,-14}" + string.Concat(positions.Select(p => $" {condition.Count(r => r.Slot == p),8}")));
        }
    }
}
