using ClosedLoop.VirtualRig;

namespace ClosedLoop.Host.Demo;

/// <summary>One virtual rig of the demo: its name, the simulated mouse and what its outputs do.</summary>
public sealed record DemoRigSpec(string RigId, Phenotype Phenotype, OutputMode Mode, ulong Seed)
{
    public string Description => $"{Phenotype switch
    {
        Phenotype.GroupReared => "group-reared",
        Phenotype.IsolationReared => "isolation-reared",
        _ => "isolation + (R)-ketamine",
    }}, {Mode switch
    {
        OutputMode.ClosedLoop => "closed loop",
        OutputMode.OpenLoop => "open loop",
        OutputMode.Sham => "sham",
        _ => "yoked",
    }}";

    /// <summary>
    /// The demo's three rigs: the experiment; its sham control, given the same simulated mouse and encounters
    /// (same seed) so that stimulation is the only difference; and a group-reared reference.
    /// </summary>
    public static IReadOnlyList<DemoRigSpec> Standard(ulong seed) =>
    [
        new("rig-iso", Phenotype.IsolationReared, OutputMode.ClosedLoop, seed),
        new("rig-sham", Phenotype.IsolationReared, OutputMode.Sham, seed),
        new("rig-group", Phenotype.GroupReared, OutputMode.ClosedLoop, seed + 2),
    ];
}
