using System.Diagnostics;

namespace ClosedLoop.Host.Tests;

/// <summary>`closedloop` as separate processes, the way a lab runs them.</summary>
public sealed class ServiceTests : EmbeddedBrokerTest
{
    private static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(typeof(ClosedLoopCommandLine).Assembly.Location);
        foreach (string arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info)!;
    }

    [Fact]
    public async Task Tables_piped_to_a_file_keep_whole_rows_instead_of_collapsing_to_80_columns()
    {
        using var process = Start("demo", "--minutes", "1", "--out", Folder);
        string output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        var rows = output.Split('\n').Where(line => line.StartsWith('│')).ToList();
        Assert.Contains(rows, row => row.Contains("isolation-reared, closed loop", StringComparison.Ordinal));
        Assert.True(rows.All(row => row.Length == rows[0].Length) && rows[0].Length > 80, string.Join("\n", rows));
    }

    [Fact]
    public async Task The_logger_process_stops_cleanly_on_sigterm_with_everything_committed()
    {
        string database = Path.Combine(Folder, "log.sqlite");
        using var process = Start("log", "--db", database, "--broker", BrokerAddress);
        string? first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("logging closedloop/#", first, StringComparison.Ordinal);

        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint);
        rig.Run(60);
        await rig.Link.FlushAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(1000);
        Process.Start("kill", $"-TERM {process.Id}")!.WaitForExit();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        string rest = await process.StandardOutput.ReadToEndAsync();

        Assert.Equal(0, process.ExitCode);
        Assert.Contains("stopped:", rest, StringComparison.Ordinal);
        using var store = new EventStore(database);
        Assert.Equal(Enumerable.Range(1, (int)rig.LastSequence).Select(i => (long)i), store.Sequences("rig-t", 1));
    }

    [Fact]
    public async Task Rig_simulate_publishes_every_rig_to_the_broker()
    {
        string database = Path.Combine(Folder, "sim.sqlite");
        using var store = new EventStore(database);
        await using var logger = await EventLogger.StartNewAsync(TestBroker.Endpoint, store, "closedloop-logger", CancellationToken.None);

        var (code, output, error) = await CommandLine.Invoke("rig", "simulate", "--rigs", "2", "--minutes", "2", "--speed", "200", "--broker", BrokerAddress);

        Assert.True(code == 0, error);
        Assert.Contains("2 virtual rig(s)", output, StringComparison.Ordinal);
        // Each virtual rig start is a new boot, as on a board: find the one each rig ran.
        long Logged(string rig) => store.Boots(rig) is [long boot] ? logger.Gaps.High(rig, boot) : 0;
        await Eventually.HoldsAsync(() => Logged("rig-01") >= 10 && Logged("rig-02") >= 10, () => "both rigs' events should be logged");
    }
}
