using System.Globalization;
using ClosedLoop.Data.Ppd;
using ClosedLoop.Engine.Config;
using ClosedLoop.VirtualRig;
using ClosedLoop.VirtualRig.Replay;
using ClosedLoop.VirtualRig.Validation;

namespace ClosedLoop.Bench;

/// <summary>
/// The README's detector tables: sensitivity and specificity of deficit decisions against the simulation's ground
/// truth, how soon they come after contact onset, and how often they agree with the full window, for the window rule
/// and the early rule across noise levels, early-rule settings and phenotypes; and, given pyPhotometry's m17
/// recording, both rules on real data.
/// </summary>
public static class ValidationReport
{
    private const string RealRecordingConfig = "[acquisition]\nrate_hz = 130\n[encounter]\nmin_duration_ms = 100\nsource = digital\n";

    /// <summary>`validate [encounters] [--ppd m17.ppd] [--set section.key=value]...` (the settings apply to every early-rule row).</summary>
    public static void Print(string[] args)
    {
        int encounters = 400;
        string? ppd = null;
        var sets = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--ppd" && i + 1 < args.Length)
            {
                ppd = args[++i];
            }
            else if (args[i] == "--set" && i + 1 < args.Length)
            {
                sets.Add(args[++i]);
            }
            else
            {
                encounters = int.Parse(args[i], CultureInfo.InvariantCulture);
            }
        }

        Console.WriteLine($"Virtual rig, {encounters} encounters per row, half with a response (ground truth known):");
        Console.WriteLine();
        Console.WriteLine("| rule | shot noise | encounters | sensitivity | specificity | agreement with the full window | onset to deficit decision: median | p90 | decided early | online/offline agreement |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (double noise in new[] { 0.01, 0.02, 0.04, 0.12 })
        {
            foreach (string rule in new[] { "window", "early" })
            {
                var result = DetectorValidation.Run(new SimulationOptions { Seed = 5, ShotNoise = noise }, encounters, Config(rule, sets));
                Console.WriteLine($"| {rule} | {noise:P0} | {result.Measured} | {result.Sensitivity:P1} | {result.Specificity:P1} | {result.Timing.FullWindowAgreement:P1} | {Ms(result.Timing.DeficitLatencyMedianUs)} | {Ms(result.Timing.DeficitLatencyP90Us)} | {Share(result.Timing.Early, result.Measured)} | {result.Agreement:P1} |");
            }
        }

        Console.WriteLine();
        Console.WriteLine("Latency against accuracy: the early rule's settings at the default noise (2 %):");
        Console.WriteLine();
        Console.WriteLine("| setting | sensitivity | specificity | agreement with the full window | onset to deficit decision: median | p90 | decided early |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        string[] tradeOffs =
        [
            "detector.early_false_deficit=0.001", "detector.early_false_deficit=0.01", "detector.early_false_deficit=0.05", "detector.early_false_deficit=0.2",
            "detector.early_min_ms=300", "detector.early_min_ms=1000", "detector.early_min_ms=1500",
        ];
        foreach (string setting in tradeOffs)
        {
            var result = DetectorValidation.Run(new SimulationOptions { Seed = 5, ShotNoise = 0.02 }, encounters, Config("early", [.. sets, setting]));
            Console.WriteLine($"| `{setting}` | {result.Sensitivity:P1} | {result.Specificity:P1} | {result.Timing.FullWindowAgreement:P1} | {Ms(result.Timing.DeficitLatencyMedianUs)} | {Ms(result.Timing.DeficitLatencyP90Us)} | {Share(result.Timing.Early, result.Measured)} |");
        }

        Console.WriteLine();
        Console.WriteLine("The early rule per phenotype (their own share of responders), default noise:");
        Console.WriteLine();
        Console.WriteLine("| phenotype | encounters | sensitivity | specificity | agreement with the full window | onset to deficit decision: median | p90 |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var phenotype in Enum.GetValues<Phenotype>())
        {
            var result = DetectorValidation.Run(new SimulationOptions { Seed = 5, Phenotype = phenotype }, encounters, Config("early", sets), ownResponses: true);
            Console.WriteLine($"| {phenotype} | {result.Measured} | {result.Sensitivity:P1} | {result.Specificity:P1} | {result.Timing.FullWindowAgreement:P1} | {Ms(result.Timing.DeficitLatencyMedianUs)} | {Ms(result.Timing.DeficitLatencyP90Us)} |");
        }

        if (ppd is null)
        {
            return;
        }

        var recording = PpdReader.Read(ppd);
        Console.WriteLine();
        Console.WriteLine($"{Path.GetFileName(ppd)} (real; no ground truth), encounters from digital input 1:");
        Console.WriteLine();
        Console.WriteLine("| rule | decided | deficits | agreement with the full window | onset to deficit decision: median | p90 | decided early |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (string rule in new[] { "window", "early" })
        {
            var replay = RecordingReplay.Run(recording, Config(rule, sets, RealRecordingConfig));
            var summary = DecisionScores.Summarize(DecisionScores.From(replay.Events).Values);
            Console.WriteLine($"| {rule} | {summary.Measured} | {summary.Deficits} | {summary.FullWindowAgreement:P1} | {Ms(summary.DeficitLatencyMedianUs)} | {Ms(summary.DeficitLatencyP90Us)} | {Share(summary.Early, summary.Measured)} |");
        }
    }

    private static RigConfig Config(string rule, IEnumerable<string> sets, string baseText = "")
    {
        var errors = new ConfigErrorList();
        var document = ConfigParser.Parse(baseText + "[detector]\nrule = " + rule + "\n", errors);
        foreach (string set in sets)
        {
            document.TrySet(set, errors);
        }

        var loaded = ConfigLoader.FromDocument(document, errors);
        return loaded.IsValid ? loaded.Config : throw new ArgumentException(string.Join("; ", loaded.Errors.Select(e => e.ToString())));
    }

    private static string Ms(double us) => double.IsNaN(us) ? "-" : $"{us / 1000:F0} ms";

    private static string Share(int part, int whole) => whole == 0 ? "-" : $"{(double)part / whole:P0}";
}
