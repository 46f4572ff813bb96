using ClosedLoop.Host.Studies;

namespace ClosedLoop.Host.Commands;

/// <summary>`study run` and `study simulate`: a planned session on the lab's rigs, or on virtual ones.</summary>
public static partial class StudyCommand
{
    private static Command RunCommand()
    {
        var file = StudyFileArgument();
        var session = new Option<string>("--session") { Description = "The plan session to run (e.g. baseline, stimulation-1)", Required = true };
        var database = new Option<string?>("--db") { Description = "The log, a SQLite file or postgresql://USER@HOST[:PORT]/DATABASE (needed when an animal is yoked to a recorded partner session)" };
        var noPrompt = new Option<bool>("--no-prompt") { Description = "Start each slot at once instead of waiting for Enter once its animals are in place" };
        var experimenter = new Option<string?>("--experimenter") { Description = "Who runs the session, as each session's note records it (default: this account)" };
        var broker = new BrokerOptions();
        var command = new Command("run", "Run a planned session on the study's rigs, slot by slot: each rig configured for its animal, armed, its session started, yoked rigs fed their partner's trains")
        {
            file, session, database, noPrompt, experimenter,
        };
        broker.AddTo(command);
        command.SetAction((parse, cancellationToken) => Guard.RunAsync(parse, async () =>
        {
            if (Load(parse, parse.GetValue(file)!) is not { } study)
            {
                return ExitCodes.Refused;
            }

            var folder = new StudyFolder(parse.GetValue(file)!.FullName);
            if (SealedKey(parse, folder) is not { } key)
            {
                return ExitCodes.Refused;
            }

            var plan = StudyPlan.Create(study, key.Seed);
            string name = parse.GetValue(session)!;
            var slots = plan.Runs.Where(r => r.Session == name).GroupBy(r => r.Slot).OrderBy(g => g.Key).ToList();
            if (slots.Count == 0)
            {
                throw new CommandLineException($"--session '{name}': the plan's sessions are {string.Join(", ", plan.Runs.Select(r => r.Session).Distinct())}");
            }

            using var log = parse.GetValue(database) is { } db ? Logging.LogLocation.Parse(db).OpenReadOnly() : null;
            var output = parse.InvocationConfiguration.Output;
            var runner = new StudySlotRunner(plan, folder.ReadCalibration(), broker.Endpoint(parse), log, output)
            {
                Experimenter = parse.GetValue(experimenter) ?? Environment.UserName,
            };
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

            if (study.HasLiveYoke && pace > VirtualStudyRun.MaxLiveYokeSpeed)
            {
                throw new CommandLineException(string.Create(CultureInfo.InvariantCulture,
                    $"--speed {pace}: a live yoke's relay keeps its timing up to {VirtualStudyRun.MaxLiveYokeSpeed}x (measured: under 10 ms at 20x and 30x, 6.5 to 85 s late at 100x): use --speed {VirtualStudyRun.MaxLiveYokeSpeed} or less"));
            }

            var folder = new StudyFolder(parse.GetValue(file)!.FullName);
            if (SealedKey(parse, folder) is not { } key)
            {
                return ExitCodes.Refused;
            }

            var run = new VirtualStudyRun(study, key, folder.ReadCalibration(), parse.GetValue(output)!.FullName, pace, parse.InvocationConfiguration.Output);
            await run.RunAsync(parse.GetValue(session)!, cancellationToken).ConfigureAwait(false);
            parse.InvocationConfiguration.Output.WriteLine($"log: {run.DatabasePath} (give it as --db to study calibrate, report and export)");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
