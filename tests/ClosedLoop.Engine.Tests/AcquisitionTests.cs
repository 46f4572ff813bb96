namespace ClosedLoop.Engine.Tests;

public sealed class AcquisitionTests
{
    private sealed class Collector : ICycleSink
    {
        public List<(long Cycle, long Start, double Signal, double Control, double Dark, bool Valid, int SignalCount)> Cycles { get; } = [];

        public List<(long First, long Count)> Missing { get; } = [];

        /// <summary>Each cycle's readings per phase: signal, control, dark.</summary>
        public List<(int Signal, int Control, int Dark)> Counts { get; } = [];

        public void OnCycle(CycleSample c)
        {
            Cycles.Add((c.CycleIndex, c.StartUs, c.Signal, c.Control, c.Dark, c.IsValid, c.SignalCount));
            Counts.Add((c.SignalCount, c.ControlCount, c.DarkCount));
        }

        public void OnMissingCycles(long firstCycle, long count) => Missing.Add((firstCycle, count));
    }

    private static readonly AcquisitionSettings Settings = AcquisitionSettings.Default();

    [Theory]
    [InlineData(0, Phase.Settling)]
    [InlineData(299, Phase.Settling)]
    [InlineData(300, Phase.Signal)]
    [InlineData(2499, Phase.Signal)]
    [InlineData(2500, Phase.Settling)]
    [InlineData(2800, Phase.Control)]
    [InlineData(4999, Phase.Control)]
    [InlineData(5000, Phase.Settling)]
    [InlineData(5300, Phase.Dark)]
    [InlineData(7691, Phase.Dark)]
    [InlineData(7692 + 300, Phase.Signal)]
    public void Readings_are_tagged_by_their_time_within_the_cycle(long offsetUs, Phase expected)
    {
        var schedule = new ExcitationSchedule(Settings, epochUs: 10_000);

        Assert.Equal(expected, schedule.PhaseOf(10_000 + offsetUs));
    }

    [Fact]
    public void Cycles_are_floors_even_before_the_epoch()
    {
        var schedule = new ExcitationSchedule(Settings, epochUs: 10_000);

        Assert.Equal(-1, schedule.CycleOf(9_999));
        Assert.Equal(0, schedule.CycleOf(10_000));
        Assert.Equal(1, schedule.CycleOf(10_000 + 7692));
    }

    [Fact]
    public void A_reading_known_only_to_an_interval_counts_at_its_middle_unless_the_interval_straddles_an_edge()
    {
        var sink = new Collector();
        var demux = new CycleDemultiplexer(new ExcitationSchedule(Settings, 0), 1, sink);

        demux.AddReading(400, 480, 1000);      // inside the signal window
        demux.AddReading(2450, 2530, 9999);    // signal LED off at 2500: could be either phase
        demux.AddReading(3000, 3100, 500);     // inside the control window
        demux.AddReading(7650, 7700, 8888);    // the dark phase runs into the next cycle's signal at 7692
        demux.AddReading(5400, 5500, 100);
        demux.AddReading(7692 + 400, 7692 + 480, 1000);

        var cycle = Assert.Single(sink.Cycles);
        Assert.Equal((1000.0, 500.0, 100.0, 1), (cycle.Signal, cycle.Control, cycle.Dark, cycle.SignalCount));
        Assert.Equal(2, demux.SettlingReadings);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(25)]
    public void Inside_the_current_cycle_every_reading_is_tagged_as_the_schedule_tags_it(long intervalUs)
    {
        // Readings inside the cycle the demultiplexer is filling take a shorter path than the first one of a cycle;
        // both must agree with the schedule at every offset, for stamps and for intervals (which straddle an edge).
        long epoch = 1_234;
        var schedule = new ExcitationSchedule(Settings, epoch, firstCycle: 5);
        var sink = new Collector();
        var demux = new CycleDemultiplexer(schedule, 1, sink);
        long start = schedule.CycleStartUs(8);
        var expected = new Dictionary<Phase, int>();
        long straddling = 0;
        for (long offset = 0; offset + intervalUs < Settings.PeriodUs; offset += 7)
        {
            Phase phase = schedule.PhaseOf(start + offset);
            if (schedule.PhaseOf(start + offset + intervalUs) != phase)
            {
                straddling++;
            }
            else
            {
                expected[phase] = expected.GetValueOrDefault(phase) + 1;
            }

            if (intervalUs == 0)
            {
                demux.AddReading(start + offset, 10);
            }
            else
            {
                demux.AddReading(start + offset, start + offset + intervalUs, 10);
            }
        }

        demux.AddReading(schedule.CycleStartUs(9) + 400, 10);

        var cycle = Assert.Single(sink.Cycles);
        Assert.Equal(8, cycle.Cycle);
        Assert.Equal((expected[Phase.Signal], expected[Phase.Control], expected[Phase.Dark]), sink.Counts.Single());
        Assert.Equal(expected[Phase.Settling] + straddling, demux.SettlingReadings);
        Assert.Equal(intervalUs == 0 ? 0 : 1, Math.Sign(straddling));
    }

