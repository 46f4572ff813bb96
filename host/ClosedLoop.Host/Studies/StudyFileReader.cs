using System.Text.RegularExpressions;

namespace ClosedLoop.Host.Studies;

/// <summary>
/// Reads a study file (TOML) and checks it whole: every unknown key, missing field, bad value and condition setting
/// the engine refuses is reported with its line and field, and nothing of a file with an error is used.
/// </summary>
public static partial class StudyFileReader
{
    private static readonly string[] StudyKeys = ["name", "config", "blinded", "seed", "balance", "species", "lab", "institution", "virus", "indicator", "experimenters", "yoke_max_delay_ms"];
    private static readonly string[] AnimalKeys = ["id", "group", "treatment", "sex", "notes", "age", "date_of_birth", "strain", "genotype"];
    private static readonly string[] RigKeys = ["id"];
    private static readonly string[] ConditionKeys = ["kind", "settings", "follows", "yoke"];
    private static readonly string[] SessionKeys = ["name", "kind", "minutes", "repeat", "recognition"];
    private static readonly string[] TopKeys = ["study", "animals", "rigs", "conditions", "sessions"];

    /// <summary>The condition kinds as the file spells them.</summary>
    public static readonly IReadOnlyDictionary<string, ConditionKind> ConditionKinds = new Dictionary<string, ConditionKind>
    {
        ["closed_loop"] = ConditionKind.ClosedLoop,
        ["yoked"] = ConditionKind.Yoked,
        ["sham"] = ConditionKind.Sham,
        ["none"] = ConditionKind.None,
    };

    public static readonly IReadOnlyDictionary<string, YokeSource> YokeSources = new Dictionary<string, YokeSource>
    {
        ["live"] = YokeSource.Live,
        ["recorded"] = YokeSource.Recorded,
    };

    public static readonly IReadOnlyDictionary<string, SessionKind> SessionKinds = new Dictionary<string, SessionKind>
    {
        ["baseline"] = SessionKind.Baseline,
        ["stimulation"] = SessionKind.Stimulation,
    };

    public static readonly IReadOnlyList<string> Sexes = ["female", "male", "other", "unknown"];

    /// <summary>The engine's output mode for each condition kind (the one setting a condition may not change itself).</summary>
    public static string OutputMode(ConditionKind kind) => kind switch
    {
        ConditionKind.ClosedLoop => "closed_loop",
        ConditionKind.Yoked => "yoked",
        _ => "sham",
    };

