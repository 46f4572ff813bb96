using System.CommandLine;
using Microsoft.Data.Sqlite;

namespace ClosedLoop.Host.Tests;

/// <summary>The operator commands against the embedded broker and a virtual rig.</summary>
public sealed class CommandTests : EmbeddedBrokerTest
{
    /// <summary>A file stating every output setting and safety limit (at its default), as a rig requires.</summary>
    private string SafetyFile
    {
        get
        {
            string path = Path.Combine(Folder, "safety.nf.config");
            File.WriteAllText(path, ConfigCommand.Template(key => key.IsSafety));
            return path;
        }
    }

    private static Task WaitForAsync(Func<bool> condition) => Eventually.HoldsAsync(condition, () => "the command's effect never showed");

    [Fact]
    public async Task Arm_and_estop_reach_the_rig()
    {
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, armed: false);
        await using (rig.PumpInBackground())
        {
            var (code, output, _) = await CommandLine.Invoke("arm", "rig-t", "--broker", BrokerAddress);
            Assert.Equal((0, "rig-t accepted arm\n"), (code, output));
            Assert.True(rig.Rig.Engine.IsArmed);

            await CommandLine.Invoke("estop", "rig-t", "--broker", BrokerAddress);
            Assert.True(rig.Rig.Engine.IsEStopLatched);
            Assert.False(rig.Rig.Engine.IsArmed);
        }
    }

    [Fact]
    public async Task After_an_estop_arm_is_refused_with_its_reason_until_a_separate_reset()
    {
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, armed: false);
        await using (rig.PumpInBackground())
        {
            await CommandLine.Invoke("estop", "rig-t", "--broker", BrokerAddress);

            var refused = await CommandLine.Invoke("arm", "rig-t", "--broker", BrokerAddress, "--from", "alice");
            Assert.Equal((ControlCommands.Refused, "rig-t refused arm: estop_latched (the e-stop is latched: reset it first)\n"), (refused.Code, refused.Error));
            var reset = await CommandLine.Invoke("estop-reset", "rig-t", "--broker", BrokerAddress);
            Assert.Equal((0, "rig-t accepted estop_reset\n"), (reset.Code, reset.Output));
            Assert.False(rig.Rig.Engine.IsArmed);
            var armed = await CommandLine.Invoke("arm", "rig-t", "--broker", BrokerAddress);
            Assert.Equal(0, armed.Code);
            Assert.True(rig.Rig.Engine.IsArmed);
        }

        var answers = rig.Events(ClosedLoop.Engine.Journal.EventKind.Command);
        Assert.Equal("alice", ClosedLoop.Engine.Wire.SenderName.Unpack(answers[1].Ref2));
        Assert.Equal((int)ClosedLoop.Engine.Output.RefusalReason.EStopLatched, answers[1].Flags);
    }

    [Fact]
    public async Task A_retained_arm_on_the_commands_topic_never_arms_a_rig_that_connects()
    {
        // A well-formed, in-date arm left retained on the broker by a careless client.
        await using (var client = await ClosedLoop.Host.Mqtt.BrokerClient.ConnectAsync(TestBroker.Endpoint, CancellationToken.None))
        {
            var buffer = new byte[ClosedLoop.Engine.Wire.CommandJson.MaxBytes];
            int length = new ClosedLoop.Engine.Wire.CommandJson().Write(ClosedLoop.Engine.Wire.CommandKind.Arm, 0, 1, "careless", 1, 5_000_000, buffer, 0);
            await client.PublishAsync("closedloop/rig-t/commands/careless", buffer[..length], retain: true, CancellationToken.None);
        }

        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, armed: false);
        await using (rig.PumpInBackground())
        {
            await WaitForAsync(() => rig.Events(ClosedLoop.Engine.Journal.EventKind.Command).Count > 0);
        }

        Assert.False(rig.Rig.Engine.IsArmed);
        Assert.Equal((int)ClosedLoop.Engine.Output.RefusalReason.Retained, rig.Events(ClosedLoop.Engine.Journal.EventKind.Command).Single().Flags);
    }

    [Fact]
    public async Task A_command_to_a_rig_that_never_connected_is_not_sent()
    {
        var (code, _, error) = await CommandLine.Invoke("arm", "rig-nobody", "--broker", BrokerAddress);

        Assert.Equal(ControlCommands.NoAnswer, code);
        Assert.Contains("rig-nobody has no status on the broker", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_self_test_request_reaches_the_rig_and_a_virtual_rig_answers_that_it_has_no_hardware()
    {
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, armed: false);
        await using (rig.PumpInBackground())
        {
            var (code, output, error) = await CommandLine.Invoke("selftest", "rig-t", "--broker", BrokerAddress);

            // The command waits for the rig's self_test event and prints it, with the rig's own acquisition
            // measurements journaled just before it; only "passed" exits 0.
            Assert.Equal((ControlCommands.Refused, "rig-t self-test no_hardware: a virtual rig has no output to measure\n"), (code, error));
            Assert.Matches("^rig-t accepted selftest\nacquisition: (not measured yet|[0-9.]+ readings per lit phase per cycle .*plan met)", output);
            Assert.Equal((int)ClosedLoop.Engine.Output.SelfTestResult.NoHardware, SelfTestResult(rig));
            lock (rig)
            {
                rig.Rig.Engine.Arm();
            }

            var armed = await CommandLine.Invoke("selftest", "rig-t", "--broker", BrokerAddress);
            Assert.Equal((ControlCommands.Refused, "rig-t refused selftest: armed (the rig is armed: disarm it first)\n"), (armed.Code, armed.Error));
        }
    }

    private static int? SelfTestResult(LinkedRig rig)
    {
        var journal = rig.Rig.Engine.Journal;
        var e = new ClosedLoop.Engine.Journal.JournalEvent();
        for (long s = journal.OldestSequence; s < journal.NextSequence; s++)
        {
            if (journal.TryGet(s, e) == ClosedLoop.Engine.Journal.ReplayStatus.Ok && e.Kind == ClosedLoop.Engine.Journal.EventKind.SelfTest)
            {
                return e.Code;
            }
        }

        return null;
    }

    [Fact]
    public async Task Session_and_encounter_commands_reach_the_rig()
    {
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, armed: false);
        await using (rig.PumpInBackground())
        {
            await CommandLine.Invoke("session", "rig-t", "start", "--subject", "m17", "--broker", BrokerAddress);
            await WaitForAsync(() => rig.Rig.Engine.InSession);
            await CommandLine.Invoke("encounter", "rig-t", "start", "--broker", BrokerAddress);
            await WaitForAsync(() => rig.Rig.Engine.InEncounter);
        }
    }

    [Fact]
    public async Task An_encounter_start_names_its_partner_and_the_rig_journals_it_on_the_encounter()
    {
        // The rig's clock stands still between pumps: an encounter confirmed at its first contact shows without running it.
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, armed: false, settings: ["encounter.min_duration_ms=0"]);
        await using (rig.PumpInBackground())
        {
            var stop = await CommandLine.Invoke("encounter", "rig-t", "stop", "--partner", "stranger", "--broker", BrokerAddress);
            var badId = await CommandLine.Invoke("encounter", "rig-t", "start", "--partner", "Stranger 2", "--broker", BrokerAddress);
            var (code, output, error) = await CommandLine.Invoke("encounter", "rig-t", "start", "--partner", "stranger", "--novelty", "novel", "--broker", BrokerAddress);

            Assert.Equal(ExitCodes.Usage, stop.Code);
            Assert.Contains("--partner and --novelty belong to encounter start", stop.Error, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.Usage, badId.Code);
            Assert.Contains("--partner 'Stranger 2': expected a partner id of 1 to 11 characters", badId.Error, StringComparison.Ordinal);
            Assert.True(code == 0, error);
            Assert.Equal("rig-t accepted encounter_start\n", output);
            ClosedLoop.Engine.Journal.JournalEvent? on = null;
            await WaitForAsync(() => (on = Journaled(rig, ClosedLoop.Engine.Journal.EventKind.EncounterOn)) is not null);
            Assert.Equal(((int)ClosedLoop.Engine.Encounters.Novelty.Novel, "stranger"), (on!.Flags, ClosedLoop.Engine.Wire.SenderName.Unpack(on.Ref2)));
        }
    }

    private static ClosedLoop.Engine.Journal.JournalEvent? Journaled(LinkedRig rig, ClosedLoop.Engine.Journal.EventKind kind)
    {
        var journal = rig.Rig.Engine.Journal;
        for (long s = journal.OldestSequence; s < journal.NextSequence; s++)
        {
            var e = new ClosedLoop.Engine.Journal.JournalEvent();
            if (journal.TryGet(s, e) == ClosedLoop.Engine.Journal.ReplayStatus.Ok && e.Kind == kind)
            {
                return e;
            }
        }

        return null;
    }

    [Fact]
    public async Task Configure_sends_a_valid_config_and_reports_that_the_rig_applied_it()
    {
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, armed: false);
        await using (rig.PumpInBackground())
        {
            var (code, output, error) = await CommandLine.Invoke("configure", "rig-t", "--file", SafetyFile, "--set", "detector.post_ms=1500", "--set", "processing.warmup_s=5", "--broker", BrokerAddress);

            Assert.True(code == 0, error);
            Assert.Matches("^rig-t applied config [0-9a-f]{16}\n$", output);
            Assert.Equal(1_500_000, rig.Rig.Engine.Config.Detector.PostUs);
            Assert.Contains(rig.Rig.Engine.Config.Hash, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Configure_without_a_file_starts_from_the_config_the_rig_runs()
    {
        // The rig runs a non-default threshold; one --set changes another key and keeps everything else as it is.
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, armed: false, settings: ["detector.deficit_threshold=0.75"]);
        await using (rig.PumpInBackground())
        {
            var (code, output, error) = await CommandLine.Invoke("configure", "rig-t", "--set", "detector.post_ms=1500", "--broker", BrokerAddress);

            Assert.True(code == 0, error);
            Assert.Contains("starting from the config rig-t runs", output, StringComparison.Ordinal);
            Assert.Equal(1_500_000, rig.Rig.Engine.Config.Detector.PostUs);
            Assert.Equal(0.75, rig.Rig.Engine.Config.Detector.DeficitThreshold);
        }

        // A rig that never published a config: nothing to start from, and nothing sent.
        var (unknownCode, _, unknownError) = await CommandLine.Invoke("configure", "rig-never", "--set", "detector.post_ms=1500", "--broker", BrokerAddress);
        Assert.Equal(ExitCodes.Usage, unknownCode);
        Assert.Contains("rig-never has published no config on the broker", unknownError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configure_shows_the_rigs_reasons_when_it_refuses()
    {
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, armed: true);
        string before = rig.Rig.Engine.Config.Hash;
        await using (rig.PumpInBackground())
        {
            var (code, _, error) = await CommandLine.Invoke("configure", "rig-t", "--file", SafetyFile, "--set", "detector.post_ms=1500", "--broker", BrokerAddress);

            Assert.Equal(ConfigureCommand.Rejected, code);
            Assert.Contains($"rig-t rejected the config and keeps {before}:", error, StringComparison.Ordinal);
            Assert.Contains("state = 'armed': expected a disarmed rig with no session running", error, StringComparison.Ordinal);
            Assert.Equal(before, rig.Rig.Engine.Config.Hash);
        }
    }

    [Fact]
    public async Task Every_sample_frame_is_logged_across_a_config_change_and_times_never_run_backwards()
    {
        string database = Path.Combine(Folder, "frames.sqlite");
        using var store = new EventStore(database);
        await using var logger = await EventLogger.StartNewAsync(TestBroker.Endpoint, store, "closedloop-logger", CancellationToken.None);
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, armed: false, publishSamples: true);
        rig.Run(10);
        await using (rig.PumpInBackground())
        {
            var (code, _, error) = await CommandLine.Invoke("configure", "rig-t", "--file", SafetyFile, "--set", "acquisition.rate_hz=100", "--broker", BrokerAddress);
            Assert.True(code == 0, error);
        }

        rig.Run(10);
        await rig.Link.FlushAsync(TimeSpan.FromSeconds(30));
        await WaitForAsync(() => store.CountFrames() >= rig.Link.FramesSent);

        Assert.Equal(rig.Link.FramesSent, store.CountFrames());
        var times = ClosedLoop.Host.Logging.LoggedRecording.Read(store, "rig-t", 1).TimeUs;
        Assert.True(times.Zip(times.Skip(1)).All(p => p.Second > p.First), "sample times run backwards");
    }

    [Fact]
    public async Task What_ran_is_recorded_and_replay_export_and_report_use_the_sessions_own_config()
    {
        string database = Path.Combine(Folder, "ran.sqlite");
        string hash;
        using (var store = new EventStore(database))
        {
            await using var logger = await EventLogger.StartNewAsync(TestBroker.Endpoint, store, "closedloop-logger", CancellationToken.None);
            await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, armed: false, publishSamples: true);
            await using (rig.PumpInBackground())
            {
                // A board whose LED currents are set in software (a DAC's chip select on GPIO23, free with the ESP32's own ADC).
                var (code, _, error) = await CommandLine.Invoke("configure", "rig-t", "--file", SafetyFile, "--set", "detector.deficit_threshold=0.75", "--set", "processing.warmup_s=5",
                    "--set", "pins.led_dac_cs=23", "--set", "acquisition.signal_led_ma=12.5", "--broker", BrokerAddress);
                Assert.True(code == 0, error);
            }

            hash = rig.Rig.Engine.Config.Hash;
            rig.Run(30);
            await rig.Link.FlushAsync(TimeSpan.FromSeconds(30));
            await WaitForAsync(() => store.ConfigText(hash) is not null && store.CountFrames() >= rig.Link.FramesSent);
            await logger.StopAsync();
        }

        var replay = await CommandLine.Invoke("replay", database, "--rig", "rig-t");
        var export = await CommandLine.Invoke("export", "rig-t", "--db", database, "--out", Path.Combine(Folder, "export"));
        var report = await CommandLine.Invoke("report", "rig-t", "--db", database, "--out", Path.Combine(Folder, "report"));

        Assert.True(replay.Code == 0, replay.Error);
        Assert.Contains($"config: the one rig-t boot 1 ran with ({hash}), from the log", replay.Error, StringComparison.Ordinal);
        Assert.Contains(hash, replay.Output, StringComparison.Ordinal);
        string sidecar = File.ReadAllText(Path.Combine(Folder, "export", "rig-t.json"));
        Assert.Contains("deficit_threshold = 0.75", System.Text.Json.JsonDocument.Parse(sidecar).RootElement.GetProperty("session_config").GetString(), StringComparison.Ordinal);
        Assert.True(report.Code == 0, report.Error);
        Assert.DoesNotContain("no config", report.Error, StringComparison.Ordinal);
        Assert.Contains("Deficit threshold marked: 0.75. LED currents: signal 12.5 mA, control 10 mA.", File.ReadAllText(Directory.GetFiles(Path.Combine(Folder, "report"), "*.html").Single()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_session_started_with_no_logger_online_says_its_note_is_kept_nowhere()
    {
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, armed: false);
        await using (rig.PumpInBackground())
        {
            var (code, output, error) = await CommandLine.Invoke("session", "rig-t", "start", "--subject", "m17", "--experimenter", "alice", "--broker", BrokerAddress);

            Assert.True(code == 0, error);
            Assert.Contains("session of m17 by alice sent, but no logger is online to keep it", output, StringComparison.Ordinal);
            Assert.DoesNotContain("logged", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_session_names_its_mouse_and_experimenter_and_reports_and_exports_say_so()
    {
        string database = Path.Combine(Folder, "who.sqlite");
        using (var store = new EventStore(database))
        {
            await using var logger = await EventLogger.StartNewAsync(TestBroker.Endpoint, store, "closedloop-logger", CancellationToken.None);
            await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, armed: false, publishSamples: true);
            await using (rig.PumpInBackground())
            {
                var nameless = await CommandLine.Invoke("session", "rig-t", "start", "--broker", BrokerAddress);
                Assert.Equal(2, nameless.Code);
                Assert.Contains("session start needs --subject", nameless.Error, StringComparison.Ordinal);

                var (code, output, error) = await CommandLine.Invoke("session", "rig-t", "start", "--subject", "m17", "--experimenter", "alice", "--note", "first day", "--broker", BrokerAddress);
                Assert.True(code == 0, error);
                Assert.Contains("session of m17 by alice sent to the logger online (closedloop-logger)", output, StringComparison.Ordinal);
            }

            rig.Run(20);
            await rig.Link.FlushAsync(TimeSpan.FromSeconds(30));
            await WaitForAsync(() => store.Sessions("rig-t", 1).Count == 1 && store.CountFrames() >= rig.Link.FramesSent);
            var session = store.Sessions("rig-t", 1).Single();
            Assert.Equal(("m17", "alice", "first day"), (session.Subject, session.Experimenter, session.Note));
            Assert.Equal(rig.Events(ClosedLoop.Engine.Journal.EventKind.SessionStarted).Single().TimeUs, session.RigTimeUs);
            Assert.True(DateTime.UtcNow - DateTime.Parse(session.Utc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind) < TimeSpan.FromMinutes(1));
            await logger.StopAsync();
        }

        await CommandLine.Invoke("export", "rig-t", "--db", database, "--out", Path.Combine(Folder, "export"));
        await CommandLine.Invoke("report", "rig-t", "--db", database, "--out", Path.Combine(Folder, "report"));

        var sidecar = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "export", "rig-t.json"))).RootElement;
        Assert.Equal("m17", sidecar.GetProperty("sessions")[0].GetProperty("subject").GetString());
        string html = File.ReadAllText(Directory.GetFiles(Path.Combine(Folder, "report"), "*.html").Single());
        Assert.Contains("Session with <b>m17</b>, run by alice, started", html, StringComparison.Ordinal);
        // Moments in this machine's local time to the second, rig times to the hundredth of a second.
        Assert.Matches("started 20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} \\(UTC[+-][0-9]{2}:[0-9]{2}\\) \\([0-9]+\\.[0-9]{2} s into the boot\\): first day", html);
        Assert.Matches("The boot began 20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2} \\(UTC", html);
        Assert.DoesNotMatch("[0-9]\\.[0-9]{7}Z", html);
    }

    [Fact]
    public void A_logged_moment_is_read_in_local_time_and_can_be_shifted_to_the_boots_start()
    {
        var local = DateTimeOffset.Parse("2026-12-07T02:15:41.3354326Z", System.Globalization.CultureInfo.InvariantCulture).ToLocalTime();
        string offset = local.ToString("zzz", System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal($"{local:yyyy-MM-dd HH:mm:ss} (UTC{offset})", ClosedLoop.Host.Report.SessionReport.LocalTime("2026-12-07T02:15:41.3354326Z", 0));
        Assert.Equal($"{local.AddSeconds(-3):yyyy-MM-dd HH:mm:ss} (UTC{offset})", ClosedLoop.Host.Report.SessionReport.LocalTime("2026-12-07T02:15:41.3354326Z", -3_000_000));
    }

    [Fact]
    public async Task Two_rigs_with_one_id_fault_once_each_and_never_ping_pong_configs()
    {
        using var store = new ClosedLoop.Host.Logging.EventStore(Path.Combine(Folder, "log.sqlite"));
        await using var logger = new ClosedLoop.Host.Logging.EventLogger(TestBroker.Endpoint, store);
        await logger.StartAsync(CancellationToken.None);
        await using var first = await LinkedRig.StartAsync(TestBroker.Endpoint, bootId: 1, armed: false);
        await using var second = await LinkedRig.StartAsync(TestBroker.Endpoint, bootId: 2, armed: false);

        // Each publishes its status every rig second; each sees the other's, live, under its own id.
        first.Run(2);
        second.Run(2);
        first.Run(1);
        await using (first.PumpInBackground())
        await using (second.PumpInBackground())
        {
            await WaitForAsync(() => first.Rig.Engine.IsIdentityContested && second.Rig.Engine.IsIdentityContested);
            var (code, _, _) = await CommandLine.Invoke("configure", "rig-t", "--file", SafetyFile, "--set", "detector.post_ms=1500", "--broker", BrokerAddress);
            Assert.Equal(ConfigureCommand.Rejected, code);
            await Task.Delay(1000);
        }

        // The log warns once, whatever reaches it of the rigs' own faults.
        await WaitForAsync(() => store.Faults().Any(f => f.Reason.Contains("two boards claim rig id rig-t", StringComparison.Ordinal)));
        Assert.Single(store.Faults(), f => f.Reason.Contains("two boards claim", StringComparison.Ordinal));
        foreach (var rig in new[] { first, second })
        {
            Assert.Equal((int)ClosedLoop.Engine.Journal.FaultCode.DuplicateRigId, rig.Events(ClosedLoop.Engine.Journal.EventKind.Fault).Single().Code);
            Assert.Empty(rig.Events(ClosedLoop.Engine.Journal.EventKind.ConfigApplied));
            Assert.InRange(rig.Events(ClosedLoop.Engine.Journal.EventKind.ConfigRejected).Count, 1, 2);
        }
    }

    [Fact]
    public async Task Configure_never_sends_a_password_over_mqtt()
    {
        string file = Path.Combine(Folder, "with-secret.nf.config");
        File.WriteAllText(file, "[link]\npassword = hunter2\nwifi_password = lab-wifi-pw\n" + ConfigCommand.Template(key => key.IsSafety));
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, armed: false);
        await using (rig.PumpInBackground())
        {
            var (code, _, error) = await CommandLine.Invoke("configure", "rig-t", "--file", file, "--broker", BrokerAddress);

            Assert.True(code == 0, error);
        }

        await using var reader = await Mqtt.BrokerClient.ConnectAsync(TestBroker.Endpoint, CancellationToken.None);
        byte[]? sent = await reader.WaitForAsync("closedloop/rig-t/config", _ => true, TimeSpan.FromSeconds(3), null, CancellationToken.None);
        string text = System.Text.Encoding.UTF8.GetString(sent!);
        Assert.Contains("[opto]", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("lab-wifi-pw", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configure_cannot_rename_a_rig_over_mqtt()
    {
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, armed: false);
        await using (rig.PumpInBackground())
        {
            var (code, _, error) = await CommandLine.Invoke("configure", "rig-t", "--file", SafetyFile, "--set", "rig.id=rig-99", "--broker", BrokerAddress);

            Assert.Equal(ConfigureCommand.Rejected, code);
            Assert.Contains("rig.id = 'rig-99': expected 'rig-t', as flashed", error, StringComparison.Ordinal);
            Assert.Equal("rig-t", rig.Rig.Engine.Journal.RigId);
        }
    }

    [Fact]
    public async Task Configure_refuses_a_config_that_leaves_out_safety_limits_before_sending_anything()
    {
        string partial = Path.Combine(Folder, "partial.nf.config");
        File.WriteAllText(partial, "[detector]\npost_ms = 1500\n");
        var (code, _, error) = await CommandLine.Invoke("configure", "rig-t", "--file", partial, "--broker", BrokerAddress);

        Assert.Equal(ConfigureCommand.Rejected, code);
        Assert.Contains("opto.max_trains_per_hour = '': expected it stated in the file", error, StringComparison.Ordinal);
        Assert.Contains("dose.max_cumulative_dose = ''", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configure_refuses_a_bad_value_before_sending_anything()
    {
        var (code, _, error) = await CommandLine.Invoke("configure", "rig-t", "--file", SafetyFile, "--set", "opto.max_duty=3", "--broker", BrokerAddress);

        Assert.Equal(ConfigureCommand.Rejected, code);
        Assert.Contains("not sent: 1 error(s)", error, StringComparison.Ordinal);
        Assert.Contains("opto.max_duty = '3': expected a number from 0.0001 to 1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Configure_says_when_no_rig_answers()
    {
        var (code, _, error) = await CommandLine.Invoke("configure", "rig-nobody", "--file", SafetyFile, "--timeout", "1", "--broker", BrokerAddress);

        Assert.Equal(ConfigureCommand.NoAnswer, code);
        Assert.Contains("no answer from rig-nobody within 1 s", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_log_command_logs_until_it_is_stopped_and_then_shuts_down_cleanly()
    {
        string database = Path.Combine(Folder, "log.sqlite");
        using var stop = new CancellationTokenSource();
        var output = new StringWriter();
        var logging = ClosedLoopCommandLine.Build().Parse(["log", "--db", database, "--broker", BrokerAddress])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, stop.Token);
        await WaitForAsync(() => output.ToString().Contains("logging closedloop/#", StringComparison.Ordinal));

        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint);
        rig.Run(60);
        await rig.Link.FlushAsync(TimeSpan.FromSeconds(30));
        await WaitForAsync(() => Count(database) == rig.LastSequence);
        await stop.CancelAsync();

        Assert.Equal(0, await logging);
        Assert.Contains($"new events stored, 0 faults", output.ToString(), StringComparison.Ordinal);
        using var store = new EventStore(database);
        Assert.Equal(Enumerable.Range(1, (int)rig.LastSequence).Select(i => (long)i), store.Sequences("rig-t", 1));
    }

    [Fact]
    public async Task The_broker_command_serves_rigs_until_stopped()
    {
        int port = Mqtt.EmbeddedBroker.FreePort();
        using var stop = new CancellationTokenSource();
        var output = new StringWriter();
        var serving = ClosedLoopCommandLine.Build().Parse(["broker", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--retained", Path.Combine(Folder, "retained.json")])
            .InvokeAsync(new InvocationConfiguration { Output = output, Error = output }, stop.Token);
        await WaitForAsync(() => output.ToString().Contains("broker listening", StringComparison.Ordinal));

        await using (var rig = await LinkedRig.StartAsync(Mqtt.BrokerEndpoint.Loopback(port)))
        {
            rig.Run(5);
            await rig.Link.FlushAsync(TimeSpan.FromSeconds(10));
        }

        await stop.CancelAsync();
        Assert.Equal(0, await serving);
        Assert.Contains("closedloop/rig-t/status", File.ReadAllText(Path.Combine(Folder, "retained.json")), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            // It holds desired configs: readable by the broker's user alone.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(Folder, "retained.json")));
        }
    }

    [Theory]
    [InlineData("127.0.0.1:notaport", 2, "--broker '127.0.0.1:notaport': expected host or host:port with a port from 1 to 65535")]
    [InlineData("127.0.0.1:1", 3, "error: cannot reach the broker")]
    public async Task Broker_problems_exit_non_zero_with_one_line(string broker, int expectedCode, string expected)
    {
        var (code, _, error) = await CommandLine.Invoke("arm", "rig-t", "--broker", broker);

        Assert.Equal(expectedCode, code);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    private static long Count(string database)
    {
        if (!File.Exists(database))
        {
            return 0;
        }

        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM events";
        try
        {
            return (long)command.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0;
        }
    }
}