    [Fact]
    public void A_cycle_yields_the_mean_of_each_phase_once_the_next_cycle_starts()
    {
        var sink = new Collector();
        var demux = new CycleDemultiplexer(new ExcitationSchedule(Settings, 0), 2, sink);

        demux.AddReading(400, 1000);
        demux.AddReading(2000, 1010);
        demux.AddReading(100, 9999); // settling: dropped
        demux.AddReading(3000, 500);
        demux.AddReading(4000, 520);
        demux.AddReading(6000, 50);
        Assert.Empty(sink.Cycles);

        demux.AddReading(7692 + 500, 1);

        var cycle = Assert.Single(sink.Cycles);
        Assert.Equal((0L, 0L, 1005.0, 510.0, 50.0, true, 2), cycle);
        Assert.Equal(1, demux.SettlingReadings);
    }

    [Fact]
    public void A_cycle_with_too_few_readings_is_flagged_not_averaged_in()
    {
        var sink = new Collector();
        var demux = new CycleDemultiplexer(new ExcitationSchedule(Settings, 0), 2, sink);

        demux.AddReading(400, 1000);
        demux.AddReading(3000, 500);
        demux.AddReading(4000, 520);
        demux.AddReading(6000, 50);
        demux.AddReading(7692 + 500, 1);

        Assert.False(Assert.Single(sink.Cycles).Valid);
    }

    [Fact]
    public void Cycles_without_readings_are_reported_as_missing()
    {
        var sink = new Collector();
        var demux = new CycleDemultiplexer(new ExcitationSchedule(Settings, 0), 1, sink);

        demux.AddReading(400, 1);
        demux.AddReading(4 * 7692 + 400, 1);
        demux.AddReading(5 * 7692 + 400, 1);

        Assert.Equal([0L, 4L], sink.Cycles.Select(c => c.Cycle));
        Assert.Equal((1L, 3L), Assert.Single(sink.Missing));
    }

    [Fact]
    public void Late_readings_for_a_closed_cycle_are_dropped_and_counted()
    {
        var sink = new Collector();
        var demux = new CycleDemultiplexer(new ExcitationSchedule(Settings, 0), 1, sink);

        demux.AddReading(7692 + 400, 1);
        demux.AddReading(400, 1);

        Assert.Equal(1, demux.LateReadings);
    }

    [Fact]
    public void Flush_closes_a_stalled_cycle_after_a_grace_cycle()
    {
        var sink = new Collector();
        var demux = new CycleDemultiplexer(new ExcitationSchedule(Settings, 0), 1, sink);
        demux.AddReading(400, 1);

        demux.Flush(7692 + 100);
        Assert.Empty(sink.Cycles);

        demux.Flush(2 * 7692 + 100);
        Assert.Single(sink.Cycles);
    }

    [Fact]
    public void Continuous_mode_counts_every_reading_as_signal()
    {
        var settings = AcquisitionSettings.Default();
        settings.Continuous = true;
        var sink = new Collector();
        var demux = new CycleDemultiplexer(new ExcitationSchedule(settings, 0), 2, sink);

        demux.AddReading(0, 10);
        demux.AddReading(7000, 20);
        demux.AddReading(7692, 0);

        var cycle = Assert.Single(sink.Cycles);
        Assert.Equal(15, cycle.Signal);
        Assert.True(cycle.Valid);
    }
}
