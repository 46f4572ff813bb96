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
/// give the qualitative picture of the paper (group and treated mice respond, isolated mice mostly do not; group
/// and treated mice tell a familiar from a novel mouse, isolated mice do not), not values fitted to its data.
/// </summary>
/// <param name="ResponseProbability">Chance that an encounter evokes a response at all.</param>
/// <param name="MeanAmplitude">Mean evoked dF/F (fraction) when it does.</param>
public sealed record ResponseModel(double ResponseProbability, double MeanAmplitude)
{
    /// <summary>How the aIC answers a partner marked familiar (null: as any other); the record's own values answer a novel or unmarked one.</summary>
    public ResponseModel? Familiar { get; init; }

    /// <summary>How much longer the mouse stays with a novel partner than with a familiar one (1: no preference).</summary>
    public double NovelContactScale { get; init; } = 1;

    public static ResponseModel For(Phenotype phenotype) => phenotype switch
    {
        // Recognition: a familiar mouse evokes less, and a novel one is explored longer...
        Phenotype.GroupReared => new(0.9, 0.05) { Familiar = new(0.6, 0.02), NovelContactScale = 2 },

        // ...except after isolation rearing, which takes the discrimination away with the response...
        Phenotype.IsolationReared => new(0.15, 0.03) { Familiar = new(0.15, 0.03), NovelContactScale = 1 },

        // ...and (R)-ketamine restores both.
        Phenotype.IsolationKetamine => new(0.8, 0.04) { Familiar = new(0.55, 0.016), NovelContactScale = 1.8 },
        _ => throw new ArgumentOutOfRangeException(nameof(phenotype), phenotype, "unknown phenotype"),
    };

    /// <summary>The model for a partner of this novelty.</summary>
    public ResponseModel To(Novelty novelty) => novelty == Novelty.Familiar && Familiar is not null ? Familiar : this;
}
