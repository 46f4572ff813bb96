using ClosedLoop.Engine.Core;

namespace ClosedLoop.Host.Studies;

/// <summary>An animal's condition, and for a yoked animal the closed-loop animal whose trains it receives.</summary>
public sealed record AnimalAssignment(string AnimalId, string Condition, string? Partner);

/// <summary>
/// Counterbalanced random assignment. Animals are split into strata by the study's balance fields (group and
/// treatment by default); within a stratum they are shuffled and dealt conditions in blocks, each block a fresh
/// random order of every condition, so a stratum's conditions differ in count by at most one; a last partial
/// block takes the conditions least used so far across the study. Each yoked animal follows a closed-loop animal
/// of its own stratum where one has room (then its group, then any); no closed-loop animal carries more than an
/// even share of yoked animals, ⌈yoked / closed-loop⌉, because each needs a rig of its own at the same time. The engine's
/// seeded generator (xorshift64*) makes it the same on every machine for the same study and seed.
/// </summary>
public static class ConditionAssignment
{
    public static IReadOnlyList<AnimalAssignment> Assign(Study study, ulong seed)
    {
        var random = new SeededRandom(seed);
        var conditions = study.Conditions.Select(c => c.Name).ToList();
        var used = conditions.ToDictionary(c => c, _ => 0);
        var dealt = new List<(StudyAnimal Animal, string Condition)>();
        foreach (var stratum in Strata(study))
        {
            var animals = random.Shuffled(stratum);
            int position = 0;
            for (; position + conditions.Count <= animals.Count; position += conditions.Count)
            {
                var block = random.Shuffled(conditions);
                for (int i = 0; i < block.Count; i++)
                {
                    dealt.Add((animals[position + i], block[i]));
                    used[block[i]]++;
                }
            }

            // The partial block: the least-used conditions, ties in a random order.
            var rest = random.Shuffled(conditions).OrderBy(c => used[c]).Take(animals.Count - position).ToList();
            for (int i = 0; i < rest.Count; i++)
            {
                dealt.Add((animals[position + i], rest[i]));
                used[rest[i]]++;
            }
        }

        var partners = ChoosePartners(study, dealt);
        return [.. study.Animals.Select(a => dealt.First(d => d.Animal.Id == a.Id))
            .Select(d => new AnimalAssignment(d.Animal.Id, d.Condition, partners.GetValueOrDefault(d.Animal.Id)))];
    }

    /// <summary>A stratum key of <paramref name="animal"/>: its values of the study's balance fields.</summary>
    public static string StratumOf(Study study, StudyAnimal animal) => string.Join(" / ", study.Balance.Select(field => field switch
    {
        "group" => animal.Group,
        "treatment" => animal.Treatment,
        _ => animal.Sex,
    }));

    private static IEnumerable<List<StudyAnimal>> Strata(Study study) =>
        study.Animals.GroupBy(a => StratumOf(study, a), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.OrderBy(a => a.Id, StringComparer.Ordinal).ToList());

    private static Dictionary<string, string> ChoosePartners(Study study, List<(StudyAnimal Animal, string Condition)> dealt)
    {
        var partners = new Dictionary<string, string>();
        var followers = dealt.ToDictionary(d => d.Animal.Id, _ => 0);
        var yoked = dealt.Where(d => study.Condition(d.Condition).Kind == ConditionKind.Yoked).ToList();

        // First every yoked animal that can follow an animal of its own stratum, then the rest (its group first),
        // each closed-loop animal carrying at most its even share, so no partner needs more rigs than the rest.
        foreach (bool ownStratumOnly in new[] { true, false })
        {
            foreach (var (animal, condition) in yoked.Where(y => !partners.ContainsKey(y.Animal.Id)))
            {
                string follows = study.Condition(condition).Follows!;
                var candidates = dealt.Where(d => d.Condition == follows).ToList();
                if (candidates.Count == 0)
                {
                    throw new StudyFileException(study.SourcePath, [new StudyError(0, $"conditions.{condition}", follows,
                        $"an animal in condition {follows} for each yoked animal to follow; the assignment gave none (the study needs at least as many animals as conditions)")]);
                }

                int share = (yoked.Count(y => y.Condition == condition) + candidates.Count - 1) / candidates.Count;
                var partner = candidates
                    .Where(c => followers[c.Animal.Id] < share && (!ownStratumOnly || StratumOf(study, c.Animal) == StratumOf(study, animal)))
                    .OrderBy(c => c.Animal.Group == animal.Group ? 0 : 1)
                    .ThenBy(c => followers[c.Animal.Id])
                    .ThenBy(c => c.Animal.Id, StringComparer.Ordinal)
                    .Select(c => c.Animal.Id)
                    .FirstOrDefault();
                if (partner is not null)
                {
                    partners[animal.Id] = partner;
                    followers[partner]++;
                }
            }
        }

        return partners;
    }
}
