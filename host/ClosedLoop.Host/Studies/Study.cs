namespace ClosedLoop.Host.Studies;

/// <summary>What a condition does on the rig. Sham and none both leave the outputs undriven on the rig (the engine's sham mode); they differ in the lab's protocol (a sham animal is tethered to the light source, a no-stimulation animal is not).</summary>
public enum ConditionKind
{
    ClosedLoop,
    Yoked,
    Sham,
    None,
}

/// <summary>Where a yoked rig's train times come from: its partner's live triggers, relayed by the host, or a recorded partner session's schedule.</summary>
public enum YokeSource
{
    Live,
    Recorded,
}

/// <summary>A baseline session drives no output (it calibrates); a stimulation session runs each animal's condition.</summary>
public enum SessionKind
{
    Baseline,
    Stimulation,
}

/// <summary>An animal of the study. Sex is female, male, other or unknown (NWB's F, M, O, U).</summary>
public sealed record StudyAnimal(string Id, string Group, string Treatment, string Sex, string Notes)
{
    /// <summary>Age at the study's sessions as an ISO 8601 duration (P90D), or null.</summary>
    public string? Age { get; init; }

    /// <summary>Date of birth (yyyy-MM-dd), or null.</summary>
    public string? DateOfBirth { get; init; }

    public string? Strain { get; init; }

    public string? Genotype { get; init; }
}

/// <summary>One nf.config setting a condition changes, with the study file line it was written on.</summary>
public sealed record ConditionSetting(string Field, string Value, int Line)
{
    public string Assignment => $"{Field}={Value}";
}

/// <summary>A condition: its kind, the settings it changes from the study's rig config, and for a yoked condition the closed-loop condition it follows and how.</summary>
public sealed record StudyCondition(string Name, ConditionKind Kind, IReadOnlyList<ConditionSetting> Settings, string? Follows, YokeSource Yoke);

/// <summary>A session of the plan; <see cref="Repeat"/> stimulation sessions of the same kind are numbered name-1, name-2, ...</summary>
public sealed record StudySession(string Name, SessionKind Kind, int Minutes, int Repeat)
{
    /// <summary>Every session this entry stands for, in order.</summary>
    public IEnumerable<string> Occurrences => Repeat == 1 ? [Name] : Enumerable.Range(1, Repeat).Select(i => $"{Name}-{i}");

    /// <summary>
    /// A social recognition session: each encounter is with a familiar or a novel partner, which the tracker marks
    /// (encounter_start's partner and novelty); `study simulate` then alternates a cage-mate and a stranger.
    /// </summary>
    public bool Recognition { get; init; }
}

/// <summary>
/// A study as its file states it: the animals, the rigs, the conditions and the session plan. <see cref="Seed"/> is
/// present only in an unblinded study's file; a blinded study's seed is drawn by `study plan` and sealed with the key.
/// </summary>
public sealed record Study(
    string Name,
    bool Blinded,
    ulong? Seed,
    string ConfigPath,
    IReadOnlyList<string> Balance,
    IReadOnlyList<StudyAnimal> Animals,
    IReadOnlyList<string> Rigs,
    IReadOnlyList<StudyCondition> Conditions,
    IReadOnlyList<StudySession> Sessions,
    string SourcePath,
    string Species = "Mus musculus")
{
    /// <summary>Who ran the study and where, and the virus injected, as an NWB file's general fields say them (null: not stated).</summary>
    public string? Lab { get; init; }

    public string? Institution { get; init; }

    public string? Virus { get; init; }

    /// <summary>The sensor the signal channel reads (e.g. GCaMP6s), for the NWB file's channel descriptions.</summary>
    public string? Indicator { get; init; }

    /// <summary>The people responsible for the study, as NWB's experimenter lists them ("Last, First" for DANDI).</summary>
    public IReadOnlyList<string> Experimenters { get; init; } = [];

    /// <summary>
    /// The latest a yoked train may start after its partner's, in session time (ms), for its session to count: a
    /// later one stimulates at another moment of the encounter than its partner's (contacts last seconds), so the
    /// session is no yoked control; report and export leave it out and say why.
    /// </summary>
    public long YokeMaxDelayMs { get; init; } = DefaultYokeMaxDelayMs;

    /// <summary>A second: far above the relay's measured delay (under 10 ms at up to 30x), well below a contact's length.</summary>
    public const long DefaultYokeMaxDelayMs = 1000;

    /// <summary>Sessions whose yoked trains broke <see cref="YokeMaxDelayMs"/>, each with what broke it; the rest are <c>Kept</c>.</summary>
    public (IReadOnlyList<AnimalSession> Kept, IReadOnlyList<(AnimalSession Session, string Why)> LeftOut) SplitByYokeTiming(IReadOnlyList<AnimalSession> sessions)
    {
        var left = sessions.Select(s => (Session: s, Why: s.YokeBroken(YokeMaxDelayMs * 1000))).Where(p => p.Why is not null).Select(p => (p.Session, p.Why!)).ToList();
        return ([.. sessions.Where(s => left.All(l => !ReferenceEquals(l.Session, s)))], left);
    }

    /// <summary>Whether a condition is yoked live (its sessions run beside their partner's, through the host's relay).</summary>
    public bool HasLiveYoke => Conditions.Any(c => c.Kind == ConditionKind.Yoked && c.Yoke == YokeSource.Live);

    /// <summary>The fields an assignment may balance over, in the order strata are formed.</summary>
    public static readonly IReadOnlyList<string> BalanceFields = ["group", "treatment", "sex"];

    public string Folder => Path.GetDirectoryName(Path.GetFullPath(SourcePath))!;

    public StudyCondition Condition(string name) => Conditions.First(c => c.Name == name);

    /// <summary>
    /// Everything the assignment depends on, as one line of text: the same study gives the same assignment from
    /// the same seed exactly when this is unchanged (notes, sessions and rigs may change freely).
    /// </summary>
    public string AssignmentInputs => string.Join(";",
        ["balance=" + string.Join(",", Balance),
         .. Animals.Select(a => $"animal={a.Id}|{a.Group}|{a.Treatment}|{a.Sex}"),
         .. Conditions.Select(c => $"condition={c.Name}|{c.Kind}|{c.Follows}")]);
}

/// <summary>One thing wrong in a study file: the line, the field (e.g. <c>animals[3].sex</c>), what it held and what was expected.</summary>
public sealed record StudyError(int Line, string Field, string Value, string Expected)
{
    public override string ToString() => Field.Length == 0
        ? $"line {Line}: {Expected}"
        : $"line {Line}: {Field} = '{Value}': {Expected}";
}

/// <summary>A study file that cannot be used, with every error found in it.</summary>
public sealed class StudyFileException(string path, IReadOnlyList<StudyError> errors)
    : Exception($"{path}: {errors.Count} error(s)\n  " + string.Join("\n  ", errors))
{
    public string Path { get; } = path;

    public IReadOnlyList<StudyError> Errors { get; } = errors;
}
