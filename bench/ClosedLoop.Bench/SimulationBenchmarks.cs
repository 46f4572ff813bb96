using BenchmarkDotNet.Attributes;
using ClosedLoop.Engine.Config;
using ClosedLoop.VirtualRig;

namespace ClosedLoop.Bench;

/// <summary>
/// How fast the virtual rig and the engine together run in virtual time on one core: one simulated minute per
/// operation (about 400,000 readings at the default 150 µs sampler interval, an encounter every 30 s, armed and in
/// session so that trains are planned and driven). Simulated seconds per wall second = 60 s / mean.
/// </summary>
[MemoryDiagnoser]
public class SimulationBenchmarks
{
    private const long Minute = 60_000_000;

    private VirtualRig.VirtualRig _rig = null!;

    [GlobalSetup]
    public void Setup()
    {
        var scenario = Scenario.Regular(10_000, 30_000_000, 30_000_000, 5_000_000);
        _rig = new VirtualRig.VirtualRig(RigConfig.Default(), new SimulationOptions { Phenotype = Phenotype.IsolationReared }, scenario);
        _rig.Engine.Arm();
        _rig.Engine.StartSession();
        _rig.RunFor(Minute);
    }

    [Benchmark]
    public void One_simulated_minute() => _rig.RunFor(Minute);
}
