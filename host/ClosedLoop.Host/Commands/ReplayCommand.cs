using ClosedLoop.Data;
using ClosedLoop.Data.Guppy;
using ClosedLoop.Data.Neurophotometrics;
using ClosedLoop.Data.Ppd;
using ClosedLoop.Engine.Detection;
using ClosedLoop.Host.Logging;
using ClosedLoop.Host.Tuning;
using ClosedLoop.VirtualRig.Replay;
using ClosedLoop.VirtualRig.Validation;
using Spectre.Console;

namespace ClosedLoop.Host.Commands;

/// <summary>
/// `replay FILE`: a recording through the engine's chain and detector with a given config, to choose thresholds
/// before a live session. Prints every encounter and the totals; `--sweep` reruns it over a range of one value.
/// </summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A pyPhotometry .ppd recording, a Neurophotometrics recording (Bonsai's FP3002 .csv or a .pqt table), a GuPPy signal channel .csv (with --control), or a closedloop log (with --rig): a SQLite file or the lab's postgresql:// address" };
        var rig = new Option<string?>("--rig") { Description = "Log input: the rig whose session to replay" };
        var boot = new Option<long?>("--boot") { Description = "Log input: which boot of the rig (default: the latest)" };
        var control = new Option<FileInfo?>("--control") { Description = "GuPPy input: the control channel .csv (timestamps,data,sampling_rate)" };
        var events = new Option<FileInfo?>("--events") { Description = "GuPPy or column CSV input: a .csv of encounter onset times in seconds on the recording's clock: GuPPy's event file (timestamps), or any CSV with --events-column" };
        var eventsColumn = new Option<string?>("--events-column") { Description = "With --events: the column of that CSV holding the onset times (columns may be of unequal length, e.g. Beer,Nosepoke,MagEntry)" };
        var eventMs = new Option<int>("--event-ms") { Description = "How long each encounter from --events, --event-column or --events-from ttl-onsets lasts", DefaultValueFactory = _ => 1000 };
        var config = new Option<FileInfo?>("--config") { Description = "An nf.config to replay with (default: every key at its default)" };
        var sets = new Option<string[]>("--set") { Description = "A value to change, as section.key=value (repeatable)" };
        var input = new Option<int>("--encounter-input") { Description = "The digital input whose rising edges mark encounters (1 or 2)", DefaultValueFactory = _ => 1 };
        input.AcceptOnlyFromAmong("1", "2");
        var eventsFrom = new Option<string>("--events-from")
        {
            Description = ".ppd input: 'ttl' (the input is high during contact) or 'ttl-onsets' (each rising edge is an onset lasting --event-ms: event markers)",
            DefaultValueFactory = _ => "ttl",
        };
        eventsFrom.AcceptOnlyFromAmong("ttl", "ttl-onsets");
        var timeColumn = new Option<string?>("--time-column") { Description = "Column CSV input: the time column, in seconds (e.g. 'Time (sec)'); the rate is derived from it" };
        var signalColumn = new Option<string?>("--signal-column") { Description = "Column CSV input: the signal column (e.g. filt465)" };
        var controlColumn = new Option<string?>("--control-column") { Description = "Column CSV input: the isosbestic control column (e.g. filt405)" };
        var eventColumn = new Option<string?>("--event-column") { Description = "Column CSV input: a column whose rises from 0 mark encounter onsets (each lasting --event-ms)" };
        var csvOut = new Option<FileInfo?>("--csv") { Description = "Also write the per-encounter table (onset, Δz, decision, latency) to this CSV file" };
        var plotOut = new Option<FileInfo?>("--plot") { Description = "Also draw into this PNG: the histogram of the encounters' Δz with the threshold, or with --sweep the deficits and trains against the swept value" };
        var cutShort = new Option<bool>("--accept-cut-short") { Description = ".ppd input: read a file whose acquisition stopped mid-sample up to its last whole sample (with a warning)" };
        var sweep = new Option<string?>("--sweep") { Description = "Rerun over a range, as section.key=from:to:step, and print the deficits, trains and refusals at each value" };
        var fiber = new Option<string?>("--fiber") { Description = "Neurophotometrics input: the fibre's column (G0 ... G4, Region1G ...; needed when the file holds several)" };
        var signalLed = new Option<int>("--signal-led") { Description = "Neurophotometrics input: the LED code of the signal frames (1: 415 nm, 2: 470 nm, 4: 560 nm)", DefaultValueFactory = _ => 2 };
        var controlLed = new Option<int>("--control-led") { Description = "Neurophotometrics input: the LED code of the isosbestic control frames", DefaultValueFactory = _ => 1 };
        var digitalInputs = new Option<FileInfo?>("--digital-inputs") { Description = "Neurophotometrics input: the digital-input table beside the frames (.pqt: Timestamp, Value) whose edges mark encounters" };
        var npmInput = new Option<int?>("--npm-input") { Description = "Neurophotometrics input: the input line (0 or 1) whose bit in each frame's Flags or LedState marks encounters" };
        var command = new Command("replay", "Replay a recording through the engine and show each encounter's Δz and decision")
        {
            file, control, events, eventsColumn, eventMs, rig, boot, config, sets, input, eventsFrom, timeColumn, signalColumn, controlColumn, eventColumn, cutShort, csvOut, plotOut, sweep,
            fiber, signalLed, controlLed, digitalInputs, npmInput,
        };
        command.SetAction((parse, _) => Guard.RunAsync(parse, () =>
        {
            // Each input reads only some options: one given to an input that does not read it is refused, not ignored.
            var given = command.Options.Where(o => parse.GetResult(o) is { Implicit: false }).Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
            string typed = parse.GetResult(file)!.Tokens[0].Value;
            var request = new RecordingRequest(parse.GetValue(file)!)
            {
                LogAddress = LogLocation.IsPostgresAddress(typed) ? typed : null,
                Control = parse.GetValue(control),
                Events = parse.GetValue(events),
                EventsColumn = parse.GetValue(eventsColumn),
                EventMs = parse.GetValue(eventMs),
                EncounterInput = parse.GetValue(input) - 1,
                EdgesAreOnsets = parse.GetValue(eventsFrom) == "ttl-onsets",
                AcceptCutShort = parse.GetValue(cutShort),
                Rig = parse.GetValue(rig),
                Boot = parse.GetValue(boot),
                TimeColumn = parse.GetValue(timeColumn),
                SignalColumn = parse.GetValue(signalColumn),
                ControlColumn = parse.GetValue(controlColumn),
                EventColumn = parse.GetValue(eventColumn),
                Fiber = parse.GetValue(fiber),
                SignalLed = parse.GetValue(signalLed),
                ControlLed = parse.GetValue(controlLed),
                DigitalInputs = parse.GetValue(digitalInputs),
                NpmInput = parse.GetValue(npmInput),
            };
            RefuseInapplicable(given, request.Kind, request.File);
            var source = new Source(request, parse.GetValue(csvOut), parse.GetValue(plotOut));
            return Task.FromResult(Run(
            parse,
            source,
            parse.GetValue(config),
            parse.GetValue(sets) ?? [],
            parse.GetValue(sweep)));
        }));
        return command;
    }

    /// <summary>The options each kind of input reads, beyond those every replay reads (--config, --set, --csv, --sweep, --plot).</summary>
    private static readonly Dictionary<string, string[]> InputOptions = new(StringComparer.Ordinal)
    {
        ["a closedloop log"] = ["--rig", "--boot"],
        ["a column CSV"] = ["--time-column", "--signal-column", "--control-column", "--event-column", "--events", "--events-column", "--event-ms"],
        ["a GuPPy channel file"] = ["--control", "--events", "--events-column", "--event-ms"],
        ["a .ppd recording"] = ["--encounter-input", "--events-from", "--event-ms", "--accept-cut-short"],
        ["a Neurophotometrics recording"] = ["--fiber", "--signal-led", "--control-led", "--digital-inputs", "--npm-input", "--events-from", "--events", "--events-column", "--event-ms"],
    };

    /// <summary>Refuses, by name, an option the input does not read, and --csv or --plot where the run makes no such output.</summary>
    private static void RefuseInapplicable(HashSet<string> given, string kind, FileInfo file)
    {
        var own = InputOptions[kind];
        var foreign = InputOptions.Where(k => k.Key != kind).SelectMany(k => k.Value).Where(o => given.Contains(o) && !own.Contains(o)).Distinct().Order(StringComparer.Ordinal).ToList();
        if (foreign.Count > 0)
        {
            throw new CommandLineException($"{string.Join(", ", foreign)}: not read for {kind} ({file.Name}); {kind} reads {string.Join(", ", own)}");
        }

        if (given.Contains("--events-column") && !given.Contains("--events"))
        {
            throw new CommandLineException("--events-column names a column of the --events file: give that file with --events");
        }

        if (EncounterSources.Count(given.Contains) > 1)
        {
            throw new CommandLineException("--digital-inputs, --npm-input and --events each give the encounters: choose one");
        }

        if (given.Contains("--events") && given.Contains("--event-column"))
        {
            throw new CommandLineException("--event-column and --events both give the encounters: choose one");
        }

        if (given.Contains("--sweep") && given.Contains("--csv"))
        {
            throw new CommandLineException("--csv writes one replay's per-encounter table, which a --sweep does not print: drop one (--plot draws a sweep)");
        }


    }

    private static readonly string[] EncounterSources = ["--digital-inputs", "--npm-input", "--events"];

    /// <summary>What the operator pointed replay at, and where its tables and figures go.</summary>
    /// <param name="Request">The recording and how to read it.</param>
    /// <param name="TableCsv">Where to write the per-encounter table as CSV (none: the terminal only).</param>
    /// <param name="Plot">Where to draw the Δz histogram, or with --sweep the sweep (none: text only).</param>
    private sealed record Source(RecordingRequest Request, FileInfo? TableCsv, FileInfo? Plot);

    private static int Run(ParseResult parse, Source source, FileInfo? configFile, string[] sets, string? sweep)
    {
        var console = Terminal.For(parse);
        var error = parse.InvocationConfiguration.Error;
        LoadedRecording loaded;
        try
        {
            loaded = RecordingLoader.Load(source.Request);
        }
        catch (RecordingFormatException e)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }

        var recording = loaded.Recording;
        if (loaded.Warning is not null)
        {
            error.WriteLine(loaded.Warning);
        }

        string? baseConfig = configFile is null ? loaded.SessionConfig : null;
        if (loaded.SessionConfigNote is not null)
        {
            error.WriteLine(configFile is null ? loaded.SessionConfigNote : $"config: {configFile.FullName} (--config), not the one the session ran with");
        }

        var input = ReplayAnalysis.ConfigFor(recording, configFile, baseConfig, sets);
        if (!input.Result.IsValid)
        {
            input.WriteErrors(error, "config");
            return 1;
        }

        // A usage error is one line: what was read and assumed is said only once the run will go ahead.
        var sweepPlan = sweep is null ? ((string Key, IReadOnlyList<double> Values)?)null : ParseSweep(sweep);
        foreach (string note in loaded.Notes)
        {
            error.WriteLine(note);
        }

        double nyquist = recording.SamplingRate / 2;
        if (input.Result.Config.Acquisition.LowPassHz >= nyquist)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"warning: acquisition.lowpass_hz {input.Result.Config.Acquisition.LowPassHz} Hz is at or above half the rate ({nyquist:0.###} Hz): the low-pass does nothing at this rate; set it below {nyquist:0.###} Hz"));
        }

        if (sweepPlan is { } plan)
        {
            return Sweep(console, error, recording, configFile, baseConfig, sets, plan.Key, plan.Values, source.Plot);
        }

        RecordingReplay replay = null!;
        console.Progress().Start(context =>
        {
            var task = context.AddTask($"replaying {recording.Name}", maxValue: 1);
            replay = RecordingReplay.Run(recording, input.Result.Config, new Progress(value => task.Value = value));
        });

        var decisions = replay.Events.Where(e => e.Kind == EventKind.Decision).ToList();
        var scored = DecisionScores.From(replay.Events);
        var table = new Table().Title($"[bold]{Markup.Escape(recording.Name)}[/]: {recording.SampleCount / recording.SamplingRate / 60:F1} min, config {input.Result.Config.Hash}")
            .AddColumns("#", "onset (s)", "Δz", "decision", "latency (ms)", "rule", "Δz whole window", "whole window");
        var rows = ReplayAnalysis.Encounters(replay);
        int n = replay.Events.Count(e => e.Kind == EventKind.EncounterOn);
        var csv = new System.Text.StringBuilder("encounter,onset_s,dz,decision,latency_ms,early,window_dz,window_decision\n");
        foreach (var r in rows)
        {
            string[] row =
            [
                r.Encounter.ToString(CultureInfo.InvariantCulture),
                r.OnsetS.ToString("F2", CultureInfo.InvariantCulture),
                Number(r.DeltaZ),
                r.Decision,
                r.LatencyMs.ToString("F0", CultureInfo.InvariantCulture),
                r.Early ? "early" : "window",
                r.WholeWindowDeltaZ is double whole ? Number(whole) : "-",
                r.WholeWindowDecision ?? "-",
            ];
            table.AddRow(row);
            csv.Append(string.Join(',', row.Select(cell => cell == "-" ? string.Empty : cell))).Append('\n');
        }

        console.Write(table);
        if (source.Plot is not null)
        {
            var finite = scored.Values.Select(d => d.FullDeltaZ).Where(double.IsFinite).ToList();
            if (finite.Count == 0)
            {
                error.WriteLine("--plot: no encounter was decided, so there is no Δz to draw");
            }
            else
            {
                DeltaZHistogram(finite, input.Result.Config.Detector.DeficitThreshold, $"{recording.Name}: Δz of {finite.Count} encounters", source.Plot);
                error.WriteLine($"Δz histogram written to {source.Plot.FullName}");
            }
        }

        if (source.TableCsv is not null)
        {
            File.WriteAllText(source.TableCsv.FullName, csv.ToString());
            error.WriteLine($"per-encounter table written to {source.TableCsv.FullName}");
        }

        int Count(DecisionOutcome outcome) => decisions.Count(d => (DecisionOutcome)d.Code == outcome);
        console.MarkupLineInterpolated($"{n} encounters: {Count(DecisionOutcome.Response)} responses, {Count(DecisionOutcome.Deficit)} deficits, {Count(DecisionOutcome.Drop)} drops, {Count(DecisionOutcome.Insufficient)} insufficient, {Count(DecisionOutcome.Overlap)} overlapping.");
        var summary = DecisionScores.Summarize(scored.Values);
        console.WriteLine($"{input.Result.Config.Detector.Rule.ToString().ToLowerInvariant()} rule: {summary}.");
        if (EarlyAgreementWarning(summary) is string below)
        {
            console.WriteLine(below);
        }

        var deltas = scored.Values.Select(d => d.FullDeltaZ).Where(double.IsFinite).ToList();
        if (DeltaZDistribution(deltas, input.Result.Config.Detector.DeficitThreshold) is string distribution)
        {
            console.WriteLine(distribution);
        }

        console.WriteLine(ReplayOutcomes.Outputs(replay));
        foreach (string line in ByPartner(ReplayAnalysis.Partners(replay, recording)))
        {
            console.WriteLine(line);
        }

        if (ReplayOutcomes.ExplainEdges(recording, n, input.Result.Config) is string explanation)
        {
            console.WriteLine(explanation);
        }

        return 0;
    }

    /// <summary>The replayed Δz by the partners the log's marks named, and the discrimination; nothing when none was named.</summary>
    internal static IEnumerable<string> ByPartner(IReadOnlyList<PartnerEncounter> partners)
    {
        foreach (var g in partners.GroupBy(p => p.Novelty).OrderBy(g => g.Key))
        {
            var dz = g.Select(p => p.DeltaZ).Where(double.IsFinite).ToList();
            yield return string.Create(CultureInfo.InvariantCulture,
                $"{PartnerEncounters.Word(g.Key)} partners ({string.Join(", ", g.Select(p => p.Partner ?? "not named").Distinct())}): {g.Count()} encounters, {dz.Count} decided, mean Δz {(dz.Count > 0 ? dz.Average() : double.NaN):F2}, contact {g.Select(p => p.ContactS).Where(double.IsFinite).Sum():F1} s");
        }

        if (Discrimination.Of(partners) is { } d)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"recognition: novel − familiar Δz {d.DeltaZDifference:F2}, contact index {d.ContactIndex:F2} ((novel − familiar) / (novel + familiar) contact)");
        }
    }

    /// <summary>A --sweep's key and the values it tries, or a usage error saying what is wrong with it.</summary>
    private static (string Key, IReadOnlyList<double> Values) ParseSweep(string sweep)
    {
        int equals = sweep.IndexOf('=');
        string[] range = equals < 0 ? [] : sweep[(equals + 1)..].Split(':');
        if (equals <= 0 || range.Length != 3
            || !double.TryParse(range[0], CultureInfo.InvariantCulture, out double from)
            || !double.TryParse(range[1], CultureInfo.InvariantCulture, out double to)
            || !double.TryParse(range[2], CultureInfo.InvariantCulture, out double step) || step <= 0 || to < from)
        {
            throw new CommandLineException($"--sweep '{sweep}': expected section.key=from:to:step with from <= to and step > 0, e.g. detector.deficit_threshold=0:2:0.25");
        }

        var values = ReplayAnalysis.Steps(from, to, step)
            ?? throw new CommandLineException($"--sweep '{sweep}': {Math.Floor(((to - from) / step) + 1e-9) + 1:N0} steps; expected at most {ReplayAnalysis.MaxSweepValues} (each replays the whole recording): use a larger step");
        return (sweep[..equals], values);
    }

    private static int Sweep(IAnsiConsole console, TextWriter error, Recording recording, FileInfo? configFile, string? baseConfig, string[] sets, string key, IReadOnlyList<double> values, FileInfo? plotFile)
    {
        int steps = values.Count;
        var table = new Table().Title($"[bold]sweep of {Markup.Escape(key)}[/]").AddColumns(Markup.Escape(key), "encounters", "deficits", "drops", "trains", "refused", "deficit decided after (median ms)", "agreement with the whole window");
        int failed = 0;
        var points = new List<(double Value, int Deficits, int Trains)>();
        console.Progress().Start(context =>
        {
            var task = context.AddTask($"sweeping {key} over {steps} values", maxValue: steps);
            for (int i = 0; i < steps && failed == 0; i++, task.Increment(1))
            {
                failed = SweepStep(error, table, recording, configFile, baseConfig, sets, key, values[i], points);
            }
        });
        if (failed != 0)
        {
            return failed;
        }

        console.Write(table);
        if (plotFile is not null)
        {
            var plot = new ScottPlot.Plot();
            var deficits = plot.Add.Scatter(points.Select(p => p.Value).ToArray(), points.Select(p => (double)p.Deficits).ToArray());
            deficits.LegendText = "deficits";
            var trains = plot.Add.Scatter(points.Select(p => p.Value).ToArray(), points.Select(p => (double)p.Trains).ToArray());
            trains.LegendText = "trains (after every limit)";
            plot.Title($"{recording.Name}: sweep of {key}");
            plot.XLabel(key);
            plot.YLabel("count");
            plot.ShowLegend();
            plot.SavePng(plotFile.FullName, 800, 500);
            error.WriteLine($"sweep plot written to {plotFile.FullName}");
        }

        return 0;
    }

    /// <summary>The median whole-window Δz of the encounters the whole window called responses; null without any.</summary>
    public static (double DeltaZ, int Count)? TypicalResponse(IEnumerable<ScoredDecision> decisions)
    {
        var responses = decisions.Where(d => d.Full == DecisionOutcome.Response && double.IsFinite(d.FullDeltaZ)).Select(d => d.FullDeltaZ).ToList();
        return responses.Count == 0 ? null : (DecisionScores.Percentile(responses, 0.5), responses.Count);
    }

    /// <summary>The early rule's goal: it should call an encounter as the whole window would, nine times in ten.</summary>
    public const double EarlyAgreementGoal = 0.9;

    /// <summary>A warning when the early rule decided encounters early and agrees with the whole window less often than the goal; null otherwise.</summary>
    public static string? EarlyAgreementWarning(DecisionSummary summary) =>
        summary.Early == 0 || !(summary.FullWindowAgreement < EarlyAgreementGoal) ? null
        : string.Create(CultureInfo.InvariantCulture,
            $"warning: the early rule agrees with the whole window on {summary.FullWindowAgreement:P1} of these encounters, below the {EarlyAgreementGoal:P0} goal: ")
            + "on a fast sensor (dLight, GRAB) short transients early in the window are called responses that the 3 s mean averages away; "
            + "raise detector.early_min_ms past the transients, or decide on the whole window (detector.rule = window); docs/experimenter-guide.md says more.";

    /// <summary>
    /// What choosing a threshold needs to see: the whole-window Δz of every decided encounter (quantiles, and their
    /// spread between encounters as IQR / 1.349, in z), where the deficit threshold falls among them, and the
    /// typical Δz of the recording with no split by the threshold (the median of all, which for a baseline session or
    /// a group-reared animal, whose encounters mostly are responses, is what detector.response_dz wants).
    /// </summary>
    public static string? DeltaZDistribution(IReadOnlyList<double> deltas, double threshold)
    {
        if (deltas.Count == 0)
        {
            return null;
        }

        string F(double v) => v.ToString("F2", CultureInfo.InvariantCulture);
        double P(double q) => DecisionScores.Percentile(deltas, q);
        double spread = (P(0.75) - P(0.25)) / 1.349;
        double below = 100.0 * deltas.Count(d => d < threshold) / deltas.Count;
        string where = spread > 0 ? $", {F((threshold - P(0.5)) / spread)} spreads from the median" : string.Empty;
        return $"Δz of {deltas.Count} encounters (whole window): min {F(deltas.Min())}, 10 % {F(P(0.1))}, 25 % {F(P(0.25))}, median {F(P(0.5))}, 75 % {F(P(0.75))}, 90 % {F(P(0.9))}, max {F(deltas.Max())}; "
            + $"spread between encounters (IQR / 1.349) {F(spread)} z.\n"
            + $"detector.deficit_threshold {F(threshold)} falls at the {below.ToString("F0", CultureInfo.InvariantCulture)}th percentile: {below.ToString("F0", CultureInfo.InvariantCulture)} % of these encounters would be deficits{where}.\n"
            + $"typical Δz: median {F(P(0.5))} over all {deltas.Count} encounters, not split by the threshold (from a baseline session or a group-reared animal: detector.response_dz for the early rule). "
            + "To set thresholds from a reference group's baseline sessions: closedloop study calibrate STUDY --reference-group GROUP.";
    }

    private static void DeltaZHistogram(List<double> deltas, double threshold, string title, FileInfo file)
    {
        var plot = new ScottPlot.Plot();
        int bins = Math.Clamp(deltas.Count / 4, 5, 30);
        double low = deltas.Min();
        double width = Math.Max(deltas.Max() - low, 1e-6) / bins;
        var counts = new int[bins];
        foreach (double d in deltas)
        {
            counts[Math.Min((int)((d - low) / width), bins - 1)]++;
        }

        // One bar a bin, as wide as the bin, so that the bars tile the axis as a histogram's do.
        var bars = plot.Add.Bars(counts.Select((n, i) => new ScottPlot.Bar { Position = low + ((i + 0.5) * width), Value = n, Size = width * 0.96 }).ToList());
        bars.LegendText = "encounters";
        var line = plot.Add.VerticalLine(threshold);
        line.LegendText = "detector.deficit_threshold";
        line.LinePattern = ScottPlot.LinePattern.Dashed;
        plot.Title(title);
        plot.XLabel("whole-window Δz (z)");
        plot.YLabel("encounters");
        plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.SavePng(file.FullName, 800, 500);
    }

    private static string Number(double value) => double.IsNaN(value) ? "-" : value.ToString("F2", CultureInfo.InvariantCulture);


    private static int SweepStep(TextWriter error, Table table, Recording recording, FileInfo? configFile, string? baseConfig, string[] sets, string key, double at, List<(double Value, int Deficits, int Trains)> points)
    {
        string value = at.ToString("G10", CultureInfo.InvariantCulture);
        var input = ReplayAnalysis.ConfigFor(recording, configFile, baseConfig, [.. sets, $"{key}={value}"]);
        if (!input.Result.IsValid)
        {
            input.WriteErrors(error, $"{key}={value}");
            return 1;
        }

        var point = ReplayAnalysis.Point(at, RecordingReplay.Run(recording, input.Result.Config));
        points.Add((at, point.Deficits, point.Trains));
        table.AddRow(
            value,
            point.Encounters.ToString(CultureInfo.InvariantCulture),
            point.Deficits.ToString(CultureInfo.InvariantCulture),
            point.Drops.ToString(CultureInfo.InvariantCulture),
            point.Trains.ToString(CultureInfo.InvariantCulture),
            point.Refused.ToString(CultureInfo.InvariantCulture),
            double.IsNaN(point.DeficitLatencyMedianMs) ? "-" : point.DeficitLatencyMedianMs.ToString("F0", CultureInfo.InvariantCulture),
            double.IsNaN(point.WholeWindowAgreement) ? "-" : point.WholeWindowAgreement.ToString("P1", CultureInfo.InvariantCulture));
        return 0;
    }

    private sealed class Progress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
