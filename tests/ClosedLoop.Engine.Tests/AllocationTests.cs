namespace ClosedLoop.Engine.Tests;

/// <summary>The board's heap is ~100 KB and a collection stops everything: the steady state must not allocate.</summary>
public sealed class AllocationTests
{
    /// <summary>What the board's link does with every event and sample: encode it into a preallocated buffer.</summary>
    private sealed class BoardLikeSinks(long bootId, long periodUs) : IEventSink, IProcessedSampleSink
    {
        private readonly EventJson _json = new();
        private readonly byte[] _eventBuffer = new byte[EventJson.MaxEventBytes];
        private readonly SampleFrameWriter _frames = new(13, bootId, periodUs);

        public long EventBytes { get; private set; }

        public long Frames { get; private set; }

        public void OnEvent(EventJournal journal, JournalEvent journalEvent) =>
            EventBytes += _json.Write(journal.RigId, journal.BootId, journalEvent, _eventBuffer, 0);

        public void OnProcessed(ProcessedSample sample)
        {
            if (!_frames.TryAdd(sample))
            {
                Frames++;
                _frames.Clear();
                _frames.TryAdd(sample);
            }
        }
    }

    [Theory]
    [InlineData("window")]
    [InlineData("early")]
    public void The_steady_state_allocates_nothing_for_100000_cycles(string rule)
    {
        var config = TestConfig.With("detector.rule=" + rule, "processing.warmup_s=5", "opto.min_interval_ms=0", "output.refractory_ms=0", "opto.max_trains_per_hour=3600", "opto.max_trains_per_session=100000", "opto.max_cumulative_dose=1000000000");
        var clock = new ManualClock(0);
        var opto = new CountingOutput();
        var dose = new CountingOutput();
        var engine = new ClosedLoopEngine(config, clock, 1, new FakeExcitation(clock), opto, dose);
        var sinks = new BoardLikeSinks(1, config.Acquisition.PeriodUs);
        engine.SetEventSink(sinks);
        int earlyDecisions = 0;
        engine.SetSampleSink(sinks);
        long warmupUs = 60_000_000;
        long measuredUs = 100_500 * config.Acquisition.PeriodUs;
        var script = new ReadingScript(config.Acquisition, 0, warmupUs + measuredUs, encounterEveryUs: 20_000_000);
        engine.Arm();
        engine.StartSession();

        // What the board's link thread does alongside: status checks and draining the event outbox.
        var status = new StatusChanges();
        var outbox = new EventOutbox(null, 0);
        var peeked = new JournalEvent();
        long published = 0;

        int reading = 0;
        int edge = 0;
        long[] batchFrom = new long[1], batchTo = new long[1];
        int[] batchValue = new int[1];
        void RunUntil(long untilUs)
        {
            while (reading < script.Times.Length && script.Times[reading] < untilUs)
            {
                long t = script.Times[reading];
                while (edge < script.Edges.Length && script.Edges[edge] <= t)
                {
                    engine.OnEncounterInput(edge % 2 == 0, script.Edges[edge]);
                    edge++;
                }

                clock.AdvanceTo(t);
                if (reading % 3 == 0)
                {
                    engine.OnReading(t, script.Values[reading]);
                }
                else if (reading % 3 == 1)
                {
                    // The reading known to the interval around its ADC call.
                    engine.OnReading(t - 20, t + 20, script.Values[reading]);
                }
                else
                {
                    // The board's form: handed over in a batch.
                    (batchFrom[0], batchTo[0], batchValue[0]) = (t - 20, t + 20, script.Values[reading]);
                    engine.OnReadings(batchFrom, batchTo, batchValue, 1);
                }

                if ((reading & 15) == 0)
                {
                    engine.Poll();
                    status.Check(engine);
                    while (outbox.TryPeek(engine.Journal, peeked))
                    {
                        earlyDecisions += peeked.Kind == EventKind.Decision && (peeked.Flags & (int)Detection.DecisionFlags.Early) != 0 ? 1 : 0;
                        outbox.Acknowledge(peeked);
                        published++;
                    }
                }

                reading++;
            }
        }

        RunUntil(warmupUs);
        long cyclesBefore = engine.Cycles;
        long eventsBefore = engine.Journal.NextSequence;
        int readingsBefore = reading;
        int trainsBefore = opto.Starts;

        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        RunUntil(warmupUs + measuredUs);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

        Assert.True(engine.Cycles - cyclesBefore >= 100_000, $"only {engine.Cycles - cyclesBefore} cycles");
        Assert.True(reading - readingsBefore >= 100_000);
        Assert.True(engine.Journal.NextSequence - eventsBefore > 100, "the measured stretch should hold encounters, decisions and trains");
        Assert.True(opto.Starts - trainsBefore > 30, $"only {opto.Starts - trainsBefore} trains");
        Assert.True(sinks.Frames > 7000);
        Assert.Equal((outbox.NextSequence - 1, 0L), (published, outbox.Lost));
        Assert.True(published > 100);
        Assert.Equal(0, allocated);
        Assert.True(rule == "window" ? earlyDecisions == 0 : earlyDecisions > 10, $"{earlyDecisions} early decisions with the {rule} rule");
    }

    /// <summary>An output that only counts, so that nothing in the measured loop allocates but the engine.</summary>
    private sealed class CountingOutput : IOutputChannel
    {
        public int Starts { get; private set; }

        public long BusyUntilUs => long.MinValue;

        public void Start(RmtPlan plan) => Starts++;

        public void ForceLow()
        {
        }
    }
}
