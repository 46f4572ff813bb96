using System.Collections.Concurrent;
using System.IO.Compression;
using ClosedLoop.Engine.Detection;
using ClosedLoop.Host.Export;
using ClosedLoop.Host.Logging;
using ClosedLoop.Host.Report;

namespace ClosedLoop.Host.WebConsole;

/// <summary>One logged boot of a rig as the console lists it: its sessions' subjects and what happened in it.</summary>
/// <remarks>Blinded, <see cref="Trains"/> counts driven and sham trains alike and <see cref="ShamTrains"/> is null.</remarks>
public sealed record LoggedBoot(string Rig, long Boot, IReadOnlyList<string> Subjects, string? StartedUtc, int Encounters, int Deficits, int Trains, int? ShamTrains, int Refusals, int Faults);

/// <summary>
/// The logger's SQLite log as the console offers it: every rig's boots with their counts, and for one boot the
/// same HTML report and export bundle that `closedloop report` and `closedloop export` write. The log is opened
/// read-only for each request, so the logger writing it meanwhile is never disturbed.
/// </summary>
public sealed class LoggedSessions(string path)
{
    // Reading every event of a lab's year of logs takes seconds, and the list is looked at again and again while
    // only the boots being recorded change: a boot's counts are kept until its fingerprint (events, highest
    // sequence, sessions) says something of it was stored since.
    private readonly ConcurrentDictionary<(string Rig, long Boot), ((long, long, long) Fingerprint, BootCounts Counts)> _counts = new();

    public string Path { get; } = path;

    public IReadOnlyList<LoggedBoot> List(bool blind = false)
    {
        using var store = EventStore.OpenReadOnly(Path);
        var fingerprints = store.BootFingerprints();
        var list = new List<LoggedBoot>();
        foreach (string rig in store.Rigs())
        {
            foreach (long boot in store.Boots(rig).Reverse())
            {
                var fingerprint = fingerprints.GetValueOrDefault((rig, boot));
                if (!_counts.TryGetValue((rig, boot), out var kept) || kept.Fingerprint != fingerprint)
                {
                    kept = (fingerprint, BootCounts.Read(store, rig, boot));
                    _counts[(rig, boot)] = kept;
                }

                var counts = kept.Counts;
                list.Add(new LoggedBoot(
                    rig,
                    boot,
                    counts.Subjects,
                    counts.StartedUtc,
                    counts.Encounters,
                    counts.Deficits,
                    blind ? counts.DrivenTrains + counts.ShamTrains : counts.DrivenTrains,
                    blind ? null : counts.ShamTrains,
                    counts.Refusals,
                    counts.Faults));
            }
        }

        return list;
    }

    private sealed record BootCounts(IReadOnlyList<string> Subjects, string? StartedUtc, int Encounters, int Deficits, int DrivenTrains, int ShamTrains, int Refusals, int Faults)
    {
        public static BootCounts Read(EventStore store, string rig, long boot)
        {
            var events = LoggedEvents.Read(store, rig, boot);
            var sessions = store.Sessions(rig, boot);
            var trains = events.Trains.ToList();
            return new BootCounts(
                [.. sessions.Select(s => s.Subject)],
                sessions.Count > 0 ? sessions[0].Utc : null,
                events.EncounterOnsets.Count(),
                events.Decisions.Count(d => d.Outcome == DecisionOutcome.Deficit),
                trains.Count(t => !t.Sham),
                trains.Count(t => t.Sham),
                events.Refusals.Count(),
                events.Faults.Count());
        }
    }

    /// <summary>Whether the log holds this boot of this rig.</summary>
    public bool Holds(string rig, long boot)
    {
        using var store = EventStore.OpenReadOnly(Path);
        return store.Boots(rig).Contains(boot);
    }

    /// <summary>The boot's HTML report (figures inside), as `closedloop report` writes it.</summary>
    public string Report(string rig, long boot)
    {
        string folder = Directory.CreateTempSubdirectory("closedloop-console-report").FullName;
        try
        {
            using var store = EventStore.OpenReadOnly(Path);
            double threshold = SessionData.LoggedThreshold(store, rig, boot) ?? ClosedLoop.Engine.Config.RigConfig.Default().Detector.DeficitThreshold;
            string html = SessionReport.Write(SessionData.Load(store, rig, boot, threshold), folder).Single(p => p.EndsWith(".html", StringComparison.Ordinal));
            return File.ReadAllText(html);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The boot's export bundle (GuPPy CSVs, events, Parquet, sidecar) as one zip, as `closedloop export` writes it.</summary>
    public async Task<byte[]> ExportZipAsync(string rig, long boot)
    {
        string folder = Directory.CreateTempSubdirectory("closedloop-console-export").FullName;
        try
        {
            using (var store = EventStore.OpenReadOnly(Path))
            {
                await SessionExport.WriteAsync(store, rig, boot, System.IO.Path.Combine(folder, $"{rig}-boot{boot}")).ConfigureAwait(false);
            }

            using var zip = new MemoryStream();
            await ZipFile.CreateFromDirectoryAsync(System.IO.Path.Combine(folder, $"{rig}-boot{boot}"), zip, CompressionLevel.Optimal, includeBaseDirectory: true).ConfigureAwait(false);
            return zip.ToArray();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
