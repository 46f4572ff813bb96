using System.Security.Cryptography;
using ClosedLoop.Engine.Core;

namespace ClosedLoop.Host.Studies;

/// <summary>
/// A study's plan: the seed, each animal's condition (and partner), the blinding codes and the order of runs.
/// Everything follows from the study and the seed, so `unblind` can show that the sealed key is the assignment
/// the seed gives.
/// </summary>
public sealed class StudyPlan
{
    private StudyPlan(Study study, ulong seed, IReadOnlyList<AnimalAssignment> assignments, IReadOnlyDictionary<string, string> codes, IReadOnlyList<ScheduledRun> runs)
    {
        Study = study;
        Seed = seed;
        Assignments = assignments;
        Codes = codes;
        Runs = runs;
    }

    public Study Study { get; }

    public ulong Seed { get; }

    public IReadOnlyList<AnimalAssignment> Assignments { get; }

    /// <summary>Condition name to its blinding code (single capital letters in a random order).</summary>
    public IReadOnlyDictionary<string, string> Codes { get; }

    public IReadOnlyList<ScheduledRun> Runs { get; }

    public static StudyPlan Create(Study study, ulong seed)
    {
        if (study.Conditions.Count > 26)
        {
            throw new StudyFileException(study.SourcePath, [new StudyError(0, "conditions", study.Conditions.Count.ToString(CultureInfo.InvariantCulture), "at most 26 conditions (one letter code each)")]);
        }

        // Three streams from one seed, so that changing the rigs or sessions never changes who gets which condition.
        var letters = new SeededRandom(seed ^ 0xC0DE5UL).Shuffled(Enumerable.Range(0, study.Conditions.Count).Select(i => ((char)('A' + i)).ToString()));
        var codes = study.Conditions.Select((c, i) => (c.Name, letters[i])).ToDictionary(p => p.Name, p => p.Item2);
        var assignments = ConditionAssignment.Assign(study, seed);
        var runs = SessionSchedule.Build(study, assignments, new SeededRandom(seed ^ 0x5C4ED01EUL));
        var plan = new StudyPlan(study, seed, assignments, codes, runs);
        if (plan.ConfoundedWithRig() is { } condition)
        {
            throw new StudyFileException(study.SourcePath, [new StudyError(0, "rigs", string.Join(", ", study.Rigs),
                $"a plan in which condition {plan.Label(condition)} runs on one rig only: a difference between the rigs would be that condition's effect")]);
        }

        return plan;
    }

    /// <summary>Runs per condition and rig, every session counted: what `study plan` shows to prove the balance.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> RunsByConditionAndRig(IEnumerable<(string Condition, string Rig)> runs, IReadOnlyList<string> rigs) =>
        runs.GroupBy(r => r.Condition).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (IReadOnlyDictionary<string, int>)rigs.ToDictionary(rig => rig, rig => g.Count(r => r.Rig == rig)));

    /// <summary>A condition whose runs (two or more) all sit on one rig of a study that has several, or null.</summary>
    public string? ConfoundedWithRig() =>
        Study.Rigs.Count < 2 ? null : Confounded(RunsByConditionAndRig(Runs.Select(r => (AssignmentOf(r.AnimalId).Condition, r.Rig)), Study.Rigs));

    /// <summary>In a table of runs by condition and rig, a condition with two or more runs all on one rig, or null.</summary>
    public static string? Confounded(IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> table) =>
        table.FirstOrDefault(c => c.Value.Count >= 2 && c.Value.Values.Sum() >= 2 && c.Value.Values.Count(n => n > 0) == 1).Key;

    /// <summary>A seed from the system's cryptographic generator, for a blinded study (nobody can guess it from the file).</summary>
    public static ulong NewSeed() => BitConverter.ToUInt64(RandomNumberGenerator.GetBytes(8));

    /// <summary>What the experimenter may see for a condition: its code in a blinded study, else its name.</summary>
    public string Label(string condition) => Study.Blinded ? Codes[condition] : condition;

    public AnimalAssignment AssignmentOf(string animalId) => Assignments.First(a => a.AnimalId == animalId);

    /// <summary>SHA-256 of <see cref="Study.AssignmentInputs"/>: ties a key to the animals and conditions it was made for.</summary>
    public static string InputsHash(Study study) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(study.AssignmentInputs)));
}
