namespace ClosedLoop.VirtualRig;

/// <summary>The rearing condition of the simulated mouse, after Yokoyama, Ago et al. (Mol. Psychiatry 2024).</summary>
public enum Phenotype
{
    /// <summary>Group-reared: the aIC activates when the mouse meets another.</summary>
    GroupReared,

    /// <summary>Isolation-reared: the activation is mostly missing.</summary>
    IsolationReared,

    /// <summary>Isolation-reared after an (R)-ketamine-like treatment: the activation is largely restored.</summary>
    IsolationKetamine,
}

/// <summary>
/// How often and how strongly a phenotype's aIC responds to an encounter. These are model assumptions chosen to
/// give the qualitative picture of the paper (group and treated mice respond, isolated mice mostly do not), not
/// values fitted to its data.
/// </summary>
/// <param name="ResponseProbability">Chance that an encounter evokes a response at all.</param>
/// <param name="MeanAmplitude">Mean evoked dF/F (fraction) when it does.</param>
public sealed record ResponseModel(double ResponseProbability, double MeanAmplitude)
{
    public static ResponseModel For(Phenotype phenotype) => phenotype switch
    {
        Phenotype.GroupReared => new(0.9, 0.05),
        Phenotype.IsolationReared => new(0.15, 0.03),
        Phenotype.IsolationKetamine => new(0.8, 0.04),
        _ => throw new ArgumentOutOfRangeException(nameof(phenotype), phenotype, "unknown phenotype"),
    };
}
