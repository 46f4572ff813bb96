using System.Buffers;
using System.Net;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Host.Studies;
using Microsoft.Data.Sqlite;
using MQTTnet;

namespace ClosedLoop.Host.Tests.Studies;

/// <summary>
/// Alone: the rigs are paced at 30x real time, so a busy host makes their clocks drift apart by seconds of rig time.
/// That once made the yoke test fail (a partner's train after its yoked rig's session had ended; reproduced with six
/// busy loops on two cores); sessions now end as <see cref="SessionEnds"/> says, and the failure message lists what
/// each yoked rig did with each relayed trigger.
/// </summary>
[CollectionDefinition(nameof(StudyRunTests), DisableParallelization = true)]
public sealed class StudyRunCollection;

/// <summary>
/// A two-group, four-condition blinded study on virtual rigs, end to end: planned through the CLI, its baseline and
/// stimulation sessions run slot by slot through an embedded broker and the logger, every MQTT message tapped.
/// </summary>
[Collection(nameof(StudyRunTests))]
public sealed class StudyRunTests(StudyRunTests.Run run) : IClassFixture<StudyRunTests.Run>
{
    /// <summary>Condition names no word of the protocol contains, so that finding one anywhere is a leak.</summary>
    private static readonly string[] ConditionNames = ["cl-stim", "yoke-ctrl", "sham-ctrl", "nostim"];

    private const double Speed = 30;

    public sealed class Run : IAsyncLifetime
    {
        private readonly StudyFixture _study = new();
        private readonly List<(string Topic, string Text)> _messages = [];

        public string StudyFile { get; private set; } = string.Empty;

        public string LogFolder => Path.Combine(_study.Folder, "log");

        public string Database => Path.Combine(LogFolder, "closedloop.sqlite");

        public string ReportFolder => Path.Combine(_study.Folder, "report");

        public string NwbFolder => Path.Combine(_study.Folder, "nwb");

        public StringBuilder Printed { get; } = new();

        public IReadOnlyList<SlotResult> Slots { get; private set; } = [];

        public IReadOnlyList<(string Topic, string Text)> Messages
        {
            get
            {
                lock (_messages)
                {
                    return [.. _messages];
                }
            }
        }

        public async Task InitializeAsync()
        {
            string text = StudyFixture.Text(StudyFixture.Animals(2).Select(a => (a.Id, a.Group, "saline")), extra: "\n[[rigs]]\nid = \"rig-04\"\n");
            foreach (var (from, to) in new[] { ("closed-loop", "cl-stim"), ("conditions.yoked", "conditions.yoke-ctrl"), ("conditions.sham", "conditions.sham-ctrl"), ("no-stimulation", "nostim") })
            {
                text = text.Replace(from, to, StringComparison.Ordinal);
            }

            StudyFile = _study.Write(text.Replace("minutes = 10", "minutes = 3", StringComparison.Ordinal).Replace("minutes = 20", "minutes = 4", StringComparison.Ordinal).Replace("repeat = 2", "repeat = 1", StringComparison.Ordinal));
            var (code, output, error) = await CommandLine.Invoke("study", "plan", StudyFile);
            Assert.True(code == 0, error);
            Printed.Append(output);

            int port = EmbeddedBroker.FreePort();
            await using var broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, port);
            var endpoint = BrokerEndpoint.Loopback(port);
            using var tap = new MqttClientFactory().CreateMqttClient();
            tap.ApplicationMessageReceivedAsync += e =>
            {
                lock (_messages)
                {
                    _messages.Add((e.ApplicationMessage.Topic, Encoding.UTF8.GetString(e.ApplicationMessage.Payload.ToArray())));
                }

                return Task.CompletedTask;
            };
            await tap.ConnectAsync(endpoint.Options("test-tap").Build());
            await tap.SubscribeAsync(new MqttClientSubscribeOptionsBuilder().WithTopicFilter("#").Build());

            var folder = new StudyFolder(StudyFile);
            var study = StudyFileReader.Read(StudyFile);
            var key = folder.ReadKey(folder.ReadPlan());
            using var printed = new StringWriter(Printed);
            var slots = new List<SlotResult>();
            foreach (string session in new[] { "baseline", "stim" })
            {
                slots.AddRange(await new VirtualStudyRun(study, key, null, LogFolder, Speed, printed).RunAsync(session, CancellationToken.None, endpoint));
            }

