using System.Diagnostics;
using System.Text;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Wire;
using ClosedLoop.Host.Demo;
using ClosedLoop.Host.Logging;
using ClosedLoop.Host.WebConsole;

namespace ClosedLoop.Bench;

/// <summary>
/// `sessions [boots]`: how long the console's list of logged sessions takes on a large log. The demo's three
/// rig-hours are logged once (real engine, broker and logger), then every boot is stored again under new boot
/// numbers (re-encoded by the engine's codec) until the log holds about <c>boots</c> rig-hours, a lab's year or so;
/// the list is then read cold (a console just started) and warm (the next look, nothing changed), and once more
/// after one boot gained an event. With a postgresql:// address, the same log is then copied there (`log migrate`)
/// and its list timed the same way.
/// </summary>
public static class SessionsListBenchmark
{
    public static async Task RunAsync(int boots, string? postgres = null)
    {
        string folder = Directory.CreateTempSubdirectory("closedloop-bench-sessions").FullName;
        try
        {
            var demo = new DemoRunner(DemoRigSpec.Standard(1), TimeSpan.FromMinutes(60), folder);
            await demo.RunAsync(null, CancellationToken.None);
            int copies = Math.Max(1, boots / 3);
            long events = Replicate(demo.DatabasePath, copies);
            Console.WriteLine($"log: {3 * copies} boots, {events} events, {new FileInfo(demo.DatabasePath).Length / 1e6:F0} MB");

            var sessions = new LoggedSessions(demo.DatabasePath);
            Console.WriteLine($"list, cold: {Time(() => sessions.List()):F2} s");
            Console.WriteLine($"list, warm: {Time(() => sessions.List()):F2} s");
            using (var store = new EventStore(demo.DatabasePath))
            {
                var logged = store.Events("rig-iso", 1);
                var json = logged[^1].Json;
                var e = Decode(json, out _);
                e.Sequence += 1;
                store.Store([Encode("rig-iso", 1, e)], []);
            }

            Console.WriteLine($"list, one boot changed: {Time(() => sessions.List()):F2} s");
            if (postgres is not null)
            {
                using (var from = EventStore.OpenReadOnly(demo.DatabasePath))
                using (var to = LogLocation.Parse(postgres).OpenForWriting())
                {
                    double copy = Time(() => LogMigration.Copy(from, to));
                    Console.WriteLine($"migrated into {to.Path} in {copy:F0} s");
                }

                var onServer = new LoggedSessions(postgres);
                Console.WriteLine($"PostgreSQL list, cold: {Time(() => onServer.List()):F2} s");
                Console.WriteLine($"PostgreSQL list, warm: {Time(() => onServer.List()):F2} s");
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Stores every boot's events <paramref name="copies"/> - 1 more times, each copy under boots of its own.</summary>
    private static long Replicate(string path, int copies)
    {
        using var store = new EventStore(path);
        var originals = store.Rigs().SelectMany(rig => store.Boots(rig).Select(boot => (rig, boot, store.Events(rig, boot)))).ToList();
        long total = originals.Sum(o => (long)o.Item3.Count);
        for (int copy = 1; copy < copies; copy++)
        {
            foreach (var (rig, boot, events) in originals)
            {
                long newBoot = copy * 1000 + boot;
                store.Store([.. events.Select(stored => Encode(rig, newBoot, Decode(stored.Json, out _)))], []);
                total += events.Count;
            }
        }

        return total;
    }

    private static JournalEvent Decode(string json, out EventIdentity identity)
    {
        var e = new JournalEvent();
        identity = new EventIdentity();
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        string? error = new EventJson().TryRead(bytes, 0, bytes.Length, e, identity);
        return error is null ? e : throw new InvalidDataException(error);
    }

    private static StoredEvent Encode(string rig, long boot, JournalEvent e)
    {
        var buffer = new byte[EventJson.MaxEventBytes];
        string json = Encoding.UTF8.GetString(buffer, 0, new EventJson().Write(rig, boot, e, buffer, 0));
        return new StoredEvent(rig, boot, e.Sequence, e.TimeUs, EventJson.LayoutOf(e.Kind)!.KindName, json);
    }
}
