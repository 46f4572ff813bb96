using Microsoft.Data.Sqlite;

namespace ClosedLoop.Host.Tests;

/// <summary>
/// The log on both engines through the same code: a SQLite file and a database on a real PostgreSQL server
/// (<see cref="PostgresServer"/>). Each case runs on both and must mean the same on both.
/// </summary>
[Collection(nameof(PostgresServer))]
public sealed class LogEngineTests(PostgresServer server) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-engines").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A new log of that engine, as --db would name it.</summary>
    private string NewLog(string engine) => engine == "postgresql" ? server.NewDatabase() : Path.Combine(_folder, $"{Guid.NewGuid():N}.sqlite");

    private static StoredEvent Event(long seq, string source = "input") =>
        new("rig-01", 7, seq, seq * 1000, "armed", $$"""{"v":1,"rig":"rig-01","boot":7,"seq":{{seq}},"t_us":{{seq * 1000}},"kind":"armed","source":"{{source}}"}""");

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgresql")]
    public void A_batch_is_kept_once_a_conflicting_repeat_becomes_a_fault_and_readers_see_everything(string engine)
    {
        string log = NewLog(engine);
        var batch = new LogBatch();
        batch.Events.AddRange([Event(1), Event(2)]);
        batch.Frames.Add(new StoredFrame("rig-01", 7, 0, 1000, [1, 2, 3], 1));
        batch.Frames.Add(new StoredFrame("rig-01", 7, 10, 2000, [4, 5, 6], 3));
        batch.Statuses.Add(("rig-01", """{"v":1,"rig":"rig-01","boot":7,"online":true}""", new RigStatus("rig-01", true, 7)));
        batch.Sessions.Add(new SessionRecord("rig-01", 7, 500, "2026-12-07T10:00:00Z", "m01", "tester", "stim-1"));
        batch.YokeOrigins.Add(new YokeOrigin("rig-01", 7, 9, 1000, "rig-02", 3, 2000, "2026-12-07T10:00:01Z"));
        batch.Audits.Add(new CommandAudit("rig-01", 7, 9, "arm", "alice", "127.0.0.1", "accepted", "2026-12-07T10:00:02Z", "alice"));
        batch.Configs.Add(("rig-01", "0123456789abcdef", "[rig]\nid = rig-01\n"));
        batch.Faults.Add(("closedloop/rig-01/events", "not a flat JSON object", [0x7b]));

        using (var store = LogLocation.Parse(log).OpenForWriting())
        {
            Assert.Equal(engine == "postgresql" ? LogEngine.PostgreSql : LogEngine.Sqlite, store.Engine);
            Assert.Equal(2, store.Store(batch));
            Assert.Equal(0, store.Store(batch));
            var forged = new LogBatch();
            forged.Events.Add(Event(2, source: "command"));
            Assert.Equal(0, store.Store(forged));
        }

        using var reader = EventStore.OpenReadOnly(log);
        Assert.Equal(["rig-01"], reader.Rigs());
        Assert.Equal([7L], reader.Boots("rig-01"));
        Assert.Equal([Event(1).Json, Event(2).Json], reader.EventJson("rig-01"));
        Assert.Equal([new byte[] { 1, 2, 3 }, new byte[] { 4, 5, 6 }], reader.Frames("rig-01", 7));
        Assert.Equal([(2L, 2L)], reader.MissingFrames("rig-01", 7));
        Assert.Equal(batch.Sessions, reader.Sessions("rig-01", 7));
        Assert.Equal(batch.YokeOrigins, reader.YokeOrigins("rig-01", 7));
        Assert.Equal(batch.Audits, reader.Audits("rig-01", 7));
        Assert.Equal("[rig]\nid = rig-01\n", reader.ConfigText("0123456789abcdef"));
        // A fault has no key: each time it is received is a row (the batch was stored twice).
        Assert.Equal(
            [("closedloop/rig-01/events", "not a flat JSON object"), ("closedloop/rig-01/events", "not a flat JSON object"), ("rig-01/events", "conflict: rig rig-01 boot 7 seq 2 is already stored with another payload; the first is kept")],
            reader.Faults());
        Assert.Equal((2L, 2L, 1L), reader.BootFingerprints()[("rig-01", 7)]);
    }

    [Fact]
    public async Task Migrate_copies_a_sqlite_log_into_postgresql_as_received_and_a_second_run_copies_only_what_is_new()
    {
        string file = Path.Combine(_folder, "history.sqlite");
        string database = server.NewDatabase();
        void Log(int from, int count)
        {
            using var store = LogLocation.Parse(file).OpenForWriting();
            var batch = new LogBatch();
            batch.Events.AddRange(Enumerable.Range(from, count).Select(i => Event(i)));
            batch.Frames.AddRange(Enumerable.Range(from, count / 100).Select(i => new StoredFrame("rig-01", 7, i * 10, i * 1000, [(byte)i, 2, 3], i)));
            batch.Sessions.Add(new SessionRecord("rig-01", 7, from, "2026-12-07T10:00:00Z", "m01", null, null));
            batch.Audits.Add(new CommandAudit("rig-01", 7, from, "arm", "alice", "127.0.0.1", "accepted", $"2026-12-07T10:{from / 100 % 60:00}:00Z"));
            batch.Faults.Add(("closedloop/rig-01/events", $"fault {from}", [1, 2]));
            store.Store(batch);
        }

        // More events than a page, so that the copy pages through the keys.
        Log(1, 4500);
        var first = await CommandLine.Invoke("log", "migrate", "--from", file, "--to", database);
        Log(4501, 300);
        var second = await CommandLine.Invoke("log", "migrate", "--from", file, "--to", database);

        Assert.True(first.Code == 0, first.Error);
        Assert.Contains("  events: 4500 copied, 0 already there", first.Output, StringComparison.Ordinal);
        Assert.Contains("  sample_frames: 45 copied, 0 already there", first.Output, StringComparison.Ordinal);
        Assert.Contains("  events: 300 copied, 4500 already there", second.Output, StringComparison.Ordinal);
        Assert.Contains("  faults: 1 copied, 1 already there", second.Output, StringComparison.Ordinal);
        Assert.Contains("  console_audit: 1 copied, 1 already there", second.Output, StringComparison.Ordinal);
        using var source = EventStore.OpenReadOnly(file);
        using var target = EventStore.OpenReadOnly(database);
        Assert.Equal(source.Events("rig-01", 7), target.Events("rig-01", 7));
        Assert.Equal(source.Frames("rig-01", 7), target.Frames("rig-01", 7));
        Assert.Equal(source.Sessions("rig-01", 7), target.Sessions("rig-01", 7));
        Assert.Equal(source.Audits("rig-01", 7), target.Audits("rig-01", 7));
        Assert.Equal(source.Faults(), target.Faults());
        Assert.Equal(source.FirstEventReceived("rig-01", 7), target.FirstEventReceived("rig-01", 7));
    }

    [Fact]
    public async Task A_studys_report_export_and_calibration_read_its_log_moved_into_postgresql_as_they_read_the_sqlite_file()
    {
        using var fixture = new ClosedLoop.Host.Tests.Studies.StudyFixture();
        string file = fixture.Write($"""
            [study]
            name = "engines"
            config = "nf.config"
            blinded = true

            [conditions.closed-loop]
            kind = "closed_loop"
            settings.detector.deficit_threshold = 1.5

            [conditions.sham]
            kind = "sham"

            [[sessions]]
            name = "baseline"
            kind = "baseline"
            minutes = 2

            [[sessions]]
            name = "stim"
            kind = "stimulation"
            minutes = 2

            [[rigs]]
            id = "rig-01"

            [[rigs]]
            id = "rig-02"
            {ClosedLoop.Host.Tests.Studies.StudyFixture.AnimalTables([("m01", "isolation-reared", "saline"), ("m02", "isolation-reared", "saline"), ("m03", "group-reared", "saline"), ("m04", "group-reared", "saline")])}
            """);
        var study = ClosedLoop.Host.Studies.StudyFileReader.Read(file);
        var folder = new ClosedLoop.Host.Studies.StudyFolder(file);
        folder.Write(ClosedLoop.Host.Studies.StudyPlan.Create(study, 77), "tester", DateTimeOffset.UnixEpoch);
        string logFolder = Path.Combine(fixture.Folder, "log");
        string sqlite = Path.Combine(logFolder, "closedloop.sqlite");
        int port = EmbeddedBroker.FreePort();
        await using (var broker = await EmbeddedBroker.StartAsync(System.Net.IPAddress.Loopback, port))
        {
            foreach (string session in new[] { "baseline", "stim" })
            {
                await new ClosedLoop.Host.Studies.VirtualStudyRun(study, folder.ReadKey(folder.ReadPlan()), null, logFolder, 100, TextWriter.Null)
                    .RunAsync(session, CancellationToken.None, BrokerEndpoint.Loopback(port));
            }
        }

        // The lab moves its history into PostgreSQL; the study's readers then read either.
        string log = server.NewDatabase();
        var moved = await CommandLine.Invoke("log", "migrate", "--from", sqlite, "--to", log);
        Assert.True(moved.Code == 0, moved.Error);

        async Task<(string Printed, string Report, IReadOnlyList<string> Files)> ReadAsync(string db, string name)
        {
            string reportFolder = Path.Combine(fixture.Folder, $"report-{name}");
            string nwbFolder = Path.Combine(fixture.Folder, $"nwb-{name}");
            var report = await CommandLine.Invoke("study", "report", file, "--db", db, "--out", reportFolder);
            var export = await CommandLine.Invoke("study", "export", file, "--db", db, "--out", nwbFolder);
            var calibrate = await CommandLine.Invoke("study", "calibrate", file, "--db", db, "--reference-group", "group-reared");
            Assert.True(report.Code == 0 && export.Code == 0 && calibrate.Code == 0, report.Error + export.Error + calibrate.Error);
            string Plain(string text) => text.Replace(db, "LOG", StringComparison.Ordinal).Replace(reportFolder, "OUT", StringComparison.Ordinal).Replace(nwbFolder, "OUT", StringComparison.Ordinal);
            string html = File.ReadAllText(Directory.GetFiles(reportFolder, "*.html").Single());
            var files = Directory.GetFiles(nwbFolder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(nwbFolder, f)).Order(StringComparer.Ordinal).ToList();
            return (Plain(report.Output + export.Output + calibrate.Output), Plain(html), files);
        }

        var fromFile = await ReadAsync(sqlite, "file");
        var fromPostgres = await ReadAsync(log, "pg");

        Assert.Contains("m01", fromFile.Report, StringComparison.Ordinal);
        Assert.Contains("baseline session 'baseline': 4 of 4 animals logged", fromFile.Printed, StringComparison.Ordinal);
        Assert.Equal(fromFile.Printed, fromPostgres.Printed);
        Assert.Equal(fromFile.Report, fromPostgres.Report);
        Assert.NotEmpty(fromFile.Files);
        Assert.Equal(fromFile.Files, fromPostgres.Files);
    }

    [Fact]
    public async Task Two_loggers_of_a_group_split_the_stream_into_one_database_and_the_survivor_of_a_kill_fills_in_what_was_in_flight()
    {
        string log = server.NewDatabase();
        await using var broker = new MosquittoTestBroker();
        await broker.StartAsync();
        using var storeA = LogLocation.Parse(log).OpenForWriting();
        using var storeB = LogLocation.Parse(log).OpenForWriting();
        await using var a = new EventLogger(broker.Endpoint, storeA, "logger-a", group: "loggers");
        await using var b = new EventLogger(broker.Endpoint, storeB, "logger-b", group: "loggers");
        await a.StartAsync(CancellationToken.None);
        await b.StartAsync(CancellationToken.None);
        await using var rig = await LinkedRig.StartAsync(broker.Endpoint, publishSamples: true);
        using var reader = EventStore.OpenReadOnly(log);
        bool Complete() => reader.Sequences(rig.RigId, rig.BootId).Count == rig.LastSequence;
        string Said() => $"rig journaled {rig.LastSequence}; the database holds {reader.Sequences(rig.RigId, rig.BootId).Count}; A stored {a.Stored}, B {b.Stored}";

        rig.Run(60);
        await rig.Link.FlushAsync(TimeSpan.FromSeconds(20));
        await Eventually.HoldsAsync(Complete, Said, TimeSpan.FromSeconds(60), rig.Link.Pump);
        long aBefore = a.Stored;
        long bBefore = b.Stored;

        // B dies mid-stream, as to SIGKILL: whatever was in flight to it is never acknowledged.
        rig.Run(5);
        b.Kill();
        rig.Run(55);
        await rig.Link.FlushAsync(TimeSpan.FromSeconds(20));
        await Eventually.HoldsAsync(Complete, Said, TimeSpan.FromSeconds(60), rig.Link.Pump);

        Assert.True(aBefore > 0 && bBefore > 0, $"the group did not split the stream: A stored {aBefore}, B {bBefore}");
        Assert.True(a.Stored > aBefore, Said());

        // Each event is a new row for exactly one of them: none stored twice, none lost.
        Assert.Equal(rig.LastSequence, a.Stored + b.Stored);
        Assert.Equal(Enumerable.Range(1, (int)rig.LastSequence).Select(i => (long)i), reader.Sequences(rig.RigId, rig.BootId));
        Assert.Equal(0, reader.CountFaults());
    }

    [Fact]
    public async Task A_group_loses_and_doubles_nothing_through_kills_of_either_logger_at_random_moments_and_a_broker_restart()
    {
        string log = server.NewDatabase();
        await using var broker = new MosquittoTestBroker();
        await broker.StartAsync();
        var random = new Random(20261208);
        var stores = new List<EventStore>();
        var loggers = new Dictionary<string, EventLogger>();
        long storedByKilled = 0;
        async Task StartAsync(string id)
        {
            var store = LogLocation.Parse(log).OpenForWriting();
            stores.Add(store);
            loggers[id] = new EventLogger(broker.Endpoint, store, id, group: "loggers");
            await loggers[id].StartAsync(CancellationToken.None);
        }

        await StartAsync("logger-a");
        await StartAsync("logger-b");
        await using var rig = await LinkedRig.StartAsync(broker.Endpoint, publishSamples: true);
        using var reader = EventStore.OpenReadOnly(log);
        bool Complete() => reader.Sequences(rig.RigId, rig.BootId).Count == rig.LastSequence;
        string Said() => $"rig journaled {rig.LastSequence}; the database holds {reader.Sequences(rig.RigId, rig.BootId).Count}; new rows: killed loggers {storedByKilled}, living {string.Join(", ", loggers.Select(l => $"{l.Key} {l.Value.Stored}"))}";

        // Six kills, each of either logger after a random stretch of the rig's stream, the killed one started again
        // a random stretch later; after the third, the broker itself goes away for 20 s of the rig's time.
        var kills = new List<string>();
        for (int round = 1; round <= 6; round++)
        {
            rig.Run(random.Next(3, 15));
            // The kill lands while the rig's messages are on their way (a random moment of a few hundred ms).
            await Task.Delay(random.Next(0, 400));
            string victim = random.Next(2) == 0 ? "logger-a" : "logger-b";
            loggers[victim].Kill();
            storedByKilled += loggers[victim].Stored;
            await loggers[victim].DisposeAsync();
            kills.Add(victim);
            rig.Run(random.Next(3, 15));
            if (round == 3)
            {
                await broker.StopAsync();
                rig.Run(20);
                await broker.StartAsync();
            }

            await StartAsync(victim);
        }

        rig.Run(20);
        await rig.Link.FlushAsync(TimeSpan.FromSeconds(20));
        await Eventually.HoldsAsync(Complete, Said, TimeSpan.FromSeconds(90), rig.Link.Pump);

        Assert.Contains("logger-a", kills);
        Assert.Contains("logger-b", kills);
        Assert.Equal(rig.LastSequence, storedByKilled + loggers.Values.Sum(l => l.Stored));
        Assert.Equal(Enumerable.Range(1, (int)rig.LastSequence).Select(i => (long)i), reader.Sequences(rig.RigId, rig.BootId));
        Assert.Equal(0, reader.CountFaults());
        foreach (var logger in loggers.Values)
        {
            await logger.DisposeAsync();
        }

        stores.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task A_logger_of_a_group_that_cannot_write_leaves_its_share_to_the_others_and_joins_again_when_it_can()
    {
        string log = server.NewDatabase();
        await using var broker = new MosquittoTestBroker();
        await broker.StartAsync();
        using var storeA = LogLocation.Parse(log).OpenForWriting();
        // B logs in to PostgreSQL as a login of its own, so that its writes alone can be refused: its disk is full.
        string asB = server.AsUser(log, "logger_b");
        server.Execute(log, "GRANT USAGE, CREATE ON SCHEMA public TO logger_b; GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO logger_b; GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO logger_b");
        using var storeB = LogLocation.Parse(asB).OpenForWriting();
        var said = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var a = new EventLogger(broker.Endpoint, storeA, "logger-a", group: "loggers");
        await using var b = new EventLogger(broker.Endpoint, storeB, "logger-b", group: "loggers");
        b.Problem = said.Enqueue;
        await a.StartAsync(CancellationToken.None);
        await b.StartAsync(CancellationToken.None);
        await using var rig = await LinkedRig.StartAsync(broker.Endpoint, publishSamples: true);
        using var reader = EventStore.OpenReadOnly(log);
        bool Complete() => reader.Sequences(rig.RigId, rig.BootId).Count == rig.LastSequence;
        string Said() => $"rig journaled {rig.LastSequence}; the database holds {reader.Sequences(rig.RigId, rig.BootId).Count}; A stored {a.Stored}, B {b.Stored}; B said: {string.Join(" | ", said)}";

        rig.Run(30);
        await rig.Link.FlushAsync(TimeSpan.FromSeconds(20));
        await Eventually.HoldsAsync(Complete, Said, TimeSpan.FromSeconds(60), rig.Link.Pump);
        Assert.True(b.Stored > 0, Said());

        // B can no longer write. Everything the rig journals meanwhile is stored all the same: A takes B's share.
        server.Execute(log, "REVOKE INSERT, UPDATE ON ALL TABLES IN SCHEMA public FROM logger_b");
        rig.Run(60);
        await rig.Link.FlushAsync(TimeSpan.FromSeconds(20));
        await Eventually.HoldsAsync(Complete, Said, TimeSpan.FromSeconds(60), rig.Link.Pump);
        Assert.NotNull(b.WriteError);
        Assert.False(b.IsConnected, Said());
        Assert.Contains(said, s => s.Contains("leaving group loggers meanwhile", StringComparison.Ordinal));

        // B can write again: it joins the group again and takes its share of what follows.
        server.Execute(log, "GRANT INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO logger_b");
        await Eventually.HoldsAsync(() => b.IsConnected && b.WriteError is null, Said, TimeSpan.FromSeconds(30));
        long bBack = b.Stored;
        rig.Run(60);
        await rig.Link.FlushAsync(TimeSpan.FromSeconds(20));
        await Eventually.HoldsAsync(() => Complete() && b.Stored > bBack, Said, TimeSpan.FromSeconds(60), rig.Link.Pump);

        Assert.Contains(said, s => s.Contains("joining group loggers again", StringComparison.Ordinal));
        Assert.Equal(rig.LastSequence, a.Stored + b.Stored);
        Assert.Equal(Enumerable.Range(1, (int)rig.LastSequence).Select(i => (long)i), reader.Sequences(rig.RigId, rig.BootId));
    }

    [Fact]
    public async Task A_group_of_loggers_runs_as_a_lab_types_it_under_the_logger_role_of_mosquittos_real_acl()
    {
        const string secret = "role-secret-1";
        var users = new BrokerUsers();
        users.Set("rig-01", BrokerRole.Rig, secret);
        users.Set("logger", BrokerRole.Logger, secret);
        await using var broker = new MosquittoTestBroker(users: users);
        await broker.StartAsync();
        string log = server.NewDatabase();
        using var stop = new CancellationTokenSource();
        string[] Logger(string id) => ["log", "--db", log, "--group", "loggers", "--client-id", id, "--broker", $"127.0.0.1:{broker.Endpoint.Port}", "--user", "logger", "--password", secret];
        var first = CommandLine.Invoke(stop.Token, Logger("logger-1"));
        var second = CommandLine.Invoke(stop.Token, Logger("logger-2"));
        using var reader = EventStore.OpenReadOnly(log);
        await using (var rig = await LinkedRig.StartAsync(new BrokerEndpoint("127.0.0.1", broker.Endpoint.Port, "rig-01", secret), rigId: "rig-01"))
        {
            await Task.Delay(1000);
            rig.Run(30);
            await rig.Link.FlushAsync(TimeSpan.FromSeconds(20));
            await Eventually.HoldsAsync(
                () => reader.Sequences("rig-01", rig.BootId).Count == rig.LastSequence,
                () => $"{reader.Sequences("rig-01", rig.BootId).Count} of {rig.LastSequence} stored; {(first.IsCompleted ? first.Result.Error : string.Empty)}{(second.IsCompleted ? second.Result.Error : string.Empty)}",
                TimeSpan.FromSeconds(60),
                rig.Link.Pump);
        }

        stop.Cancel();
        Assert.Equal(0, (await first).Code);
        Assert.Equal(0, (await second).Code);
    }

    [Fact]
    public async Task A_group_on_a_broker_without_shared_subscriptions_is_refused_by_name()
    {
        await using var broker = new EmbeddedTestBroker();
        await broker.StartAsync();
        using var store = LogLocation.Parse(server.NewDatabase()).OpenForWriting();
        await using var logger = new EventLogger(broker.Endpoint, store, "logger-a", group: "loggers");

        var refused = await Assert.ThrowsAsync<InputException>(() => logger.StartAsync(CancellationToken.None));

        Assert.Contains("does not take shared subscriptions (MQTTnet's embedded broker does not; Mosquitto 2 does)", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_postgresql_log_is_created_versioned_and_refused_when_newer()
    {
        string log = server.NewDatabase();
        using (var store = LogLocation.Parse(log).OpenForWriting())
        {
            Assert.Empty(store.Migrations);
        }

        using (var again = LogLocation.Parse(log).OpenForWriting())
        {
            Assert.Empty(again.Migrations);
        }

        using (var connection = new Npgsql.NpgsqlConnection(LogLocation.Parse(log).Postgres!.ConnectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT version FROM closedloop_schema; UPDATE closedloop_schema SET version = {LogSchema.Current + 1}";
            Assert.Equal(LogSchema.Current, Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture));
        }

        string expected = $"has schema version {LogSchema.Current + 1}; this closedloop knows versions up to {LogSchema.Current}";
        Assert.Contains(expected, Assert.Throws<InvalidDataException>(() => LogLocation.Parse(log).OpenForWriting()).Message, StringComparison.Ordinal);
        Assert.Contains(expected, Assert.Throws<InvalidDataException>(() => EventStore.OpenReadOnly(log)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reader_cannot_write_a_postgresql_log()
    {
        string log = server.NewDatabase();
        using (LogLocation.Parse(log).OpenForWriting())
        {
        }

        using var reader = EventStore.OpenReadOnly(log);

        Assert.Throws<Npgsql.PostgresException>(() => reader.Store([Event(1)], []));
    }

    [Theory]
    [InlineData("postgresql://closedloop:secret@127.0.0.1/log", "a password in the address would show in the process list")]
    [InlineData("postgresql://127.0.0.1/log", "the user and the database are needed")]
    [InlineData("postgresql://closedloop@127.0.0.1/log?timeout=3", "'timeout=3' is not an option this program takes")]
    public void An_address_a_lab_should_not_type_is_refused_by_what_is_wrong(string address, string expected) =>
        Assert.Contains(expected, Assert.Throws<InputException>(() => LogLocation.Parse(address)).Message, StringComparison.Ordinal);

    [Fact]
    public async Task The_logger_command_logs_into_postgresql_and_report_export_replay_and_the_console_read_it_as_they_read_sqlite()
    {
        string log = server.NewDatabase();
        string sqlite = Path.Combine(_folder, "closedloop.sqlite");
        await using var broker = await EmbeddedBroker.StartAsync(System.Net.IPAddress.Loopback, EmbeddedBroker.FreePort() is var port ? port : 0);
        var endpoint = BrokerEndpoint.Loopback(port);
        using var stop = new CancellationTokenSource();
        var toPostgres = CommandLine.Invoke(stop.Token, "log", "--db", log, "--client-id", "logger-pg", "--broker", $"127.0.0.1:{port}");
        var toSqlite = CommandLine.Invoke(stop.Token, "log", "--db", sqlite, "--client-id", "logger-sqlite", "--broker", $"127.0.0.1:{port}");
        await using (var rig = await LinkedRig.StartAsync(endpoint, publishSamples: true))
        {
            await Eventually.HoldsAsync(() => File.Exists(sqlite), () => "the SQLite logger never started");
            await Task.Delay(1000);
            rig.Run(60);
            await rig.Link.FlushAsync(TimeSpan.FromSeconds(20));
            long last = rig.LastSequence;
            bool Holds(string db)
            {
                using var store = EventStore.OpenReadOnly(db);
                return store.Boots("rig-t").Count == 1 && store.Events("rig-t", 1).Count == last;
            }

            await Eventually.HoldsAsync(() => Holds(log) && Holds(sqlite), () => "the loggers did not keep every event");
        }

        stop.Cancel();
        Assert.Equal(0, (await toPostgres).Code);
        Assert.Equal(0, (await toSqlite).Code);
        using (var pg = EventStore.OpenReadOnly(log))
        using (var file = EventStore.OpenReadOnly(sqlite))
        {
            Assert.Equal(file.Events("rig-t", 1), pg.Events("rig-t", 1));
            Assert.Equal(file.Frames("rig-t", 1), pg.Frames("rig-t", 1));
        }

        var fromPostgres = await CommandLine.Invoke("report", "rig-t", "--db", log, "--out", Path.Combine(_folder, "pg"));
        var fromSqlite = await CommandLine.Invoke("report", "rig-t", "--db", sqlite, "--out", Path.Combine(_folder, "file"));
        Assert.True(fromPostgres.Code == 0, fromPostgres.Error);
        Assert.Equal(File.ReadAllText(Path.Combine(_folder, "file", "rig-t_report.html")), File.ReadAllText(Path.Combine(_folder, "pg", "rig-t_report.html")));

        // Export: every text file it writes (GuPPy's CSVs, the sidecar, pyPhotometry-style CSVs) is the same from
        // either engine; the binary files (Parquet, NWB) carry their creation time, so they are compared by name.
        var exportPg = await CommandLine.Invoke("export", "rig-t", "--db", log, "--out", Path.Combine(_folder, "export-pg"));
        var exportFile = await CommandLine.Invoke("export", "rig-t", "--db", sqlite, "--out", Path.Combine(_folder, "export-file"));
        Assert.True(exportPg.Code == 0, exportPg.Error);
        Assert.True(exportFile.Code == 0, exportFile.Error);
        var written = Directory.GetFiles(Path.Combine(_folder, "export-file"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(_folder, "export-file"), f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(written, Directory.GetFiles(Path.Combine(_folder, "export-pg"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(_folder, "export-pg"), f)).Order(StringComparer.Ordinal));
        var texts = written.Where(f => f.EndsWith(".csv", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(texts);
        Assert.All(texts, f => Assert.Equal(File.ReadAllText(Path.Combine(_folder, "export-file", f)), File.ReadAllText(Path.Combine(_folder, "export-pg", f))));

        // A logged session replayed through the engine, and the console's list of logged sessions.
        var replayPg = await CommandLine.Invoke("replay", log, "--rig", "rig-t");
        var replayFile = await CommandLine.Invoke("replay", sqlite, "--rig", "rig-t");
        Assert.True(replayPg.Code == 0, replayPg.Error);
        Assert.Equal(replayFile.Output.Replace(sqlite, "LOG", StringComparison.Ordinal), replayPg.Output.Replace(log, "LOG", StringComparison.Ordinal));
        string Sessions(string db) => System.Text.Json.JsonSerializer.Serialize(new ClosedLoop.Host.WebConsole.LoggedSessions(db).List());
        Assert.Contains("rig-t", Sessions(log), StringComparison.Ordinal);
        Assert.Equal(Sessions(sqlite), Sessions(log));
    }
}
