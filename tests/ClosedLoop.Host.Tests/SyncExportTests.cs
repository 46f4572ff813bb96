using ClosedLoop.Host.Export;

namespace ClosedLoop.Host.Tests;

/// <summary>The board's 1 Hz sync pulses, known from its sync_started event, exported for aligning video.</summary>
public sealed class SyncExportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-sync-export").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static StoredEvent Event(long sequence, long timeUs, string kind, string fields) =>
        new("rig-01", 3, sequence, timeUs, kind, $"{{\"v\":1,\"rig\":\"rig-01\",\"boot\":3,\"seq\":{sequence},\"t_us\":{timeUs},\"kind\":\"{kind}\"{fields}}}");

    [Fact]
    public async Task Every_sync_pulse_from_its_journaled_start_to_the_end_of_the_log_is_exported()
    {
        using var store = new EventStore(Path.Combine(_folder, "log.sqlite"));
        store.Store(
        [
            Event(1, 1_000_000, "boot", ",\"config\":\"0b64152aa8759d6a\""),
            Event(2, 1_204_000, "sync_started", ",\"period_us\":1000000,\"width_us\":10000"),
            Event(3, 5_300_000, "armed", ",\"source\":\"command\""),
        ], []);

        var written = await SessionExport.WriteAsync(store, "rig-01", 3, Path.Combine(_folder, "out"));

        string path = Assert.Single(written, p => p.EndsWith("rig-01_sync_pulses.csv", StringComparison.Ordinal));
        Assert.Equal(["timestamps", "1.204000", "2.204000", "3.204000", "4.204000", "5.204000"], File.ReadAllLines(path));
    }

    [Fact]
    public async Task A_log_without_a_sync_output_gets_no_sync_file()
    {
        using var store = new EventStore(Path.Combine(_folder, "log.sqlite"));
        store.Store([Event(1, 1_000_000, "boot", ",\"config\":\"0b64152aa8759d6a\"")], []);

        var written = await SessionExport.WriteAsync(store, "rig-01", 3, Path.Combine(_folder, "out"));

        Assert.DoesNotContain(written, p => p.Contains("sync_pulses", StringComparison.Ordinal));
        var (code, _, error) = await CommandLine.Invoke("export", "rig-01", "--db", store.Path, "--out", Path.Combine(_folder, "out2"));
        Assert.Equal(0, code);
        Assert.Contains("note: rig-01 boot 3 logged no sync_started event, so no sync pulse times were written", error, StringComparison.Ordinal);
    }
}
