using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Processing;
using ClosedLoop.Engine.Wire;
using ClosedLoop.Host.Monitor;

namespace ClosedLoop.Host.Tests;

public sealed class MonitorTests : EmbeddedBrokerTest
{
    [Fact]
    public void Status_events_and_frames_update_a_rigs_view()
    {
        var state = new MonitorState("closedloop");
        state.Take("closedloop/rig-a/status", Encoding.UTF8.GetBytes("""{"v":1,"rig":"rig-a","online":true,"boot":1,"t_us":0,"config":"00000000000000ab","armed":true,"estop":false,"session":true,"mode":"sham","next_seq":3}"""));
        var buffer = new byte[EventJson.MaxEventBytes];
        int length = new EventJson().Write("rig-a", 1, new JournalEvent { Kind = EventKind.Decision, Sequence = 2, TimeUs = 12_500_000, Code = 1, Value1 = -0.4 }, buffer, 0);
        state.Take("closedloop/rig-a/events", buffer[..length]);
        var frames = new SampleFrameWriter(4, 1, 7692);
        frames.TryAdd(new ProcessedSample { CycleIndex = 10, Z = 1.5, IsValid = true, IsReady = true });
        state.Take("closedloop/rig-a/samples", frames.Buffer[..frames.Length]);
        state.Take("closedloop/rig-a/events", Encoding.UTF8.GetBytes("garbage"));

        var rig = Assert.Single(state.Snapshot());
        Assert.Equal((true, "00000000000000ab", true, true, "sham"), (rig.Online, rig.ConfigHash, rig.Armed, rig.InSession, rig.Mode));
        Assert.Equal(["boot+12.5 s decision deficit Δz -0.40"], rig.Events);
        Assert.Equal([1.5], rig.Z);
        Assert.Equal(1, state.Unreadable);
    }

    [Fact]
    public void A_topic_level_no_rig_can_be_called_gets_no_card_and_a_mode_no_rig_has_is_not_shown_as_sent()
    {
        var state = new MonitorState("closedloop");
        string Status(string rig, string mode) => $$"""{"v":1,"rig":"{{rig}}","online":true,"boot":1,"t_us":0,"config":"00000000000000ab","armed":false,"estop":false,"session":false,"mode":"{{mode}}","next_seq":1}""";

        state.Take("closedloop/../status", Encoding.UTF8.GetBytes(Status("..", "sham")));
        state.Take("closedloop/<b>x<%2Fb>/status", Encoding.UTF8.GetBytes(Status("<b>x</b>", "sham")));
        state.Take("closedloop/rig-a/status", Encoding.UTF8.GetBytes(Status("rig-a", "<img src=x onerror=alert(1)>")));

        var rig = Assert.Single(state.Snapshot());
        Assert.Equal(("rig-a", "unknown"), (rig.RigId, rig.Mode));
        Assert.Equal(2, state.Unreadable);
    }

    [Fact]
    public void An_early_decision_says_how_long_after_onset_it_came_and_its_score_the_whole_windows_verdict()
    {
        var early = new JournalEvent { Kind = EventKind.Decision, TimeUs = 60_500_000, Code = 1, Flags = (int)Engine.Detection.DecisionFlags.Early, Ref1 = 60_000_000, Ref2 = 500_000, Value1 = 0.12 };
        var scored = new JournalEvent { Kind = EventKind.DecisionScored, TimeUs = 63_000_000, Code = 1, Flags = 1, Ref1 = 60_000_000, Ref2 = 500_000, Value1 = 0.3 };

        Assert.Equal("boot+60.5 s decision deficit Δz 0.12 (early, 0.50 s after onset)", MonitorState.Describe(early));
        Assert.Equal("boot+63.0 s decision_scored whole window deficit Δz 0.30", MonitorState.Describe(scored));
    }

    [Fact]
    public void A_fault_names_which_fault_and_its_detail()
    {
        var fault = new JournalEvent { Kind = EventKind.Fault, TimeUs = 2_000_000, Code = (int)FaultCode.Board, Ref1 = 4 };

        Assert.Equal("boot+2.0 s fault board (the previous boot's spilled events discarded)", MonitorState.Describe(fault));
        Assert.Equal("boot+2.0 s fault board (detail 99)", MonitorState.Describe(new JournalEvent { Kind = EventKind.Fault, TimeUs = 2_000_000, Code = (int)FaultCode.Board, Ref1 = 99 }));
    }

    [Fact]
    public void A_data_gap_says_what_it_is_and_that_it_is_no_fault()
    {
        var gap = new JournalEvent { Kind = EventKind.DataGap, TimeUs = 15_038_009, Ref1 = 1950, Ref2 = 4 };

        Assert.Equal("boot+15.0 s data_gap 4 cycles without enough readings, left out (not a fault)", MonitorState.Describe(gap));
    }

