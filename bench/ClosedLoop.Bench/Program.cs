using BenchmarkDotNet.Running;
using ClosedLoop.Bench;

// `validate [encounters] [--ppd FILE] [--set section.key=value]...` prints the detector validation tables, `reliability [seconds]` runs kills, restarts, a full
// disk and forgeries against the logger and counts what was lost or forged, `ingest [seconds] [host:port]` measures the logger
// through the embedded broker (or an anonymous external one, e.g. Mosquitto), `console [rigs] [seconds]` counts the frames
// the console's live traces draw in Chromium with that many real-time virtual rigs, `screenshots [folder] [seconds]` takes
// the docs' pictures of the console, `sessions [boots]` times the console's list of logged sessions on a log of that many
// rig-hours; anything else goes to BenchmarkDotNet
// (e.g. `--filter '*'`, `--filter '*Engine*' --job short`).
if (args.Length > 0 && args[0] == "ingest")
{
    // ingest [seconds] [host:port|embedded] [postgresql://USER@HOST/DB] [loggers in a group]
    await IngestBenchmark.RunAsync(
        TimeSpan.FromSeconds(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 20),
        args.Length > 2 && args[2] != "embedded" ? args[2] : null,
        args.Length > 3 ? args[3] : null,
        args.Length > 4 ? int.Parse(args[4], System.Globalization.CultureInfo.InvariantCulture) : 1);
    return;
}

if (args.Length > 0 && args[0] == "capacity")
{
    // capacity HOST:PORT [postgresql://USER@HOST/DB] [loggers in a group]: how many real-time rigs one logger (or a group) keeps up with.
    await RigCapacityBenchmark.RunAsync(
        args.Length > 1 ? args[1] : "127.0.0.1:1883",
        args.Length > 2 ? args[2] : null,
        args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 1);
    return;
}

if (args.Length > 0 && args[0] == "reliability")
{
    await ReliabilityRun.RunAsync(TimeSpan.FromSeconds(args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 60));
    return;
}

if (args.Length > 0 && args[0] == "console")
{
    await ConsoleFrameRate.RunAsync(
        args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 8,
        TimeSpan.FromSeconds(args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 20));
    return;
}

if (args.Length > 0 && args[0] == "screenshots")
{
    await ConsoleScreenshots.RunAsync(args.Length > 1 ? args[1] : "docs/images", TimeSpan.FromSeconds(args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 100));
    return;
}

if (args.Length > 0 && args[0] == "sessions")
{
    await SessionsListBenchmark.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 3000, args.Length > 2 ? args[2] : null);
    return;
}

if (args.Length > 0 && args[0] == "validate")
{
    ValidationReport.Print(args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(EngineBenchmarks).Assembly).Run(args);