    public static Study Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new StudyFileException(path, [new StudyError(0, string.Empty, string.Empty, "the study file does not exist")]);
        }

        byte[] bytes;
        try
        {
            bytes = ClosedLoop.Host.InputFile.ReadBounded(path, MaxBytes, "a study file");
        }
        catch (InputException e)
        {
            throw new StudyFileException(path, [new StudyError(0, string.Empty, string.Empty, e.Message)]);
        }

        return Read(System.Text.Encoding.UTF8.GetString(bytes), path);
    }

    /// <summary>The largest study file read: far more than any study's animals, rigs, conditions and sessions need.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    public static Study Read(string text, string path)
    {
        var (root, syntax) = TomlTree.Parse(text, path);
        if (root is null)
        {
            throw new StudyFileException(path, [.. syntax.Select(e => new StudyError(e.Line, string.Empty, string.Empty, e.Message))]);
        }

        var errors = new List<StudyError>();
        var top = new TableReader(root, string.Empty, errors);
        top.RejectUnknown(TopKeys);

        var studyTable = top.Table("study", required: true);
        var study = new TableReader(studyTable ?? new TomlTableNode(1), "study", errors);
        string name = study.Text("name", required: true) ?? string.Empty;
        string configPath = study.Text("config", required: true) ?? string.Empty;
        bool blinded = study.Boolean("blinded") ?? true;
        long? seed = study.Integer("seed", 0, long.MaxValue);
        if (blinded && seed is not null)
        {
            errors.Add(new StudyError(study.LineOf("seed"), "study.seed", seed.Value.ToString(CultureInfo.InvariantCulture),
                "no seed in a blinded study's file (whoever reads it could recompute the assignment): `study plan` draws one and seals it with the key; set blinded = false to give your own"));
        }

        var balance = study.Words("balance", Study.BalanceFields) ?? ["group", "treatment"];
        string species = study.Text("species") ?? "Mus musculus";
        string? lab = study.Text("lab");
        string? institution = study.Text("institution");
        string? virus = study.Text("virus");
        string? indicator = study.Text("indicator");
        var experimenters = study.Texts("experimenters") ?? [];
        long yokeMaxDelayMs = study.Integer("yoke_max_delay_ms", 0, 60_000) ?? Study.DefaultYokeMaxDelayMs;
        if (studyTable is not null)
        {
            study.RejectUnknown(StudyKeys);
        }

        string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string configFullPath = configPath.Length == 0 ? string.Empty : Path.GetFullPath(Path.Combine(folder, configPath));
        if (configPath.Length > 0 && !File.Exists(configFullPath))
        {
            errors.Add(new StudyError(study.LineOf("config"), "study.config", configPath, $"an nf.config file the study's rigs start from (not found at {configFullPath})"));
            configFullPath = string.Empty;
        }

        var animals = ReadAnimals(top, errors);
        var rigs = ReadRigs(top, errors);
        var conditions = ReadConditions(top, errors);
        var sessions = ReadSessions(top, errors);
        CheckFollows(conditions, errors);
        if (configFullPath.Length > 0)
        {
            CheckConditionConfigs(conditions, rigs, configFullPath, errors);
        }

        if (errors.Count > 0)
        {
            throw new StudyFileException(path, [.. errors.OrderBy(e => e.Line)]);
        }

        return new Study(name, blinded, seed is null ? null : (ulong)seed.Value, configFullPath, balance,
            animals, [.. rigs.Select(r => r.Id)], [.. conditions.Select(c => c.Condition)], sessions, Path.GetFullPath(path), species)
        {
            Lab = lab,
            Institution = institution,
            Virus = virus,
            Indicator = indicator,
            Experimenters = experimenters,
            YokeMaxDelayMs = yokeMaxDelayMs,
        };
    }

    private static List<StudyAnimal> ReadAnimals(TableReader top, List<StudyError> errors)
    {
        var animals = new List<StudyAnimal>();
        var tables = top.Tables("animals");
        foreach (var (table, index) in tables.Select((t, i) => (t, i)))
        {
            var animal = new TableReader(table, $"animals[{index + 1}]", errors);
            animal.RejectUnknown(AnimalKeys);
            string id = animal.Name("id") ?? string.Empty;
            if (id.Length > 0 && animals.Any(a => a.Id == id))
            {
                errors.Add(new StudyError(animal.LineOf("id"), animal.FieldName("id"), id, "an id no other animal has"));
            }

            string? age = animal.Text("age");
            if (age is not null && !IsoDuration().IsMatch(age))
            {
                errors.Add(new StudyError(animal.LineOf("age"), animal.FieldName("age"), age, "an ISO 8601 duration, as NWB and DANDI take an age: P90D (90 days), P12W, P3M"));
            }

            string? born = animal.Text("date_of_birth");
            if (born is not null && !DateOnly.TryParseExact(born, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                errors.Add(new StudyError(animal.LineOf("date_of_birth"), animal.FieldName("date_of_birth"), born, "a date as yyyy-MM-dd"));
            }

            animals.Add(new StudyAnimal(id, animal.Text("group", required: true) ?? string.Empty, animal.Text("treatment") ?? "none",
                animal.Word("sex", Sexes) ?? "unknown", animal.Text("notes") ?? string.Empty)
            {
                Age = age,
                DateOfBirth = born,
                Strain = animal.Text("strain"),
                Genotype = animal.Text("genotype"),
            });
        }

        if (tables.Count == 0)
        {
            errors.Add(new StudyError(top.LineOf("animals"), "animals", string.Empty, "at least one [[animals]] table (id, group, treatment, sex, notes)"));
        }

        return animals;
    }

    private static List<(string Id, int Line)> ReadRigs(TableReader top, List<StudyError> errors)
    {
        var rigs = new List<(string Id, int Line)>();
        var tables = top.Tables("rigs");
        foreach (var (table, index) in tables.Select((t, i) => (t, i)))
        {
            var rig = new TableReader(table, $"rigs[{index + 1}]", errors);
            rig.RejectUnknown(RigKeys);
            string id = rig.Text("id", required: true) ?? string.Empty;
            if (id.Length > 0 && rigs.Any(r => r.Id == id))
            {
                errors.Add(new StudyError(rig.LineOf("id"), rig.FieldName("id"), id, "an id no other rig has"));
            }

            rigs.Add((id, table.Line));
        }

        if (tables.Count == 0)
        {
            errors.Add(new StudyError(top.LineOf("rigs"), "rigs", string.Empty, "at least one [[rigs]] table with the id of a rig (its rig.id)"));
        }

        return rigs;
    }

    private static List<(StudyCondition Condition, int Line, int FollowsLine)> ReadConditions(TableReader top, List<StudyError> errors)
    {
        var conditions = new List<(StudyCondition, int, int)>();
        var table = top.Table("conditions", required: true);
        if (table is null)
        {
            return conditions;
        }

        foreach (var (name, node) in table.Entries)
        {
            string field = $"conditions.{name}";
            if (node is not TomlTableNode conditionTable)
            {
                errors.Add(new StudyError(node.Line, field, string.Empty, "a table [conditions.NAME] with kind = closed_loop, yoked, sham or none"));
                continue;
            }

            if (!NamePattern().IsMatch(name))
            {
                errors.Add(new StudyError(node.Line, field, name, "a condition name of letters, digits, '-' and '_'"));
            }

            var condition = new TableReader(conditionTable, field, errors);
            condition.RejectUnknown(ConditionKeys);
            var kind = condition.Choice("kind", ConditionKinds, required: true) ?? ConditionKind.None;
            string? follows = condition.Text("follows");
            var yoke = condition.Choice("yoke", YokeSources) ?? YokeSource.Live;
            if (kind != ConditionKind.Yoked && (follows is not null || conditionTable["yoke"] is not null))
            {
                errors.Add(new StudyError(condition.LineOf(follows is not null ? "follows" : "yoke"), condition.FieldName(follows is not null ? "follows" : "yoke"),
                    follows ?? string.Empty, "only a yoked condition follows another"));
            }

            conditions.Add((new StudyCondition(name, kind, ReadSettings(condition, errors), follows, yoke), node.Line, condition.LineOf("follows")));
        }

        if (conditions.Count == 0)
        {
            errors.Add(new StudyError(table.Line, "conditions", string.Empty, "at least one condition, e.g. [conditions.closed-loop] kind = \"closed_loop\""));
        }

        return conditions;
    }

    private static List<ConditionSetting> ReadSettings(TableReader condition, List<StudyError> errors)
    {
        var settings = new List<ConditionSetting>();
        var table = condition.Table("settings", required: false);
        if (table is null)
        {
            return settings;
        }

        // settings.detector.deficit_threshold = 1.5, or a [conditions.NAME.settings] table with section.key lines.
        foreach (var (section, node) in table.Entries)
        {
            if (node is not TomlTableNode keys)
            {
                errors.Add(new StudyError(node.Line, $"{condition.Path}.settings.{section}", string.Empty, "nf.config settings as section.key = value"));
                continue;
            }

            foreach (var (key, value) in keys.Entries)
            {
                string field = $"{section}.{key}";
                if (value is not TomlScalar scalar)
                {
                    errors.Add(new StudyError(value.Line, $"{condition.Path}.settings.{field}", string.Empty, "a single value"));
                }
                else if (field == "output.mode")
                {
                    errors.Add(new StudyError(value.Line, $"{condition.Path}.settings.{field}", ScalarText(scalar.Value), "no output.mode: the condition's kind sets it"));
                }
                else
                {
                    settings.Add(new ConditionSetting(field, ScalarText(scalar.Value), value.Line));
                }
            }
        }

        return settings;
    }

    private static List<StudySession> ReadSessions(TableReader top, List<StudyError> errors)
    {
        var sessions = new List<StudySession>();
        var tables = top.Tables("sessions");
        foreach (var (table, index) in tables.Select((t, i) => (t, i)))
        {
            var session = new TableReader(table, $"sessions[{index + 1}]", errors);
            session.RejectUnknown(SessionKeys);
            string name = session.Name("name") ?? string.Empty;
            if (name.Length > 0 && sessions.Any(s => s.Name == name))
            {
                errors.Add(new StudyError(session.LineOf("name"), session.FieldName("name"), name, "a name no other session has"));
            }

            sessions.Add(new StudySession(name, session.Choice("kind", SessionKinds, required: true) ?? SessionKind.Stimulation,
                (int)(session.Integer("minutes", 1, 24 * 60, required: true) ?? 1), (int)(session.Integer("repeat", 1, 100) ?? 1))
            {
                Recognition = session.Boolean("recognition") ?? false,
            });
        }

        if (tables.Count == 0)
        {
            errors.Add(new StudyError(top.LineOf("sessions"), "sessions", string.Empty, "at least one [[sessions]] table (name, kind = baseline or stimulation, minutes, repeat)"));
        }

        return sessions;
    }

    private static void CheckFollows(List<(StudyCondition Condition, int Line, int FollowsLine)> conditions, List<StudyError> errors)
    {
        var closedLoop = conditions.Where(c => c.Condition.Kind == ConditionKind.ClosedLoop).Select(c => c.Condition.Name).ToList();
        for (int i = 0; i < conditions.Count; i++)
        {
            var (condition, line, followsLine) = conditions[i];
            if (condition.Kind != ConditionKind.Yoked)
            {
                continue;
            }

            string field = $"conditions.{condition.Name}.follows";
            if (condition.Follows is null)
            {
                if (closedLoop.Count == 1)
                {
                    conditions[i] = (condition with { Follows = closedLoop[0] }, line, followsLine);
                }
                else
                {
                    errors.Add(new StudyError(line, field, string.Empty, closedLoop.Count == 0
                        ? "a closed_loop condition for the yoked animals to follow: the study has none"
                        : $"the closed_loop condition to follow, one of {string.Join(", ", closedLoop)}"));
                }
            }
            else if (!closedLoop.Contains(condition.Follows))
            {
                errors.Add(new StudyError(followsLine, field, condition.Follows, closedLoop.Count == 0
                    ? "a closed_loop condition: the study has none"
                    : $"one of the closed_loop conditions: {string.Join(", ", closedLoop)}"));
            }
        }
    }

    /// <summary>Each condition's config (the study's nf.config, the rig's id, the condition's mode and settings) must be one a rig accepts.</summary>
    private static void CheckConditionConfigs(List<(StudyCondition Condition, int Line, int FollowsLine)> conditions, List<(string Id, int Line)> rigs, string configPath, List<StudyError> errors)
    {
        var config = new FileInfo(configPath);
        foreach (var (condition, line, _) in conditions)
        {
            var input = ConfigInput.Load(config, [.. ConditionAssignments(condition)], forRig: true);
            foreach (var error in input.Result.Errors)
            {
                var setting = condition.Settings.FirstOrDefault(s => s.Field == error.Field);
                errors.Add(new StudyError(setting?.Line ?? line, setting is null ? $"conditions.{condition.Name} ({error.Field} in {config.Name})" : $"conditions.{condition.Name}.settings.{error.Field}",
                    error.Value, error.Expected));
            }
        }

        foreach (var (id, line) in rigs.Where(r => r.Id.Length > 0))
        {
            var input = ConfigInput.Load(config, [$"rig.id={id}"], forRig: true);
            foreach (var error in input.Result.Errors.Where(e => e.Field == "rig.id"))
            {
                errors.Add(new StudyError(line, "rigs.id", error.Value, error.Expected));
            }
        }
    }

    /// <summary>The `section.key=value` overrides a condition applies to the study's config: its kind's output mode, then its settings.</summary>
    public static IEnumerable<string> ConditionAssignments(StudyCondition condition) =>
        [$"output.mode={OutputMode(condition.Kind)}", .. condition.Settings.Select(s => s.Assignment)];

    private static string ScalarText(object value) => value switch
    {
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex NamePattern();

    /// <summary>An ISO 8601 duration of whole years, months, weeks or days (P90D, P12W, P1Y2M).</summary>
    [GeneratedRegex("^P(?=\\d)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?$")]
    private static partial Regex IsoDuration();

    /// <summary>Reads one table's fields, adding an error (line, field, value, expected) for each that is wrong.</summary>
    private sealed class TableReader(TomlTableNode table, string path, List<StudyError> errors)
    {
        public string Path => path;

        public string FieldName(string key) => path.Length == 0 ? key : $"{path}.{key}";

        public int LineOf(string key) => table[key]?.Line ?? table.Line;

        public void RejectUnknown(IReadOnlyList<string> known)
        {
            foreach (var (key, node) in table.Entries.Where(e => !known.Contains(e.Key)))
            {
                errors.Add(new StudyError(node.Line, FieldName(key), string.Empty, $"a known key: {string.Join(", ", known)}"));
            }
        }

        public TomlTableNode? Table(string key, bool required)
        {
            switch (table[key])
            {
                case TomlTableNode t:
                    return t;
                case null when !required:
                    return null;
                case null:
                    errors.Add(new StudyError(table.Line, FieldName(key), string.Empty, $"a [{FieldName(key)}] table"));
                    return null;
                case var other:
                    errors.Add(new StudyError(other.Line, FieldName(key), string.Empty, $"a [{FieldName(key)}] table"));
                    return null;
            }
        }

        public IReadOnlyList<TomlTableNode> Tables(string key)
        {
            switch (table[key])
            {
                case null:
                    return [];
                case TomlList list when list.Items.All(i => i is TomlTableNode):
                    return [.. list.Items.Cast<TomlTableNode>()];
                case var other:
                    errors.Add(new StudyError(other.Line, FieldName(key), string.Empty, $"[[{FieldName(key)}]] tables"));
                    return [];
            }
        }

        public string? Text(string key, bool required = false)
        {
            switch (table[key])
            {
                case null when required:
                    errors.Add(new StudyError(table.Line, FieldName(key), string.Empty, "a value (it is required)"));
                    return null;
                case null:
                    return null;
                case TomlScalar { Value: string s } node when s.Trim().Length > 0 || !required:
                    return s.Trim();
                case TomlScalar { Value: string } node:
                    errors.Add(new StudyError(node.Line, FieldName(key), string.Empty, "a text that is not empty"));
                    return null;
                case var node:
                    errors.Add(new StudyError(node.Line, FieldName(key), Describe(node), "a quoted text"));
                    return null;
            }
        }

        /// <summary>A required identifier: letters, digits, '-' and '_' (it becomes part of file names and messages).</summary>
        public string? Name(string key)
        {
            string? text = Text(key, required: true);
            if (text is not null && !NamePattern().IsMatch(text))
            {
                errors.Add(new StudyError(LineOf(key), FieldName(key), text, "letters, digits, '-' and '_' only"));
                return null;
            }

            return text;
        }

        public bool? Boolean(string key)
        {
            switch (table[key])
            {
                case null:
                    return null;
                case TomlScalar { Value: bool b }:
                    return b;
                case var node:
                    errors.Add(new StudyError(node.Line, FieldName(key), Describe(node), "true or false"));
                    return null;
            }
        }

        public long? Integer(string key, long min, long max, bool required = false)
        {
            switch (table[key])
            {
                case null when required:
                    errors.Add(new StudyError(table.Line, FieldName(key), string.Empty, $"a whole number from {min} to {max} (it is required)"));
                    return null;
                case null:
                    return null;
                case TomlScalar { Value: long n } when n >= min && n <= max:
                    return n;
                case var node:
                    errors.Add(new StudyError(node.Line, FieldName(key), Describe(node), $"a whole number from {min} to {max}"));
                    return null;
            }
        }

        public string? Word(string key, IReadOnlyList<string> allowed)
        {
            string? text = Text(key);
            if (text is not null && !allowed.Contains(text))
            {
                errors.Add(new StudyError(LineOf(key), FieldName(key), text, $"one of {string.Join(", ", allowed)}"));
                return null;
            }

            return text;
        }

        public T? Choice<T>(string key, IReadOnlyDictionary<string, T> choices, bool required = false)
            where T : struct
        {
            string? text = Text(key, required);
            if (text is null)
            {
                return null;
            }

            if (choices.TryGetValue(text, out var value))
            {
                return value;
            }

            errors.Add(new StudyError(LineOf(key), FieldName(key), text, $"one of {string.Join(", ", choices.Keys)}"));
            return null;
        }

        public IReadOnlyList<string>? Words(string key, IReadOnlyList<string> allowed)
        {
            switch (table[key])
            {
                case null:
                    return null;
                case TomlList list when list.Items.All(i => i is TomlScalar { Value: string s } && allowed.Contains(s)):
                    return [.. list.Items.Select(i => (string)((TomlScalar)i).Value).Distinct()];
                case var node:
                    errors.Add(new StudyError(node.Line, FieldName(key), Describe(node), $"a list of {string.Join(", ", allowed)}"));
                    return null;
            }
        }

        /// <summary>A list of quoted texts, none empty (e.g. the study's experimenters).</summary>
        public IReadOnlyList<string>? Texts(string key)
        {
            switch (table[key])
            {
                case null:
                    return null;
                case TomlList list when list.Items.All(i => i is TomlScalar { Value: string s } && s.Trim().Length > 0):
                    return [.. list.Items.Select(i => ((string)((TomlScalar)i).Value).Trim()).Distinct()];
                case var node:
                    errors.Add(new StudyError(node.Line, FieldName(key), Describe(node), "a list of quoted texts, none empty (e.g. [\"Yokoyama, Akiko\"])"));
                    return null;
            }
        }

        private static string Describe(TomlNode node) => node switch
        {
            TomlScalar s => ScalarText(s.Value),
            TomlList => "[...]",
            _ => "{...}",
        };
    }
}
