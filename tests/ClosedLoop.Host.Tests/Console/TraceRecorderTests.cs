using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Processing;
using ClosedLoop.Engine.Wire;
using ClosedLoop.Host.Monitor;
using ClosedLoop.Host.WebConsole;

namespace ClosedLoop.Host.Tests.Console;

public sealed class TraceRecorderTests
{
    private const long PeriodUs = 10_000;

    /// <summary>One frame of samples every 10 ms from <paramref name="firstCycle"/>, with z = the sample's index in the run, dF/F = z / 100, and raw light 1000 + index (signal) and 500 + index (control).</summary>
    private static byte[] Frame(long boot, long firstCycle, int count, Func<long, double>? z = null, bool valid = true, bool ready = true)
    {
        var writer = new SampleFrameWriter(count, boot, PeriodUs);
        for (long c = firstCycle; c < firstCycle + count; c++)
        {
            double value = z?.Invoke(c) ?? c;
            Assert.True(writer.TryAdd(new ProcessedSample { CycleIndex = c, TimeUs = c * PeriodUs, Z = value, Dff = value / 100, IsValid = valid, IsReady = ready, RawSignal = 1000 + c, RawControl = 500 + c }));
        }

        return writer.Buffer[..writer.Length];
    }

    private static byte[] Event(long boot, JournalEvent e)
    {
        var buffer = new byte[EventJson.MaxEventBytes];
        int length = new EventJson().Write("rig-a", boot, e, buffer, 0);
        return buffer[..length];
    }

    /// <summary>What the console's reader of the wire hands the traces: rig-a's frames and events, each decoded once.</summary>
    private sealed class Wire(TraceRecorder traces)
    {
        private readonly MonitorState _state = new("closedloop", listener: traces);

        public void Frame(byte[] payload) => _state.Take("closedloop/rig-a/samples", payload);

        public void Event(byte[] payload) => _state.Take("closedloop/rig-a/events", payload);
    }

    [Fact]
    public void Samples_become_50_ms_bins_holding_their_mean_and_a_page_gets_each_bin_once()
    {
        var traces = new TraceRecorder();
        var wire = new Wire(traces);
        // Cycles 0-11 at 10 ms: bins [0, 50) ms and [50, 100) ms are complete, the third bin is still filling.
        wire.Frame(Frame(1, 0, 12));
        var cursors = new Dictionary<string, TraceCursor>();

        var first = Assert.Single(traces.Since(cursors));
        Assert.True(first.Restarted);
        Assert.Equal([(25_000L, 2.0), (75_000L, 7.0)], first.Points.Select(p => (p.TimeUs, p.Z)));
        Assert.Equal([0.02, 0.07], first.Points.Select(p => Math.Round(p.Dff, 6)));
        // Each bin's raw light, counts above dark as the frames carry it, for the expanded card's raw panel.
        Assert.Equal([(1002.0, 502.0), (1007.0, 507.0)], first.Points.Select(p => (p.Signal, p.Control)));

        // Nothing new: nothing sent. The next frame completes the third bin: only it is sent.
        Assert.Empty(traces.Since(cursors));
        wire.Frame(Frame(1, 12, 4));
        var second = Assert.Single(traces.Since(cursors));
        Assert.False(second.Restarted);
        Assert.Equal([(125_000L, 12.0)], second.Points.Select(p => (p.TimeUs, p.Z)));

        // A second page starts from the whole trace.
        Assert.Equal(3, Assert.Single(traces.Since([])).Points.Count);
    }

    [Fact]
    public void Samples_not_valid_are_left_out_and_z_is_the_mean_of_the_ready_ones_only()
    {
        var traces = new TraceRecorder();
        var wire = new Wire(traces);
        wire.Frame(Frame(1, 0, 3, valid: false));
        wire.Frame(Frame(1, 3, 1, ready: false));
        wire.Frame(Frame(1, 4, 1));
        wire.Frame(Frame(1, 5, 5, ready: false));
        wire.Frame(Frame(1, 10, 1));

        var points = Assert.Single(traces.Since([])).Points;
        Assert.Equal((0.035, (double?)4.0), (Math.Round(points[0].Dff, 6), points[0].Z)); // dF/F of cycles 3 and 4, z of 4 only
        Assert.Null(points[1].Z); // warming up: dF/F only
        Assert.Equal(0.07, Math.Round(points[1].Dff, 6));
    }