            Slots = slots;
            Printed.Append((await CommandLine.Invoke("study", "status", StudyFile)).Output);
            var report = await CommandLine.Invoke("study", "report", StudyFile, "--db", Database, "--out", ReportFolder);
            Assert.True(report.Code == 0, report.Error);
            Printed.Append(report.Output);
            var export = await CommandLine.Invoke("study", "export", StudyFile, "--db", Database, "--out", NwbFolder);
            Assert.True(export.Code == 0, export.Error);
            Printed.Append(export.Output);
            await tap.DisconnectAsync();
        }

        public Task DisposeAsync()
        {
            SqliteConnection.ClearAllPools();
            _study.Dispose();
            return Task.CompletedTask;
        }
    }

    private static KeyFile Key(string studyFile) => new StudyFolder(studyFile).ReadKey(new StudyFolder(studyFile).ReadPlan());

    [Fact]
    public void Every_planned_run_is_logged_as_a_session_of_its_animal_on_its_rig()
    {
        using var store = EventStore.OpenReadOnly(run.Database);
        var plan = StudyPlan.Create(StudyFileReader.Read(run.StudyFile), Key(run.StudyFile).Seed);

        Assert.Equal(plan.Runs.Count, run.Slots.Sum(s => s.Runs.Count));
        foreach (var slot in run.Slots)
        {
            foreach (var planned in slot.Runs)
            {
                var session = Assert.Single(store.Sessions(planned.Rig, slot.Boots[planned.Rig]));
                Assert.Equal((planned.AnimalId, planned.Session), (session.Subject, session.Note));
                Assert.NotEmpty(LoggedSamples.Read(store, planned.Rig, slot.Boots[planned.Rig]).Samples);
            }
        }
    }

    [Fact]
    public async Task A_yoked_session_whose_trains_came_later_than_the_bound_is_left_out_of_report_and_export_and_said_so()
    {
        var study = StudyFileReader.Read(run.StudyFile);
        IReadOnlyList<AnimalSession> results;
        using (var store = EventStore.OpenReadOnly(run.Database))
        {
            results = StudyResults.Read(store, study, _ => "any");
        }

        // The delays read back from the log are the ones the run measured from the relay's own records.
        var yoked = results.Where(r => r.YokeDelaysUs.Count > 0).ToList();
        var measured = run.Slots.SelectMany(s => s.YokedTrains).Select(t => t.DelayUs).Order().ToList();
        Assert.Equal(measured, yoked.SelectMany(r => r.YokeDelaysUs).Order());
        Assert.True(measured.Count > 0 && measured[^1] > 0, "no yoked train came after its partner's: a zero bound would prove nothing");
        Assert.Empty(study.SplitByYokeTiming(results).LeftOut);

        // With a bound of 0 ms the yoked session broke it: both leave it out, and say so without naming its condition.
        string original = File.ReadAllText(run.StudyFile);
        try
        {
            File.WriteAllText(run.StudyFile, original.Replace("[study]\n", "[study]\nyoke_max_delay_ms = 0\n", StringComparison.Ordinal));
            string folder = Path.Combine(Path.GetDirectoryName(run.StudyFile)!, "strict");
            var report = await CommandLine.Invoke("study", "report", run.StudyFile, "--db", run.Database, "--out", Path.Combine(folder, "report"));
            var export = await CommandLine.Invoke("study", "export", run.StudyFile, "--db", run.Database, "--out", Path.Combine(folder, "nwb"));

            Assert.True(report.Code == 0, report.Error);
            var late = yoked.Where(r => r.LateYokedTrains(0) > 0).ToList();
            Assert.NotEmpty(late);
            Assert.Contains($"{results.Count - late.Count} logged sessions", report.Output, StringComparison.Ordinal);
            string html = File.ReadAllText(Directory.GetFiles(Path.Combine(folder, "report"), "*.html").Single());
            Assert.Contains("<h2>Sessions left out</h2>", html, StringComparison.Ordinal);
            // Its words, not its pictures' base64 (which can spell anything).
            Assert.DoesNotContain("yoke", System.Text.RegularExpressions.Regex.Replace(html, "base64,[A-Za-z0-9+/=]+", string.Empty), StringComparison.OrdinalIgnoreCase);
            foreach (var session in late)
            {
                string said = $"left out: {session.AnimalId}'s '{session.Session}' session ({session.Rig} boot {session.Boot}): its protocol was not kept (what failed is shown once the study is unblinded)";
                Assert.Contains(said, report.Output, StringComparison.Ordinal);
                Assert.Contains(said, export.Output, StringComparison.Ordinal);
                Assert.False(File.Exists(Path.Combine(folder, "nwb", session.Session, $"{session.AnimalId}.nwb")));
            }
        }
        finally
        {
            File.WriteAllText(run.StudyFile, original);
        }
    }

    [Fact]
    public async Task Once_unblinded_the_report_and_export_name_each_codes_condition_and_who_unblinded_it()
    {
        // A copy of the study (file, plan folder, rig config), so that unblinding it leaves the fixture's study blinded.
        string copy = Directory.CreateTempSubdirectory("closedloop-unblinded").FullName;
        try
        {
            string source = Path.GetDirectoryName(run.StudyFile)!;
            foreach (string file in Directory.GetFiles(source))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            }

            string plan = new StudyFolder(run.StudyFile).Path;
            Directory.CreateDirectory(Path.Combine(copy, Path.GetFileName(plan)));
            foreach (string file in Directory.GetFiles(plan))
            {
                File.Copy(file, Path.Combine(copy, Path.GetFileName(plan), Path.GetFileName(file)));
            }

            string studyFile = Path.Combine(copy, Path.GetFileName(run.StudyFile));
            var unblind = await CommandLine.Invoke("study", "unblind", studyFile, "--by", "M. Ago", "--reason", "all sessions scored");
            Assert.True(unblind.Code == 0, unblind.Error);
            var report = await CommandLine.Invoke("study", "report", studyFile, "--db", run.Database, "--out", Path.Combine(copy, "report"));
            var export = await CommandLine.Invoke("study", "export", studyFile, "--db", run.Database, "--out", Path.Combine(copy, "nwb"));

            Assert.True(report.Code == 0, report.Error);
            string html = File.ReadAllText(Directory.GetFiles(Path.Combine(copy, "report"), "*.html").Single());
            Assert.Contains("Unblinded by M. Ago on ", html, StringComparison.Ordinal);
            var key = Key(run.StudyFile);
            foreach (var (code, condition) in key.Codes)
            {
                Assert.Contains($"{code} ({condition})", html, StringComparison.Ordinal);
            }

            // Unblinded, driven and sham trains are counted apart again.
            Assert.Contains("<th>sham trains</th>", html, StringComparison.Ordinal);
            Assert.True(export.Code == 0, export.Error);
            var stimulated = key.Assignments.First(a => a.Condition == "cl-stim");
            Assert.Contains($"condition {stimulated.Code} (cl-stim)", ClosedLoop.Host.Tests.Nwb.NwbTool.Summary(Path.Combine(copy, "nwb", "stim", $"{stimulated.Animal}.nwb")).GetRawText(), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public void A_live_yoked_rigs_trains_follow_its_partners_within_the_measured_relay_latency()
    {
        using var store = EventStore.OpenReadOnly(run.Database);
        var relayed = run.Slots.SelectMany(s => s.Relayed).ToList();
        Assert.True(relayed.Count >= 2, $"{relayed.Count} trains relayed: the isolation-reared closed-loop animal should have had deficits");
        Assert.All(relayed, r => Assert.True(r.Accepted, r.Answer));

        // Each yoked train started after its partner's offset, and by the time the yoked rig had taken the trigger
        // (its clock when its answer reached the host, plus one step): the relay's own latency, in session time.
        var trains = run.Slots.SelectMany(s => s.YokedTrains).ToList();
        Assert.True(relayed.Count == trains.Count, $"{relayed.Count} relayed, {trains.Count} yoked trains; " + string.Join("; ", run.Slots.Where(s => s.Relayed.Count > 0).SelectMany(s =>
            s.Relayed.Select(r => r.YokedRig).Distinct().Select(rig =>
            {
                var events = LoggedEvents.Read(store, rig, s.Boots[rig]).All;
                long start = events.FirstOrDefault(e => e.Kind == EventKind.SessionStarted)?.TimeUs ?? 0;
                return $"{rig}: offsets sent {string.Join(",", s.Relayed.Where(r => r.YokedRig == rig).Select(r => $"{r.OffsetUs / 1000}ms({r.Latency.TotalMilliseconds:F0}ms)"))}; "
                    + string.Join(",", events.Where(e => e.Kind is EventKind.OutputStarted or EventKind.OutputRefused or EventKind.SessionStopped or EventKind.Fault or EventKind.Disarmed)
                        .Select(e => $"{e.Kind}{(e.Kind == EventKind.OutputRefused ? "/" + (ClosedLoop.Engine.Output.RefusalReason)e.Flags : e.Kind == EventKind.Fault ? $"/{ClosedLoop.Engine.Wire.EventJson.Faults[e.Code]}:{e.Ref1}" : string.Empty)}@{(e.TimeUs - start) / 1000}ms"));
            }))));
        Assert.All(trains, t => Assert.InRange(t.DelayUs, 0, t.BoundUs));
        foreach (var slot in run.Slots.Where(s => s.Relayed.Count > 0))
        {
            foreach (var yokedRig in slot.Relayed.Select(r => r.YokedRig).Distinct())
            {
                long boot = slot.Boots[yokedRig];
                var partnerOffsets = slot.Relayed.Where(r => r.YokedRig == yokedRig).Select(r => r.OffsetUs).ToList();
                var yokedStarts = LoggedEvents.Read(store, yokedRig, boot).All.Count(e => e.Kind == EventKind.OutputStarted && (e.Flags & OutputFlags.Yoked) != 0);
                Assert.Equal(partnerOffsets.Count, yokedStarts);

                // The log says which partner train each yoked train came from.
                var sources = store.YokeOrigins(yokedRig, boot);
                Assert.Equal(partnerOffsets.Order(), sources.Select(s => s.OffsetUs));
                string partnerRig = slot.Relayed.First(r => r.YokedRig == yokedRig).PartnerRig;
                Assert.All(sources, s => Assert.Equal((partnerRig, slot.Boots[partnerRig]), (s.PartnerRig, s.PartnerBoot)));
            }
        }
    }

    [Fact]
    public void Every_slot_of_a_blinded_session_prints_the_same_lines_so_none_tells_where_the_yoked_pair_ran()
    {
        // What each slot printed, with its animals, rigs, codes and numbers taken out: a line that only the slot of the
        // live-yoked pair prints (the relay's counts, the yoked trains' delays) would tell a blinded experimenter which
        // two codes are closed-loop and yoked.
        var blocks = new Dictionary<string, List<string>>();
        string? current = null;
        foreach (string line in run.Printed.ToString().Split('\n'))
        {
            var header = System.Text.RegularExpressions.Regex.Match(line, "^(baseline|stim) slot [0-9]+: ");
            if (header.Success)
            {
                current = $"{line[..header.Length]}";
                blocks[current] = [header.Groups[1].Value];
            }
            else if (current is not null && line.StartsWith("  ", StringComparison.Ordinal))
            {
                blocks[current].Add(System.Text.RegularExpressions.Regex.Replace(line, "[0-9]+|\\b[A-Z]\\b", "#"));
            }
            else
            {
                current = null;
            }
        }

        Assert.Contains(blocks.Keys, k => k.StartsWith("stim slot 2", StringComparison.Ordinal));
        // Before it runs, each session says what it will cost: two slots of 4 minutes at 30x.
        Assert.Contains("stim: 2 slot(s) of 4 min, 8 virtual rigs in all, at 30x: about 16 s of wall time", run.Printed.ToString(), StringComparison.Ordinal);
        Assert.True(run.Slots.Any(s => s.Relayed.Count > 0), "the stimulation session relayed no train: the test would prove nothing");
        foreach (var session in blocks.Values.GroupBy(b => b[0]))
        {
            Assert.True(session.Select(b => string.Join("\n", b)).Distinct().Count() == 1, "slots printed different lines:\n" + string.Join("\n---\n", session.Select(b => string.Join("\n", b))));
        }
    }

    [Fact]
    public void Nothing_the_blinded_run_printed_sent_or_wrote_names_a_condition()
    {
        Assert.NotEmpty(run.Messages);
        string printed = run.Printed.ToString();
        Assert.Contains("stim slot 1", printed, StringComparison.Ordinal);

        var texts = new List<(string Where, string Text)> { ("printed", printed) };
        texts.AddRange(run.Messages.Select(m => ($"MQTT {m.Topic}", m.Text)));
        using (var connection = new SqliteConnection($"Data Source={run.Database};Mode=ReadOnly"))
        {
            connection.Open();
            foreach (string table in new[] { "events", "sessions", "configs", "rig_status", "yoke_origins", "faults" })
            {
                using var command = connection.CreateCommand();
                command.CommandText = $"SELECT * FROM {table}";
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    texts.Add(($"log {table}", string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? string.Empty : reader.GetValue(i) is byte[] b ? Encoding.UTF8.GetString(b) : reader.GetValue(i).ToString()))));
                }
            }
        }

        var folder = new StudyFolder(run.StudyFile);
        texts.AddRange(Directory.GetFiles(run.ReportFolder).Select(f => (f, File.ReadAllText(f))));

        // HDF5 keeps strings as their UTF-8 bytes: a condition name in an NWB file would be found in its bytes.
        texts.AddRange(Directory.GetFiles(run.NwbFolder, "*.nwb", SearchOption.AllDirectories).Select(f => (f, Encoding.UTF8.GetString(File.ReadAllBytes(f)))));
        texts.AddRange(Directory.GetFiles(folder.Path).Where(f => f != folder.KeyPath).Select(f => (f, File.ReadAllText(f))));
        Assert.True(texts.Count > 100, $"{texts.Count} texts looked at");
        foreach (var (where, text) in texts)
        {
            Assert.All(ConditionNames, name => Assert.False(text.Contains(name, StringComparison.Ordinal), $"{where} names condition {name}: {text[..Math.Min(text.Length, 300)]}"));
        }

        // The key, which the run had to read, does name them.
        Assert.All(ConditionNames, name => Assert.Contains(name, File.ReadAllText(folder.KeyPath), StringComparison.Ordinal));
    }

    [Fact]
    public void The_study_report_shows_each_animal_and_group_by_code_with_the_logged_counts()
    {
        string html = File.ReadAllText(Directory.GetFiles(run.ReportFolder, "*_study_report.html").Single());
        using var store = EventStore.OpenReadOnly(run.Database);
        var plan = new StudyFolder(run.StudyFile).ReadPlan();
        var labels = plan.Animals.ToDictionary(a => a.Id, a => a.Condition);
        var results = StudyResults.Read(store, StudyFileReader.Read(run.StudyFile), animal => labels[animal.Id]);

        // Every run is in the report, its counts read from the log.
        Assert.Equal(run.Slots.Sum(s => s.Runs.Count), results.Count);
        foreach (var r in results)
        {
            var events = LoggedEvents.Read(store, r.Rig, r.Boot);
            Assert.Equal(events.Decisions.Count(d => d.Outcome == ClosedLoop.Engine.Detection.DecisionOutcome.Deficit), r.Deficits);
            Assert.Equal(events.Trains.Select(t => t.TimeUs).Distinct().Count(), r.TrainsDriven + r.TrainsSham);
            string condition = r.Session == "baseline" ? "baseline" : labels[r.AnimalId];
            Assert.Contains($"<tr><td>{r.AnimalId}</td><td>{r.Group}</td><td>saline</td><td>{condition}</td><td>{r.Session}</td><td>{r.Rig}</td><td>{r.Encounters}</td>", html, StringComparison.Ordinal);
            if (condition == "baseline")
            {
                // Every animal's baseline runs in sham: its trains are said to be sham, blinded or not.
                Assert.Equal(0, r.TrainsDriven);
                Assert.Contains($"<td>{r.Deficits}</td><td>{r.TrainsSham} sham (baseline)</td>", html, StringComparison.Ordinal);
            }
        }

        // Blinded: codes, one count of trains, and the groups compared in every condition of each session.
        Assert.Matches("^[A-D]$", labels["m01"]);
        Assert.Contains("trains (driven or sham)", html, StringComparison.Ordinal);
        Assert.DoesNotContain("sham trains", html, StringComparison.Ordinal);
        Assert.Contains("Groups compared with group-reared", html, StringComparison.Ordinal);
        Assert.Equal(5, System.Text.RegularExpressions.Regex.Matches(html, "isolation-reared vs group-reared").Count);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(html, "<img ").Count);
    }

    [Fact]
    public void Every_logged_session_of_the_study_is_an_nwb_file_that_passes_the_schema()
    {
        string[] files = Directory.GetFiles(run.NwbFolder, "*.nwb", SearchOption.AllDirectories);
        Assert.Equal(run.Slots.Sum(s => s.Runs.Count), files.Length);

        var (code, output) = Nwb.NwbTool.Validate(files);

        Assert.True(code == 0, output);
        var plan = new StudyFolder(run.StudyFile).ReadPlan();
        var m01 = Nwb.NwbTool.Summary(Path.Combine(run.NwbFolder, "stim", "m01.nwb"));
        Assert.Equal("m01", m01.GetProperty("general/subject/subject_id").GetProperty("value").GetString());
        Assert.EndsWith($"condition {plan.Animals.Single(a => a.Id == "m01").Condition}", m01.GetProperty("session_description").GetProperty("value").GetString(), StringComparison.Ordinal);
    }
}
