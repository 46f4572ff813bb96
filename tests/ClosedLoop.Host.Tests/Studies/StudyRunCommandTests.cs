using System.CommandLine;
using System.Net;
using ClosedLoop.Host.Studies;

namespace ClosedLoop.Host.Tests.Studies;

/// <summary>`study run` against rigs already on a broker (four `rig simulate` rigs at 30x), as a lab runs real ones.</summary>
public sealed class StudyRunCommandTests : IDisposable
{
    private readonly StudyFixture _study = new();

    public void Dispose() => _study.Dispose();

    [Fact]
    public async Task Each_slot_configures_arms_and_runs_its_rigs_for_the_sessions_minutes_on_their_own_clocks()
    {
        // The rigs were flashed with the defaults, so the study's config is the template (every key at its default).
        File.WriteAllText(Path.Combine(_study.Folder, "nf.config"), ConfigCommand.Template(_ => true));
        string file = _study.Write(StudyFixture.Text(StudyFixture.Animals(2).Select(a => (a.Id, a.Group, "saline")), extra: "\n[[rigs]]\nid = \"rig-04\"\n")
            .Replace("minutes = 20", "minutes = 1", StringComparison.Ordinal).Replace("repeat = 2", "repeat = 1", StringComparison.Ordinal));
        Assert.Equal(0, (await CommandLine.Invoke("study", "plan", file)).Code);

        // Accepted thresholds (as `study calibrate --accept` records them) go to each animal's later sessions.
        var animals = StudyFileReader.Read(file).Animals;
        new StudyFolder(file).WriteCalibration(new CalibrationFile("baseline", "test", DateTimeOffset.UtcNow, "tester",
            [.. animals.Select((a, i) => new CalibratedAnimal(a.Id, 10, 1, 1.25 + i))], []));

        int port = EmbeddedBroker.FreePort();
        await using var broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, port);
        string database = Path.Combine(_study.Folder, "closedloop.sqlite");
        using var store = new EventStore(database);
        var logger = await EventLogger.StartNewAsync(BrokerEndpoint.Loopback(port), store, "study-run-test-logger", CancellationToken.None);
        using var stopRigs = new CancellationTokenSource();
        var rigs = ClosedLoopCommandLine.Build().Parse(["rig", "simulate", "--rigs", "4", "--speed", "30", "--minutes", "60", "--broker", $"127.0.0.1:{port}"])
            .InvokeAsync(new InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null }, stopRigs.Token);

        var (code, output, error) = await CommandLine.Invoke("study", "run", file, "--session", "stim", "--no-prompt", "--broker", $"127.0.0.1:{port}", "--db", database);

        await stopRigs.CancelAsync();
        await rigs;
        await logger.StopAsync();
        await logger.DisposeAsync();
        Assert.True(code == 0, error + output);
        var plan = StudyPlan.Create(StudyFileReader.Read(file), new StudyFolder(file).ReadKey(new StudyFolder(file).ReadPlan()).Seed);
        var runs = plan.Runs.Where(r => r.Session == "stim").ToList();
        Assert.Contains($"stim slot 1 of {runs.Max(r => r.Slot)}", output, StringComparison.Ordinal);

        var lengths = new List<(int Slot, long LengthUs)>();
        foreach (var run in runs)
        {
            // The rig's session of this animal, with its condition's config applied and a minute of rig time.
            long boot = store.Boots(run.Rig).Single();
            var session = store.Sessions(run.Rig, boot).Single(s => s.Subject == run.AnimalId);
            Assert.Equal("stim", session.Note);
            var events = LoggedEvents.Read(store, run.Rig, boot).All;
            var started = events.First(e => e.Kind == ClosedLoop.Engine.Journal.EventKind.SessionStarted && e.TimeUs >= session.RigTimeUs);
            var stopped = events.First(e => e.Kind == ClosedLoop.Engine.Journal.EventKind.SessionStopped && e.TimeUs > started.TimeUs);
            lengths.Add((run.Slot, stopped.TimeUs - started.TimeUs));
            string mode = StudyFileReader.OutputMode(plan.Study.Condition(plan.AssignmentOf(run.AnimalId).Condition).Kind);
            // In journal order: a virtual rig may apply the config and start the session within one step of its clock,
            // so the two can share a time (the run failed once on rig-04 taking the boot's config for that reason).
            var applied = events.Last(e => e.Kind == ClosedLoop.Engine.Journal.EventKind.ConfigApplied && e.Sequence < started.Sequence);
            string? text = store.ConfigText(applied.Ref1.ToString("x16", CultureInfo.InvariantCulture));
            Assert.NotNull(text);
            Assert.Contains($"mode = {mode}", text, StringComparison.Ordinal);
            Assert.Contains($"id = {run.Rig}", text, StringComparison.Ordinal);
            Assert.Contains($"deficit_threshold = {(1.25 + animals.ToList().FindIndex(a => a.Id == run.AnimalId)).ToString(CultureInfo.InvariantCulture)}", text, StringComparison.Ordinal);
        }

        // Every session lasted its minute on its rig's own clock; the slot stopped once the last one started had
        // (at 30x a command's round trip costs a second or so of rig time, and the sessions start one after another).
        Assert.All(lengths, l => Assert.True(l.LengthUs >= 60_000_000, $"slot {l.Slot}: {l.LengthUs} µs"));
        Assert.All(lengths.GroupBy(l => l.Slot), slot => Assert.InRange(slot.Min(l => l.LengthUs), 60_000_000, 75_000_000));
    }
}
