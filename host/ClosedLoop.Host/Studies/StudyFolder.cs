using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClosedLoop.Host.Studies;

/// <summary>What the experimenter sees of an animal in plan.json: its condition as a code when the study is blinded, and its partner only when it is not.</summary>
public sealed record PlannedAnimal(string Id, string Group, string Treatment, string Sex, string Condition, string? Partner);

/// <summary>One run as plan.json lists it.</summary>
public sealed record PlannedRun(string Session, string Kind, int Minutes, int Slot, string Rig, string Animal, string Condition);

/// <summary>plan.json: the plan as anyone may read it. <see cref="KeySha256"/> commits to the sealed key.</summary>
public sealed record PlanFile(string Study, DateTimeOffset PlannedUtc, string PlannedBy, bool Blinded, string InputsSha256, string KeySha256,
    ulong? Seed, IReadOnlyList<PlannedAnimal> Animals, IReadOnlyList<PlannedRun> Runs);

/// <summary>One animal's true assignment, as only the key holds it in a blinded study.</summary>
public sealed record KeyedAssignment(string Animal, string Condition, string Code, string? Partner);

/// <summary>key.json: the seed, the codes and the assignment, sealed (owner-only file, its hash in plan.json).</summary>
public sealed record KeyFile(string Study, ulong Seed, string InputsSha256, IReadOnlyDictionary<string, string> Codes, IReadOnlyList<KeyedAssignment> Assignments);

/// <summary>A line of unblinding.log: who revealed the key, when, from which account and machine, and why.</summary>
public sealed record UnblindingRecord(DateTimeOffset Utc, string By, string Account, string Machine, string Reason);

/// <summary>One animal's accepted threshold.</summary>
public sealed record CalibratedAnimal(string Id, int Encounters, double MedianDeltaZ, double Threshold);

/// <summary>calibration.json: the thresholds accepted for the animals' later sessions, what they rest on, who accepted them and when.</summary>
public sealed record CalibrationFile(string Session, string Basis, DateTimeOffset AcceptedUtc, string AcceptedBy,
    IReadOnlyList<CalibratedAnimal> Animals, IReadOnlyList<LoggedStudySession> Sessions);

/// <summary>
/// A study's files beside its study file, in STEM-plan/: plan.json (readable by all), key.json (sealed),
/// unblinding.log (one JSON line per unblinding) and calibration.json (the accepted thresholds).
/// </summary>
public sealed class StudyFolder(string studyFile)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly JsonSerializerOptions JsonLine = new(Json) { WriteIndented = false };

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(studyFile))!,
        System.IO.Path.GetFileNameWithoutExtension(studyFile) + "-plan");

    public string PlanPath => System.IO.Path.Combine(Path, "plan.json");

    public string KeyPath => System.IO.Path.Combine(Path, "key.json");

    public string UnblindingLogPath => System.IO.Path.Combine(Path, "unblinding.log");

    public string CalibrationPath => System.IO.Path.Combine(Path, "calibration.json");

    public bool IsPlanned => File.Exists(PlanPath);

    /// <summary>Records accepted thresholds; a later acceptance replaces an earlier one.</summary>
    public void WriteCalibration(CalibrationFile calibration)
    {
        Directory.CreateDirectory(Path);
        File.WriteAllText(CalibrationPath, JsonSerializer.Serialize(calibration, Json));
    }

    public CalibrationFile? ReadCalibration() => File.Exists(CalibrationPath) ? Read<CalibrationFile>(CalibrationPath, "the calibration") : null;

    /// <summary>Writes the key (owner-only) and then the plan that commits to it. A study is planned once.</summary>
    public PlanFile Write(StudyPlan plan, string plannedBy, DateTimeOffset now)
    {
        if (IsPlanned)
        {
            throw new InvalidOperationException($"{PlanPath} exists: a study is planned once (a new plan would be a new randomisation). Move the folder away to plan again.");
        }

        Directory.CreateDirectory(Path);
        var study = plan.Study;
        string inputs = StudyPlan.InputsHash(study);
        var key = new KeyFile(study.Name, plan.Seed, inputs, plan.Codes.ToDictionary(p => p.Value, p => p.Key),
            [.. plan.Assignments.Select(a => new KeyedAssignment(a.AnimalId, a.Condition, plan.Codes[a.Condition], a.Partner))]);
        string keyText = JsonSerializer.Serialize(key, Json);
        PrivateFile.Write(KeyPath, keyText);

        var planFile = new PlanFile(study.Name, now, plannedBy, study.Blinded, inputs, Sha256(keyText), study.Blinded ? null : plan.Seed,
            [.. study.Animals.Select(animal =>
            {
                var assignment = plan.AssignmentOf(animal.Id);
                return new PlannedAnimal(animal.Id, animal.Group, animal.Treatment, animal.Sex, plan.Label(assignment.Condition), study.Blinded ? null : assignment.Partner);
            })],
            [.. plan.Runs.Select(r => new PlannedRun(r.Session, r.Kind.ToString().ToLowerInvariant(), r.Minutes, r.Slot, r.Rig, r.AnimalId,
                r.Kind == SessionKind.Baseline ? "baseline" : plan.Label(plan.AssignmentOf(r.AnimalId).Condition)))]);
        File.WriteAllText(PlanPath, JsonSerializer.Serialize(planFile, Json));
        return planFile;
    }

    public PlanFile ReadPlan() => Read<PlanFile>(PlanPath, "the plan (run `closedloop study plan` first)");

    /// <summary>The key, only if it is the one plan.json committed to.</summary>
    public KeyFile ReadKey(PlanFile plan)
    {
        if (!File.Exists(KeyPath))
        {
            throw new InvalidDataException($"{KeyPath} is missing: the key sealed with the plan is not in the study folder");
        }

        string text = File.ReadAllText(KeyPath);
        if (Sha256(text) != plan.KeySha256)
        {
            throw new InvalidDataException($"{KeyPath} is not the key sealed with the plan (its SHA-256 is {Sha256(text)}, plan.json committed to {plan.KeySha256})");
        }

        return JsonSerializer.Deserialize<KeyFile>(text, Json) ?? throw new InvalidDataException($"{KeyPath} is empty");
    }

    public void RecordUnblinding(UnblindingRecord record) =>
        File.AppendAllText(UnblindingLogPath, JsonSerializer.Serialize(record, JsonLine) + "\n");

    public IReadOnlyList<UnblindingRecord> Unblindings() => File.Exists(UnblindingLogPath)
        ? [.. File.ReadAllLines(UnblindingLogPath).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<UnblindingRecord>(l, Json)!)]
        : [];

    private static T Read<T>(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{path} is missing: {what}");
        }

        return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} is empty");
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
