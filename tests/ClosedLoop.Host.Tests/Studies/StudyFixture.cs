using ClosedLoop.Host.Studies;

namespace ClosedLoop.Host.Tests.Studies;

/// <summary>A temporary study folder holding the repository's nf.config, and study files written into it.</summary>
internal sealed class StudyFixture : IDisposable
{
    public StudyFixture()
    {
        File.Copy(Path.Combine(CommandLine.RepositoryRoot, "nf.config"), Path.Combine(Folder, "nf.config"));
    }

    public string Folder { get; } = Directory.CreateTempSubdirectory("closedloop-study").FullName;

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    /// <summary>Writes <paramref name="text"/> as a study file in the folder and returns its path.</summary>
    public string Write(string text, string name = "study.toml")
    {
        string path = Path.Combine(Folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    public Study Read(string text) => StudyFileReader.Read(Write(text));

    /// <summary>A study file: the [study] table, the four usual conditions, two rigs, a baseline and two stimulation sessions, and the animals given.</summary>
    public static string Text(IEnumerable<(string Id, string Group, string Treatment)> animals, bool blinded = true, string yoke = "live", string extra = "", long? seed = null) =>
        $"""
        [study]
        name = "test-study"
        config = "nf.config"
        blinded = {(blinded ? "true" : "false")}{(seed is null ? string.Empty : $"\nseed = {seed}")}

        [conditions.closed-loop]
        kind = "closed_loop"
        settings.detector.deficit_threshold = 1.5

        [conditions.yoked]
        kind = "yoked"
        yoke = "{yoke}"

        [conditions.sham]
        kind = "sham"

        [conditions.no-stimulation]
        kind = "none"

        [[sessions]]
        name = "baseline"
        kind = "baseline"
        minutes = 10

        [[sessions]]
        name = "stim"
        kind = "stimulation"
        minutes = 20
        repeat = 2

        [[rigs]]
        id = "rig-01"

        [[rigs]]
        id = "rig-02"

        [[rigs]]
        id = "rig-03"
        {extra}
        {AnimalTables(animals)}
        """;

    public static string AnimalTables(IEnumerable<(string Id, string Group, string Treatment)> animals) =>
        string.Concat(animals.Select(a => $"\n[[animals]]\nid = \"{a.Id}\"\ngroup = \"{a.Group}\"\ntreatment = \"{a.Treatment}\"\n"));

    /// <summary>Two groups by two treatments, <paramref name="perStratum"/> animals each, named m01, m02, ...</summary>
    public static List<(string Id, string Group, string Treatment)> Animals(int perStratum)
    {
        var animals = new List<(string, string, string)>();
        foreach (string group in new[] { "group-reared", "isolation-reared" })
        {
            foreach (string treatment in new[] { "saline", "r-ketamine" })
            {
                for (int i = 0; i < perStratum; i++)
                {
                    animals.Add(($"m{animals.Count + 1:00}", group, treatment));
                }
            }
        }

        return animals;
    }
}
