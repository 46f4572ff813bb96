using BenchmarkDotNet.Attributes;
using ClosedLoop.Engine;
using ClosedLoop.Engine.Acquisition;
using ClosedLoop.Engine.Config;
using ClosedLoop.Engine.Core;
using ClosedLoop.VirtualRig.Replay;

namespace ClosedLoop.Bench;

/// <summary>
/// The engine's per-reading and per-cycle cost on .NET, over a stream of realistic jittered readings
/// (4 per phase, 12 per cycle at 130 Hz) with an encounter every 20 s. The ESP32 interpreter is far slower;
/// these numbers show the algorithmic cost and that nothing allocates (MemoryDiagnoser).
/// </summary>
[MemoryDiagnoser]
public class EngineBenchmarks
{
    private const int ReadingsPerPhase = 4;
    private const int Cycles = 130 * 60;

    private readonly long[] _times = new long[Cycles * 3 * ReadingsPerPhase];
    private readonly int[] _values = new int[Cycles * 3 * ReadingsPerPhase];
    private ManualClock _clock = null!;
    private ClosedLoopEngine _engine = null!;
    private CycleDemultiplexer _demultiplexer = null!;
    private long _offsetUs;

    [GlobalSetup]
    public void Setup()
    {
        var acquisition = AcquisitionSettings.Default();
        var random = new Random(1);
        long[] phaseStart = [0, acquisition.SignalOnUs, acquisition.SignalOnUs + acquisition.ControlOnUs];
        long[] phaseLength = [acquisition.SignalOnUs, acquisition.ControlOnUs, acquisition.PeriodUs - acquisition.SignalOnUs - acquisition.ControlOnUs];
        double[] level = [2000, 1000, 100];
        int n = 0;
        for (int c = 0; c < Cycles; c++)
        {
            for (int p = 0; p < 3; p++)
            {
                long usable = phaseLength[p] - acquisition.SettleUs;
                for (int i = 0; i < ReadingsPerPhase; i++)
                {
                    _times[n] = c * acquisition.PeriodUs + phaseStart[p] + acquisition.SettleUs + (long)((i + random.NextDouble()) * usable / ReadingsPerPhase);
                    _values[n] = (int)(level[p] + 8 * random.NextDouble());
                    n++;
                }
            }
        }

        _clock = new ManualClock(0);
        var output = new DisconnectedOutput();
        _engine = new ClosedLoopEngine(RigConfig.Default(), _clock, 1, new RecordedExcitation(), output, output);
        _engine.Arm();
        _engine.StartSession();
        _demultiplexer = new CycleDemultiplexer(new ExcitationSchedule(acquisition, 0), 2, new DiscardingCycleSink());
    }

    /// <summary>Phase tagging and accumulation of one raw reading (no signal processing).</summary>
    [Benchmark(OperationsPerInvoke = Cycles * 3 * ReadingsPerPhase)]
    public void Demultiplex_one_reading()
    {
        long offset = NextOffset();
        for (int i = 0; i < _times.Length; i++)
        {
            _demultiplexer.AddReading(offset + _times[i], _values[i]);
        }
    }

    /// <summary>
    /// One whole cycle through the engine: its 12 readings, then dF/F, z, encounter tracking, the detector and
    /// the output gate, with a poll per cycle and an encounter every 20 s.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Cycles)]
    public void Engine_one_cycle()
    {
        long offset = NextOffset();
        for (int i = 0; i < _times.Length; i++)
        {
            long t = offset + _times[i];
            _clock.AdvanceTo(t);
            _engine.OnReading(t, _values[i]);
            if (i % (3 * ReadingsPerPhase) == 0)
            {
                long second = t / 1_000_000;
                _engine.OnEncounterInput(second % 20 < 5, t);
                _engine.Poll();
            }
        }
    }

    // Each invocation continues where the last ended, so the engine sees one unbroken stream.
    private long NextOffset()
    {
        long offset = _offsetUs;
        _offsetUs += Cycles * AcquisitionSettings.Default().PeriodUs;
        return offset;
    }

    private sealed class DiscardingCycleSink : ICycleSink
    {
        public void OnCycle(CycleSample cycle)
        {
        }

        public void OnMissingCycles(long firstCycle, long count)
        {
        }
    }
}
