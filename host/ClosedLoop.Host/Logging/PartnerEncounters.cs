using ClosedLoop.Engine.Detection;
using ClosedLoop.Engine.Encounters;

namespace ClosedLoop.Host.Logging;

/// <summary>
/// One logged encounter with the partner its mark named: the whole post window's Δz where the rig decided a response
/// or a deficit (NaN where it could not decide: too little signal, an overlap), and the contact's length (NaN without
/// its encounter_off).
/// </summary>
public sealed record PartnerEncounter(long OnsetUs, Novelty Novelty, string? Partner, double DeltaZ, double ContactS);

/// <summary>
/// Social recognition in one animal's session: its aIC response to novel against familiar partners (mean Δz of each)
/// and its preference as the social recognition test measures it, the contact-time index
/// (novel − familiar) / (novel + familiar) over the total contact with each (0: no preference; the paper's
/// group-reared mice explore the novel mouse more, isolation-reared ones do not).
/// </summary>
public sealed record Discrimination(int NovelEncounters, int FamiliarEncounters, double NovelDeltaZ, double FamiliarDeltaZ, double NovelContactS, double FamiliarContactS)
{
    /// <summary>Novel minus familiar mean Δz: how much more the aIC answers a stranger.</summary>
    public double DeltaZDifference => NovelDeltaZ - FamiliarDeltaZ;

    /// <summary>(novel − familiar) / (novel + familiar) contact time, from −1 to 1; NaN without contact.</summary>
    public double ContactIndex => NovelContactS + FamiliarContactS > 0 ? (NovelContactS - FamiliarContactS) / (NovelContactS + FamiliarContactS) : double.NaN;

    /// <summary>The discrimination of a session's encounters, or null unless it met both a novel and a familiar partner.</summary>
    public static Discrimination? Of(IEnumerable<PartnerEncounter> encounters)
    {
        var novel = encounters.Where(e => e.Novelty == Novelty.Novel).ToList();
        var familiar = encounters.Where(e => e.Novelty == Novelty.Familiar).ToList();
        if (novel.Count == 0 || familiar.Count == 0)
        {
            return null;
        }

        static double MeanDeltaZ(List<PartnerEncounter> list) => list.Select(e => e.DeltaZ).Where(double.IsFinite).DefaultIfEmpty(double.NaN).Average();
        static double Contact(List<PartnerEncounter> list) => list.Select(e => e.ContactS).Where(double.IsFinite).Sum();
        return new Discrimination(novel.Count, familiar.Count, MeanDeltaZ(novel), MeanDeltaZ(familiar), Contact(novel), Contact(familiar));
    }
}

/// <summary>Joins each encounter_on (and its partner) with its decision and its encounter_off, by onset.</summary>
public static class PartnerEncounters
{
    /// <summary>The word a novelty is logged as (familiar, novel, unmarked).</summary>
    public static string Word(Novelty novelty) => ClosedLoop.Engine.Config.ConfigSchema.Novelties[(int)novelty];

    /// <summary>The novelty a word names (the words of <see cref="Word"/>); an unknown word is unmarked.</summary>
    public static Novelty NoveltyOf(string word) => (Novelty)Math.Max(0, Array.IndexOf(ClosedLoop.Engine.Config.ConfigSchema.Novelties, word));

    /// <summary>The encounters with an onset <paramref name="within"/> (all of them when null), in journal order.</summary>
    public static IReadOnlyList<PartnerEncounter> Read(LoggedEvents events, Func<long, bool>? within = null)
    {
        var wholeWindow = events.Scores.GroupBy(s => s.OnsetUs).ToDictionary(g => g.Key, g => g.First().DeltaZ);
        var deltaZ = events.Decisions.Where(d => d.Outcome is DecisionOutcome.Response or DecisionOutcome.Deficit)
            .GroupBy(d => d.OnsetUs)
            .ToDictionary(g => g.Key, g => g.First().Early ? wholeWindow.GetValueOrDefault(g.Key, double.NaN) : g.First().DeltaZ);
        var offsets = events.EncounterEnds.GroupBy(e => e.OnsetUs).ToDictionary(g => g.Key, g => g.First().OffsetUs);
        return [.. events.Encounters.Where(e => within is null || within(e.OnsetUs)).Select(e => new PartnerEncounter(
            e.OnsetUs,
            e.Novelty,
            e.Partner,
            deltaZ.GetValueOrDefault(e.OnsetUs, double.NaN),
            offsets.TryGetValue(e.OnsetUs, out long offset) ? (offset - e.OnsetUs) / 1e6 : double.NaN))];
    }
}
