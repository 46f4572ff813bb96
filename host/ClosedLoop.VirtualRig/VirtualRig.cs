using ClosedLoop.Engine;
using ClosedLoop.Engine.Acquisition;
using ClosedLoop.Engine.Wire;

namespace ClosedLoop.VirtualRig;

/// <summary>
/// A simulated rig board: a sampler that reads the photodiode at jittered instants (with the occasional stall)
/// and stamps each reading with the rig clock, the encounter TTL from a scenario (or, for an encounter with a named
/// partner, a video tracker's encounter_start and encounter_stop), and the real engine deciding.
/// Time is virtual, so an hour runs in seconds; the same seed and scenario give the same readings, bit for bit.
/// </summary>
public sealed class VirtualRig
{
    private const long PollIntervalUs = 1000;

    private readonly SimulationOptions _options;
    private readonly Photodiode _photodiode;
    private readonly MouseModel _mouse;
    private readonly SeededRandom _sampler;
    private readonly List<(long TimeUs, bool Level, int Encounter)> _edges = [];
    private readonly Scenario _scenario;
    private readonly long _stallChancePerReading;
    private int _nextEdge;
    private long _nextReadingUs;
    private long _nextPollUs;
    private long _lastCycle = long.MinValue;

    public VirtualRig(RigConfig config, SimulationOptions options, Scenario scenario, long? bootId = null, long startUs = 0)
    {
        _options = options;
        Clock = new ManualClock(startUs);
        Opto = new SimulatedOutput(Clock);
        Dose = new SimulatedOutput(Clock);

        // Independent streams, so that changing one part of the model does not reshuffle the others.
        var root = new SeededRandom(options.Seed);
        _sampler = new SeededRandom(root.NextUInt64());
        _photodiode = new Photodiode(options, new SeededRandom(root.NextUInt64()));
        _mouse = new MouseModel(options, config.Acquisition.PeriodUs, new SeededRandom(root.NextUInt64()));
        _scenario = scenario;
        Truth = DrawTruth(scenario, options, new SeededRandom(root.NextUInt64()));
        _stallChancePerReading = (long)(options.StallsPerSecond * options.ReadingIntervalUs / 1e6 * long.MaxValue);

        for (int i = 0; i < Truth.Count; i++)
        {
            _edges.Add((Truth[i].OnsetUs, true, i));
            _edges.Add((Truth[i].OnsetUs + Truth[i].DurationUs, false, i));
        }

        Excitation = new SimulatedExcitation(Clock, _photodiode);
        Engine = new ClosedLoopEngine(config, Clock, bootId ?? BootIds.Next(), Excitation, Opto, Dose);
        Engine.SetSampleSink(Recorder);
        if (config.Values.GetBoolean("sync", "enabled"))
        {
            // A board's sync output starts with its LEDs; the simulated one puts its first rising edge at the start.
            Engine.OnSyncStarted(startUs, config.Values.GetInteger("sync", "pulse_ms") * 1000);
        }

        _nextReadingUs = startUs;
        _nextPollUs = startUs;
    }

    public ManualClock Clock { get; }

    public ClosedLoopEngine Engine { get; }

    public SimulatedOutput Opto { get; }

    public SimulatedOutput Dose { get; }

    public IExcitation Excitation { get; }

    /// <summary>What each planned encounter really evoked.</summary>
    public IReadOnlyList<EncounterTruth> Truth { get; }

    /// <summary>Every processed cycle.</summary>
    public SampleRecorder Recorder { get; } = new();

    public long Readings { get; private set; }

    /// <summary>When set, every raw reading is also handed here (time, ADC value), e.g. to check determinism.</summary>
    public Action<long, int>? ReadingTap { get; set; }

    public void RunFor(long durationUs) => RunUntil(Clock.NowMicros + durationUs);

    /// <summary>Runs the board until the rig clock reaches <paramref name="untilUs"/>.</summary>
    public void RunUntil(long untilUs)
    {
        while (_nextReadingUs < untilUs)
        {
            long t = _nextReadingUs;
            DeliverEdgesUpTo(t);
            PollUpTo(t);
            Clock.AdvanceTo(t);
            StepModel(t);
            int value = _photodiode.Read(t);
            Engine.OnReading(t, value);
            ReadingTap?.Invoke(t, value);
            Readings++;
            _nextReadingUs = t + NextInterval();
        }

        DeliverEdgesUpTo(untilUs);
        PollUpTo(untilUs);
        Clock.AdvanceTo(untilUs);
    }

