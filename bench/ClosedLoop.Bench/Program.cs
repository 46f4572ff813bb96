using BenchmarkDotNet.Running;
using ClosedLoop.Bench;

// `validate [encounters]` prints the detector validation table; anything else goes to BenchmarkDotNet
// (e.g. `--filter '*'`, `--filter '*Engine*' --job short`).
if (args.Length > 0 && args[0] == "validate")
{
    ValidationReport.Print(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 400);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(EngineBenchmarks).Assembly).Run(args);