    [Fact]
    public void A_new_boot_starts_the_trace_afresh()
    {
        var traces = new TraceRecorder();
        var wire = new Wire(traces);
        var cursors = new Dictionary<string, TraceCursor>();
        wire.Frame(Frame(1, 0, 12));
        traces.Since(cursors);

        wire.Frame(Frame(2, 0, 7, c => -c));
        var update = Assert.Single(traces.Since(cursors));
        Assert.True(update.Restarted);
        Assert.Equal(2, update.Boot);
        Assert.Equal([-2.0], update.Points.Select(p => p.Z));
    }

    [Fact]
    public void Encounters_carry_the_rigs_decision_and_trains_their_kind_and_a_change_of_marks_is_sent()
    {
        var traces = new TraceRecorder();
        var wire = new Wire(traces);
        traces.TakeAppliedConfig("rig-a", Encoding.UTF8.GetBytes("[rig]\nid = rig-a\n[detector]\ndeficit_threshold = 1.5\npost_ms = 2000\n"));
        wire.Frame(Frame(1, 0, 12));
        var cursors = new Dictionary<string, TraceCursor>();
        traces.Since(cursors);

        wire.Event(Event(1, new JournalEvent { Kind = EventKind.EncounterOn, Sequence = 1, TimeUs = 10_000_000, Ref1 = 10_000_000 }));
        var open = Assert.Single(Assert.Single(traces.Since(cursors)).Encounters);
        Assert.Equal((10_000_000L, (long?)null, (string?)null), (open.OnsetUs, open.OffsetUs, open.Outcome));

        wire.Event(Event(1, new JournalEvent { Kind = EventKind.Decision, Sequence = 2, TimeUs = 13_000_000, Code = 1, Ref1 = 10_000_000, Value1 = 0.2, Value2 = -0.3 }));
        wire.Event(Event(1, new JournalEvent { Kind = EventKind.OutputStarted, Sequence = 3, TimeUs = 13_000_000, Code = 0, Ref1 = 18_000_000, Flags = OutputFlags.Sham }));
        wire.Event(Event(1, new JournalEvent { Kind = EventKind.EncounterOff, Sequence = 4, TimeUs = 15_000_000, Ref1 = 15_000_000, Ref2 = 10_000_000 }));
        var update = Assert.Single(traces.Since(cursors));

        var encounter = Assert.Single(update.Encounters);
        Assert.Equal(new TraceEncounter(10_000_000, 15_000_000, "deficit", -0.3, 0.2), encounter);
        Assert.Equal(new TraceTrain(13_000_000, 18_000_000, "opto", Sham: true), Assert.Single(update.Trains));
        Assert.Equal((1.5, 2_000_000L), (update.Threshold, update.PostUs));
        Assert.Empty(update.Points);
        Assert.Empty(traces.Since(cursors));
    }

    [Fact]
    public void Only_the_longest_window_is_kept()
    {
        var traces = new TraceRecorder();
        var wire = new Wire(traces);
        wire.Event(Event(1, new JournalEvent { Kind = EventKind.EncounterOn, Sequence = 1, TimeUs = 1_000_000, Ref1 = 1_000_000 }));
        wire.Event(Event(1, new JournalEvent { Kind = EventKind.EncounterOff, Sequence = 2, TimeUs = 2_000_000, Ref1 = 2_000_000, Ref2 = 1_000_000 }));
        // 310 s of samples, a frame of 250 at a time.
        for (long c = 0; c < 31_000; c += 250)
        {
            wire.Frame(Frame(1, c, 250));
        }

        var update = Assert.Single(traces.Since([]));
        long latest = update.Points[^1].TimeUs;
        Assert.True(latest - update.Points[0].TimeUs <= TraceRecorder.KeptUs, $"{update.Points[0].TimeUs}..{latest}");
        Assert.InRange(update.Points.Count, 5_990, 6_000);
        Assert.Empty(update.Encounters);
    }
}