    private void DeliverEdgesUpTo(long timeUs)
    {
        while (_nextEdge < _edges.Count && _edges[_nextEdge].TimeUs <= timeUs)
        {
            var (edgeUs, level, index) = _edges[_nextEdge++];
            PollUpTo(edgeUs);
            Clock.AdvanceTo(edgeUs);
            if (level)
            {
                var truth = Truth[index];
                _mouse.Encounter(truth.OnsetUs, truth.DurationUs, truth.Amplitude);
            }

            var planned = _scenario.Encounters[index];
            if (planned.MarkedByTracker)
            {
                Engine.OnEncounterMessage(level, planned.Partner is null ? 0 : SenderName.Pack(planned.Partner), planned.Novelty);
            }
            else
            {
                Engine.OnEncounterInput(level, edgeUs);
            }
        }
    }

    // The board's main loop polls the engine about every millisecond between readings.
    private void PollUpTo(long timeUs)
    {
        while (_nextPollUs <= timeUs)
        {
            Clock.AdvanceTo(_nextPollUs);
            Engine.Poll();
            _nextPollUs += PollIntervalUs;
        }
    }

    private void StepModel(long timeUs)
    {
        // The mouse is stepped once per excitation cycle; the photodiode levels hold for the cycle.
        long period = Engine.Config.Acquisition.PeriodUs;
        long cycle = timeUs / period;
        if (cycle == _lastCycle)
        {
            return;
        }

        _lastCycle = cycle;
        _mouse.StimulationOn = Opto.IsOn(timeUs);
        _mouse.StepTo(timeUs);
        var fault = _options.LightFaults.FirstOrDefault(f => f.Covers(timeUs));
        _photodiode.SignalLight = _options.SignalLevel * _mouse.SignalFactor * (fault?.SignalFactor ?? 1);
        _photodiode.ControlLight = _options.ControlLevel * _mouse.ControlFactor * (fault?.ControlFactor ?? 1);
    }

    private long NextInterval()
    {
        if ((long)(_sampler.NextUInt64() >> 1) < _stallChancePerReading)
        {
            return 5_000 + _sampler.NextLong(25_000);
        }

        double jitter = (2 * _sampler.NextDouble() - 1) * _options.ReadingJitter;
        return Math.Max(1, (long)(_options.ReadingIntervalUs * (1 + jitter)));
    }

    /// <summary>
    /// What each encounter evokes, by its partner's novelty; a mouse that prefers novelty stays longer with a novel
    /// partner (its contact scaled, ending at least a second before the next encounter's onset).
    /// </summary>
    private static IReadOnlyList<EncounterTruth> DrawTruth(Scenario scenario, SimulationOptions options, SeededRandom random)
    {
        var phenotype = options.Responses ?? ResponseModel.For(options.Phenotype);
        var encounters = scenario.Encounters;
        return [.. encounters.Select((e, i) =>
        {
            var model = phenotype.To(e.Novelty);
            bool responded = random.NextDouble() < model.ResponseProbability;
            double amplitude = responded ? Math.Max(0.3 * model.MeanAmplitude, model.MeanAmplitude * (1 + 0.25 * random.NextGaussian())) : 0;
            long duration = e.DurationUs;
            if (e.Novelty == Novelty.Novel && phenotype.NovelContactScale != 1)
            {
                long room = i + 1 < encounters.Count ? encounters[i + 1].OnsetUs - 1_000_000 - e.OnsetUs : long.MaxValue;
                duration = Math.Max(e.DurationUs, Math.Min((long)(e.DurationUs * phenotype.NovelContactScale), room));
            }

            return new EncounterTruth(e.OnsetUs, duration, responded, amplitude, e.Novelty);
        })];
    }

    /// <summary>The excitation LEDs of the virtual board: they start at once, at the rig clock's now.</summary>
    private sealed class SimulatedExcitation(IClock clock, Photodiode photodiode) : IExcitation
    {
        public long Start(AcquisitionSettings settings)
        {
            photodiode.Start(settings, clock.NowMicros);
            return clock.NowMicros;
        }

        public void Stop()
        {
        }
    }
}