    [Fact]
    public void Link_quality_counts_events_not_yet_heard_holes_filled_late_and_missed_frames_per_boot()
    {
        var state = new MonitorState("closedloop");
        var json = new EventJson();
        var buffer = new byte[EventJson.MaxEventBytes];
        void Event(long boot, long sequence, EventKind kind = EventKind.Armed)
        {
            int length = json.Write("rig-a", boot, new JournalEvent { Kind = kind, Sequence = sequence, TimeUs = sequence * 1000 }, buffer, 0);
            state.Take("closedloop/rig-a/events", buffer[..length]);
        }

        void Status(long boot, long next) => state.Take("closedloop/rig-a/status", Encoding.UTF8.GetBytes(
            $$"""{"v":1,"rig":"rig-a","online":true,"boot":{{boot}},"t_us":0,"config":"00000000000000ab","armed":false,"estop":false,"session":false,"mode":"closed_loop","next_seq":{{next}}}"""));

        void Frame(long boot, long cycle)
        {
            var frames = new SampleFrameWriter(1, boot, 7692);
            frames.TryAdd(new ProcessedSample { CycleIndex = cycle, Z = 0, IsValid = true, IsReady = true });
            state.Take("closedloop/rig-a/samples", frames.Buffer[..frames.Length]);
        }

        Status(7, 10);
        foreach (long sequence in new long[] { 3, 4, 6 })
        {
            Event(7, sequence);
        }

        Event(7, 8, EventKind.Fault);
        var rig = Assert.Single(state.Snapshot());
        Assert.Equal((7L, new LinkQuality(Pending: 1, EventGaps: 2, FramesMissed: 0), 1), (rig.Boot, rig.Link, rig.Faults));

        Event(7, 5);
        Event(7, 7);
        Event(7, 9);
        Assert.Equal(new LinkQuality(0, 0, 0), Assert.Single(state.Snapshot()).Link);

        // Frame numbers: a writer numbers its frames 1, 2, 3...; the reader hears 1 and 4.
        var writer = new SampleFrameWriter(1, 7, 7692);
        for (int n = 1; n <= 4; n++)
        {
            writer.Clear();
            writer.TryAdd(new ProcessedSample { CycleIndex = n, Z = 0, IsValid = true, IsReady = true });
            if (n is 1 or 4)
            {
                state.Take("closedloop/rig-a/samples", writer.Buffer[..writer.Length]);
            }
        }

        Assert.Equal(2, Assert.Single(state.Snapshot()).Link.FramesMissed);

        // A new boot starts afresh.
        Status(8, 2);
        Event(8, 1);
        Frame(8, 0);
        rig = Assert.Single(state.Snapshot());
        Assert.Equal((8L, new LinkQuality(0, 0, 0), 0), (rig.Boot, rig.Link, rig.Faults));
    }

    [Fact]
    public void The_last_will_marks_a_rig_offline()
    {
        var state = new MonitorState("closedloop");
        state.Take("closedloop/rig-a/status", Encoding.UTF8.GetBytes("""{"v":1,"rig":"rig-a","online":true,"boot":1,"t_us":0,"config":"00000000000000ab","armed":false,"estop":false,"session":false,"mode":"closed_loop","next_seq":3}"""));
        state.Take("closedloop/rig-a/status", Encoding.UTF8.GetBytes("""{"v":1,"rig":"rig-a","online":false,"boot":1}"""));

        Assert.False(Assert.Single(state.Snapshot()).Online);
    }

    [Fact]
    public void A_logger_that_cannot_write_is_shown_and_is_not_taken_for_a_rig()
    {
        var state = new MonitorState("closedloop");
        state.Take("closedloop/_loggers/closedloop-logger/status", Encoding.UTF8.GetBytes("""{"v":1,"logger":"closedloop-logger","online":true,"ok":false,"error":"database or disk is full","db":"/data/log.sqlite"}"""));

        Assert.Empty(state.Snapshot());
        var logger = Assert.Single(state.Loggers());
        Assert.Contains("CANNOT WRITE[/] database or disk is full", MonitorView.Describe(logger), StringComparison.Ordinal);
    }

    [Fact]
    public void The_sparkline_scales_z_from_minus_three_to_plus_three()
    {
        Assert.Equal("▁▅█ 9.0", MonitorView.Sparkline([-3, 0, 9]));
        Assert.Equal("-", MonitorView.Sparkline([]));
    }

    [Fact]
    public async Task The_monitor_command_shows_a_live_rig()
    {
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint);
        var monitoring = CommandLine.Invoke("monitor", "--seconds", "3", "--broker", BrokerAddress);
        await Task.Delay(500);
        rig.Run(40);
        await rig.Link.FlushAsync(TimeSpan.FromSeconds(10));

        var (code, output, _) = await monitoring;

        Assert.Equal(0, code);
        Assert.Contains("rig-t", output, StringComparison.Ordinal);
        Assert.Contains("online", output, StringComparison.Ordinal);
        Assert.True(output.Contains("armed, in session, closed_loop", StringComparison.Ordinal), output);

        // Written to a file (here a writer), the monitor prints one table when its time is up, not one per refresh.
        Assert.Equal(1, output.Split("ClosedLoop rigs").Length - 1);
    }

    [Fact]
    public async Task The_blinded_monitor_names_no_rigs_mode_or_config_hash()
    {
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, settings: ["output.mode=sham"]);
        string hash = rig.Rig.Engine.Config.Hash;
        var blinded = CommandLine.Invoke("monitor", "--blind", "--seconds", "3", "--broker", BrokerAddress);
        var open = CommandLine.Invoke("monitor", "--seconds", "3", "--broker", BrokerAddress);
        await Task.Delay(500);
        rig.Run(40);
        await rig.Link.FlushAsync(TimeSpan.FromSeconds(10));

        var (openCode, openOutput, _) = await open;
        var (code, output, _) = await blinded;

        // What the unblinded monitor shows of this sham rig is exactly what the blinded one keeps back.
        Assert.Equal((0, 0), (openCode, code));
        Assert.True(openOutput.Contains("in session, sham", StringComparison.Ordinal) && openOutput.Contains(hash, StringComparison.Ordinal), openOutput);
        Assert.True(output.Contains("in session, blinded", StringComparison.Ordinal), output);
        Assert.DoesNotContain("sham", output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(hash, output, StringComparison.Ordinal);
    }
}
