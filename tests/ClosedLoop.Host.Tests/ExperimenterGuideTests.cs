using System.Text.Json;

namespace ClosedLoop.Host.Tests;

/// <summary>
/// docs/experimenter-guide.md followed to the letter with a virtual rig: check and send a config, log, arm, run a
/// session with its subject and experimenter (a config change mid-session is refused), stop, export for GuPPy,
/// report. The data that come out must be whole: every event, every sample frame, time that never runs backwards,
/// and the session's own settings.
/// </summary>
public sealed class ExperimenterGuideTests : EmbeddedBrokerTest
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_guides_sequence_from_config_to_report_keeps_every_event_and_sample_in_order()
    {
        string config = Path.Combine(Folder, "nf.config");
        File.WriteAllText(config, "[rig]\nid = rig-t\n[processing]\nwarmup_s = 5\n" + ConfigCommand.Template(key => key.IsSafety));
        string database = Path.Combine(Folder, "closedloop.sqlite");
        using var store = new EventStore(database);
        await using var logger = await EventLogger.StartNewAsync(TestBroker.Endpoint, store, "closedloop-logger", CancellationToken.None);
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, armed: false, publishSamples: true);

        void Run(int seconds)
        {
            lock (rig)
            {
                rig.Run(seconds);
            }
        }

        await using (rig.PumpInBackground())
        {
            // 3. Configure: check, then send (the rig answers, applied).
            Assert.Equal(0, (await CommandLine.Invoke("config", "check", config, "--set", "detector.deficit_threshold=0.75")).Code);
            var configured = await CommandLine.Invoke("configure", "rig-t", "--file", config, "--set", "detector.deficit_threshold=0.75", "--broker", BrokerAddress);
            Assert.True(configured.Code == 0, configured.Output + configured.Error);

            // 5. Run a session.
            Assert.Equal(0, (await CommandLine.Invoke("arm", "rig-t", "--broker", BrokerAddress)).Code);
            Assert.Equal(0, (await CommandLine.Invoke("session", "rig-t", "start", "--subject", "m17", "--experimenter", "alice", "--broker", BrokerAddress)).Code);
            Run(120);

            // A change of settings mid-session is refused, with its reason, and changes nothing.
            var midSession = await CommandLine.Invoke("configure", "rig-t", "--file", config, "--set", "detector.deficit_threshold=0.5", "--broker", BrokerAddress);
            Assert.Equal(1, midSession.Code);
            Run(60);
            Assert.Equal(0, (await CommandLine.Invoke("session", "rig-t", "stop", "--broker", BrokerAddress)).Code);
            Assert.Equal(0, (await CommandLine.Invoke("disarm", "rig-t", "--broker", BrokerAddress)).Code);
            Run(2);
        }

        // 4. The logger holds everything the rig made.
        await Eventually.UntilAsync(
            () => store.Sequences("rig-t", rig.BootId).Count >= rig.LastSequence && logger.FrameGaps.High("rig-t", rig.BootId) >= rig.Link.NewestFrame,
            Patience,
            () =>
            {
                lock (rig)
                {
                    rig.Link.Pump();
                }
            });

        Assert.Equal(Enumerable.Range(1, (int)rig.LastSequence).Select(i => (long)i), store.Sequences("rig-t", rig.BootId));
        Assert.True(logger.FrameGaps.High("rig-t", rig.BootId) >= rig.Link.NewestFrame, "sample frames missing from the log");
        Assert.Empty(store.MissingFrames("rig-t", rig.BootId));

        // 6. Export: the GuPPy folder holds only files GuPPy classifies as intended, time runs forwards, the
        // sidecar carries who, when and the settings the session ran with.
        string export = Path.Combine(Folder, "rig-t-session");
        Assert.Equal(0, (await CommandLine.Invoke("export", "rig-t", "--db", database, "--out", export)).Code);
        string guppy = Path.Combine(export, "guppy");
        var signal = Path.Combine(guppy, "rig-t_signal.csv");
        Assert.All(Directory.EnumerateFiles(guppy), f => Assert.Equal(
            f.EndsWith("_signal.csv", StringComparison.Ordinal) || f.EndsWith("_control.csv", StringComparison.Ordinal) ? GuppyCsvRules.Kind.Data : GuppyCsvRules.Kind.Event,
            GuppyCsvRules.Classify(f)));
        var times = File.ReadLines(signal).Skip(1).Select(l => double.Parse(l.Split(',')[0], CultureInfo.InvariantCulture)).ToList();
        Assert.True(times.Count > 180 * 120, $"only {times.Count} samples in 182 s at 130 Hz");
        Assert.All(times.Zip(times.Skip(1)), pair => Assert.True(pair.Second > pair.First, $"time went from {pair.First} to {pair.Second}"));
        Assert.Equal(File.ReadLines(Path.Combine(guppy, "rig-t_control.csv")).Count(), File.ReadLines(signal).Count());
        using var sidecar = JsonDocument.Parse(File.ReadAllText(Path.Combine(export, "rig-t.json")));
        var root = sidecar.RootElement;
        Assert.Contains("deficit_threshold = 0.75", root.GetProperty("session_config").GetString(), StringComparison.Ordinal);
        var session = Assert.Single(root.GetProperty("sessions").EnumerateArray());
        Assert.Equal(("m17", "alice"), (session.GetProperty("subject").GetString(), session.GetProperty("experimenter").GetString()));
        Assert.Empty(root.GetProperty("missing_samples").EnumerateArray());

        // 7. Report: who, and the threshold the session ran with.
        string reportFolder = Path.Combine(Folder, "rig-t-report");
        Assert.Equal(0, (await CommandLine.Invoke("report", "rig-t", "--db", database, "--out", reportFolder)).Code);
        string html = File.ReadAllText(Directory.EnumerateFiles(reportFolder, "*.html").Single());
        Assert.Contains("<b>m17</b>", html, StringComparison.Ordinal);
        Assert.Contains("Deficit threshold marked: 0.75", html, StringComparison.Ordinal);
    }
}
