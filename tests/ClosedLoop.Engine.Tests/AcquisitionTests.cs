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

    [Theory]
    [InlineData(1, false, false)]
    [InlineData(2, false, true)]
    [InlineData(3, true, false)]
    [InlineData(4, true, true)]
    public void A_long_jittered_stream_gives_what_tagging_each_reading_by_the_schedule_alone_gives(int seed, bool continuous, bool batched)
    {
        // The demultiplexer finds most readings' cycle and phase by shortcuts (this cycle, the next); a model that
        // tags every reading through the schedule must see the same cycles, means, drops and gaps, with readings
        // that straddle edges, skipped cycles, readings before the schedule's first cycle and a few out of order.
        var settings = AcquisitionSettings.Default();
        settings.Continuous = continuous;
        var schedule = new ExcitationSchedule(settings, epochUs: 777, firstCycle: 3);
        var sink = new Collector();
        var demux = new CycleDemultiplexer(schedule, 2, sink);
        var model = new List<(long Cycle, long Start, int Signal, int Control, int Dark, double SignalMean)>();
        var modelMissing = new List<(long First, long Count)>();
        long modelSettling = 0, modelEarly = 0, modelLate = 0, current = long.MinValue, lastEmitted = long.MinValue;
        var sums = new long[4];
        var counts = new int[4];
        var random = new Random(seed);
        long t = 777 - 3 * settings.PeriodUs;
        var batch = (From: new long[20], To: new long[20], Values: new int[20], Count: 0, Size: 1);
        long firstTo = 0, lastTo = 0;
        for (int i = 0; i < 20_000; i++)
        {
            t += random.Next(100, 900) + (random.Next(200) == 0 ? 3 * settings.PeriodUs : 0);
            long back = random.Next(40) == 0 ? random.Next(0, 3000) : 0;
            long from = t - back - random.Next(0, 60), to = t - back + random.Next(0, 60);
            int value = random.Next(1000);
            firstTo = i == 0 ? to : firstTo;
            lastTo = to;
            if (!batched)
            {
                demux.AddReading(from, to, value);
            }
            else
            {
                // As the board's sampler hands readings over: in batches of any size.
                (batch.From[batch.Count], batch.To[batch.Count], batch.Values[batch.Count]) = (from, to, value);
                if (++batch.Count == batch.Size)
                {
                    demux.AddReadings(batch.From, batch.To, batch.Values, batch.Count);
                    (batch.Count, batch.Size) = (0, random.Next(1, 21));
                }
            }

            long cycle = schedule.CycleOf(from);
            Phase phase = schedule.PhaseOf(from, cycle);
            if (schedule.CycleOf(to) != cycle || schedule.PhaseOf(to) != phase)
            {
                modelSettling++;
                continue;
            }

            if (cycle < schedule.FirstCycle)
            {
                modelEarly++;
                continue;
            }

            if (cycle != current)
            {
                if (cycle < current)
                {
                    modelLate++;
                    continue;
                }

                if (current != long.MinValue && counts[0] + counts[1] + counts[2] > 0)
                {
                    if (lastEmitted != long.MinValue && current > lastEmitted + 1)
                    {
                        modelMissing.Add((lastEmitted + 1, current - lastEmitted - 1));
                    }

                    model.Add((current, schedule.CycleStartUs(current), counts[0], counts[1], counts[2], counts[0] > 0 ? (double)sums[0] / counts[0] : 0));
                    lastEmitted = current;
                }

                current = cycle;
                Array.Clear(sums);
                Array.Clear(counts);
            }

            int slot = phase switch { Phase.Signal => 0, Phase.Control => 1, Phase.Dark => 2, _ => 3 };
            sums[slot] += value;
            counts[slot]++;
            modelSettling += slot == 3 ? 1 : 0;
        }

        demux.AddReadings(batch.From, batch.To, batch.Values, batch.Count);
        Assert.Equal(model.Count, sink.Cycles.Count);
        Assert.True(model.Count > 1000);
        Assert.Equal(model, sink.Cycles.Zip(sink.Counts, (c, n) => (c.Cycle, c.Start, n.Signal, n.Control, n.Dark, c.Signal)).ToList());
        Assert.Equal(modelMissing, sink.Missing);
        Assert.Equal(modelSettling, demux.SettlingReadings);
        Assert.Equal(modelEarly, demux.EarlyReadings);
        Assert.Equal(modelLate, demux.LateReadings);
        Assert.True(modelLate > 10);
        Assert.Equal(20_000, demux.ReadingCount);
        Assert.Equal((firstTo, lastTo), (demux.FirstReadingUs, demux.LastReadingUs));
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
