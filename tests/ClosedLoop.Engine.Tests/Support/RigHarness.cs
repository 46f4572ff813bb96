namespace ClosedLoop.Engine.Tests.Support;

/// <summary>
/// An engine on a manual clock with recording outputs, fed a synthetic two-colour photodiode: per cycle the
/// signal phase reads <c>signal(t)</c>, the control phase <c>control(t)</c>, the dark phase <c>dark</c>,
/// each several times at jittered instants. Small and exact, for tests that need known answers.
/// </summary>
public sealed class RigHarness
{
    private readonly Random _jitter;

    public RigHarness(RigConfig config, int seed = 1)
    {
        Clock = new ManualClock(1_000_000);
        Opto = new RecordingOutput(Clock);
        Dose = new RecordingOutput(Clock);
        Excitation = new FakeExcitation(Clock);
        Engine = new ClosedLoopEngine(config, Clock, bootId: 7, Excitation, Opto, Dose);
        _jitter = new Random(seed);
    }

    public ManualClock Clock { get; }

    public RecordingOutput Opto { get; }

    public RecordingOutput Dose { get; }

    public FakeExcitation Excitation { get; }

    public ClosedLoopEngine Engine { get; }

    public long PeriodUs => Engine.Config.Acquisition.PeriodUs;

    /// <summary>Readings per phase per cycle.</summary>
    public int ReadingsPerPhase { get; set; } = 4;

    public double Dark { get; set; } = 100;

    public Func<long, double> Signal { get; set; } = _ => 2000;

    public Func<long, double> Control { get; set; } = _ => 1000;

    /// <summary>Feeds whole cycles until the clock reaches <paramref name="untilUs"/>, polling as a board would.</summary>
    public void RunUntil(long untilUs)
    {
        var acquisition = Engine.Config.Acquisition;
        while (Clock.NowMicros < untilUs)
        {
            var schedule = Engine.Demultiplexer.Schedule;
            long start = schedule.CycleStartUs(schedule.CycleOf(Clock.NowMicros));
            Phase(start, acquisition.SettleUs, acquisition.SignalOnUs, Signal);
            Phase(start + acquisition.SignalOnUs, acquisition.SettleUs, acquisition.ControlOnUs, Control);
            Phase(start + acquisition.SignalOnUs + acquisition.ControlOnUs, acquisition.SettleUs, PeriodUs - acquisition.SignalOnUs - acquisition.ControlOnUs, _ => Dark);
            Clock.AdvanceTo(start + PeriodUs);
            Engine.Poll();
        }
    }

    public void RunFor(long durationUs) => RunUntil(Clock.NowMicros + durationUs);

    /// <summary>Sets the encounter TTL at the clock's now.</summary>
    public void EncounterInput(bool level) => Engine.OnEncounterInput(level, Clock.NowMicros);

    public List<JournalEvent> Events(EventKind? kind = null)
    {
        var list = new List<JournalEvent>();
        for (long s = Engine.Journal.OldestSequence; s < Engine.Journal.NextSequence; s++)
        {
            var e = new JournalEvent();
            if (Engine.Journal.TryGet(s, e) == ReplayStatus.Ok && (kind is null || e.Kind == kind))
            {
                list.Add(e);
            }
        }

        return list;
    }

    private void Phase(long phaseStart, long settleUs, long lengthUs, Func<long, double> level)
    {
        long usable = lengthUs - settleUs;
        for (int i = 0; i < ReadingsPerPhase; i++)
        {
            // Irregular instants inside the usable part of the phase: phase tagging must not care.
            long t = phaseStart + settleUs + (long)((i + _jitter.NextDouble()) * usable / ReadingsPerPhase);
            if (t >= phaseStart + lengthUs)
            {
                t = phaseStart + lengthUs - 1;
            }

            Clock.AdvanceTo(t);
            Engine.OnReading(t, (int)Math.Round(level(t)));
        }
    }
}
