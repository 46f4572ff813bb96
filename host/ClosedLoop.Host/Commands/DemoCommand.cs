using ClosedLoop.Host.Demo;
using Spectre.Console;

namespace ClosedLoop.Host.Commands;

/// <summary>`closedloop demo`: the whole closed loop with zero set-up, on virtual rigs in virtual time.</summary>
public static class DemoCommand
{
    public static Command Create()
    {
        var minutes = new Option<double>("--minutes")
        {
            Description = "Simulated minutes to run each rig for",
            DefaultValueFactory = _ => 60,
        };
        minutes.Validators.Add(result =>
        {
            if (!TryGetValue(result, out double value))
            {
                // Not a number: the parser has reported it already.
                return;
            }

            if (value is <= 0 or > 24 * 60)
            {
                result.AddError($"--minutes must be more than 0 and at most 1440 (one day); got {value}");
            }
        });
        var seed = new Option<ulong>("--seed")
        {
            Description = "Seed of the simulation: the same seed gives the same run",
            DefaultValueFactory = _ => 1,
        };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Folder for the SQLite log (closedloop.sqlite)",
            DefaultValueFactory = _ => new DirectoryInfo("closedloop-demo"),
        };

        var sets = new Option<string[]>("--set") { Description = "A setting for every demo rig, as section.key=value (repeatable), e.g. detector.rule=early" };
        var withConsole = new Option<bool>("--console") { Description = "Run the rigs in real time and serve the console on them until Ctrl+C (--minutes is then real time)" };
        var port = new Option<int>("--port") { Description = "With --console: the console's port on loopback", DefaultValueFactory = _ => 8080 };
        var count = new Option<int>("--rigs") { Description = "With --console: how many virtual rigs (1 to 16)", DefaultValueFactory = _ => 3 };

        var command = new Command("demo", "Start the embedded broker, an isolation-reared closed-loop rig, its sham control and a group-reared rig on virtual mice, and the logger into SQLite; then summarise")
        {
            minutes,
            seed,
            output,
            sets,
            withConsole,
            port,
            count,
        };
        command.SetAction((parse, cancellationToken) => Guard.RunAsync(parse, () => parse.GetValue(withConsole)
            ? RunWithConsoleAsync(parse.InvocationConfiguration.Output, parse, parse.GetValue(count), parse.GetValue(port), parse.GetValue(minutes), parse.GetValue(seed), parse.GetValue(output)!, parse.GetValue(sets) ?? [], cancellationToken)
            : RunAsync(Terminal.For(parse), parse.InvocationConfiguration.Error, parse.GetValue(minutes), parse.GetValue(seed), parse.GetValue(output)!, parse.GetValue(sets) ?? [], cancellationToken)));
        return command;
    }

    private static bool TryGetValue(System.CommandLine.Parsing.OptionResult result, out double value)
    {
        try
        {
            value = result.GetValueOrDefault<double>();
            return true;
        }
        catch (InvalidOperationException)
        {
            value = 0;
            return false;
        }
    }

    private static async Task<int> RunAsync(IAnsiConsole console, TextWriter error, double minutes, ulong seed, DirectoryInfo output, string[] sets, CancellationToken cancellationToken)
    {
        var rigs = DemoRigSpec.Standard(seed);
        var configured = DemoRunner.Configure(rigs[0], sets);
        if (!configured.IsValid)
        {
            foreach (var e in configured.Errors)
            {
                error.WriteLine($"error: --set {e}");
            }

            return ExitCodes.Refused;
        }

        var runner = new DemoRunner(rigs, TimeSpan.FromMinutes(minutes), output.FullName, sets);
        var started = DateTime.UtcNow;
        IReadOnlyList<RigSummary> summaries = [];
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var bars = rigs.ToDictionary(r => r.RigId, r => context.AddTask($"{r.RigId} ({r.Description})", maxValue: 1));
                var progress = new SynchronousProgress(update => bars[update.RigId].Value = update.Fraction);
                summaries = await runner.RunAsync(progress, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);

        console.Write(SummaryTable(summaries, minutes));
        console.MarkupLineInterpolated($"Simulated {minutes:F0} min on {rigs.Count} rigs in {(DateTime.UtcNow - started).TotalSeconds:F1} s; {summaries.Sum(s => s.Events)} events logged through the embedded broker.");
        console.MarkupLineInterpolated($"Log: {runner.DatabasePath}");

        return 0;
    }

    /// <summary>`demo --console`: the rigs in real time, the console on them, until Ctrl+C or the minutes are up.</summary>
    private static async Task<int> RunWithConsoleAsync(TextWriter output, ParseResult parse, int count, int port, double minutes, ulong seed, DirectoryInfo folder, string[] sets, CancellationToken cancellationToken)
    {
        if (count is < 1 or > 16)
        {
            throw new CommandLineException($"--rigs {count}: expected 1 to 16");
        }

        var rigs = LiveDemo.Rigs(count, seed);
        var configured = DemoRunner.Configure(rigs[0], sets);
        if (!configured.IsValid)
        {
            foreach (var e in configured.Errors)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: --set {e}");
            }

            return ExitCodes.Refused;
        }

        await using var demo = await LiveDemo.StartAsync(rigs, folder.FullName, System.Net.IPAddress.Loopback, port, sets, cancellationToken).ConfigureAwait(false);
        output.WriteLine($"console at {demo.Console.Address} ({count} virtual rig(s) in real time; Ctrl+C to stop)");
        output.WriteLine($"broker {demo.Endpoint.Host}:{demo.Endpoint.Port}, log {demo.DatabasePath}");
        try
        {
            await Task.Delay(TimeSpan.FromMinutes(minutes), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return ExitCodes.Ok;
    }

    private static Table SummaryTable(IReadOnlyList<RigSummary> summaries, double minutes)
    {
        var table = new Table().Title($"[bold]{minutes:F0} simulated minutes[/]")
            .AddColumns("rig", "mouse, outputs", "encounters", "deficits", "drops", "trains", "refused", "Δz stim.", "Δz other");
        foreach (var s in summaries)
        {
            string trains = s.ShamTrains > 0 ? $"{s.TrainsDriven} ({s.ShamTrains} sham)" : s.TrainsDriven.ToString(System.Globalization.CultureInfo.InvariantCulture);
            table.AddRow(s.RigId, s.Description, $"{s.Encounters}", $"{s.Deficits}", $"{s.Drops}", trains, s.RefusalText, Format(s.MeanDeltaZStimulated), Format(s.MeanDeltaZOthers));
        }

        table.Caption("drops: encounters during which z fell below the pre-onset mean (the drop rule). refused: requests for a train "
            + "that a limit turned down, by reason, from the rig minute it first did (max_trains_per_hour: the hourly cap was reached). "
            + "Δz: mean over encounters whose decision started a train (stim., driven or sham) and over the rest.");
        return table;
    }

    private static string Format(double value) => double.IsNaN(value) ? "-" : value.ToString("F2", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to a context the console does not have).</summary>
    private sealed class SynchronousProgress(Action<(string RigId, double Fraction)> report) : IProgress<(string RigId, double Fraction)>
    {
        private readonly Lock _gate = new();

        public void Report((string RigId, double Fraction) value)
        {
            lock (_gate)
            {
                report(value);
            }
        }
    }
}
