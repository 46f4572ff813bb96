namespace ClosedLoop.VirtualRig;

/// <summary>
/// One planned encounter: when contact starts and how long it lasts (µs of rig time), and the partner met, which the
/// virtual tracker marks (<paramref name="Partner"/> null and <paramref name="Novelty"/> unmarked: the TTL input marks it).
/// </summary>
public sealed record PlannedEncounter(long OnsetUs, long DurationUs, Novelty Novelty = Novelty.Unmarked, string? Partner = null)
{
    /// <summary>Whether the video tracker marks it (with its partner) rather than the TTL input.</summary>
    public bool MarkedByTracker => Novelty != Novelty.Unmarked || Partner is not null;
}

/// <summary>The encounters of a simulated session, in order.</summary>
public sealed class Scenario
{
    private Scenario(IReadOnlyList<PlannedEncounter> encounters) => Encounters = encounters;

    public IReadOnlyList<PlannedEncounter> Encounters { get; }

    /// <summary>Encounters at fixed times.</summary>
    public static Scenario Fixed(params PlannedEncounter[] encounters)
    {
        for (int i = 1; i < encounters.Length; i++)
        {
            if (encounters[i].OnsetUs < encounters[i - 1].OnsetUs + encounters[i - 1].DurationUs)
            {
                throw new ArgumentException($"encounter {i} starts at {encounters[i].OnsetUs} us, before encounter {i - 1} ends", nameof(encounters));
            }
        }

        return new Scenario(encounters);
    }

    /// <summary>
    /// A fixed schedule: <paramref name="count"/> encounters of <paramref name="durationUs"/> every
    /// <paramref name="intervalUs"/>, the first at <paramref name="firstOnsetUs"/>.
    /// </summary>
    public static Scenario Regular(int count, long firstOnsetUs, long intervalUs, long durationUs) =>
        Fixed([.. Enumerable.Range(0, count).Select(i => new PlannedEncounter(firstOnsetUs + i * intervalUs, durationUs))]);

    /// <summary>
    /// The same encounters as a social recognition session: the partners alternate between a familiar cage-mate and a
    /// novel stranger, the seed choosing which comes first, each marked by the tracker.
    /// </summary>
    public Scenario WithAlternatingPartners(ulong seed, string familiar = "cagemate", string novel = "stranger")
    {
        bool novelFirst = (new SeededRandom(seed).NextUInt64() & 1) == 1;
        return new Scenario([.. Encounters.Select((e, i) => (i % 2 == 0) == novelFirst
            ? e with { Novelty = Novelty.Novel, Partner = novel }
            : e with { Novelty = Novelty.Familiar, Partner = familiar })]);
    }

    /// <summary>
    /// Random encounters from a seed: gaps between the end of one and the next onset uniform in
    /// [minGapUs, maxGapUs], durations uniform in [minDurationUs, maxDurationUs]. The same seed gives the same plan.
    /// </summary>
    public static Scenario Random(ulong seed, int count, long firstOnsetUs, long minGapUs, long maxGapUs, long minDurationUs, long maxDurationUs)
    {
        var random = new SeededRandom(seed);
        var list = new List<PlannedEncounter>(count);
        long onset = firstOnsetUs;
        for (int i = 0; i < count; i++)
        {
            long duration = minDurationUs + random.NextLong(maxDurationUs - minDurationUs + 1);
            list.Add(new PlannedEncounter(onset, duration));
            onset += duration + minGapUs + random.NextLong(maxGapUs - minGapUs + 1);
        }

        return new Scenario(list);
    }
}
