using ClosedLoop.Host.Export;

namespace ClosedLoop.Host.Studies;

/// <summary>A logged session's subject as its study knows it: the animal's sex, species, group and treatment, and its condition as the plan shows it (a code when blinded).</summary>
public static class StudySubject
{
    private static readonly Dictionary<string, string> NwbSex = new()
    {
        ["female"] = "F",
        ["male"] = "M",
        ["other"] = "O",
        ["unknown"] = "U",
    };

    public static NwbOptions Describe(NwbOptions options, FileInfo studyFile, string? subject)
    {
        InputFile.Require(studyFile, "a study file (TOML)");
        var study = StudyFileReader.Read(studyFile.FullName);
        var animal = study.Animals.FirstOrDefault(a => a.Id == subject)
            ?? throw new InputException(subject is null
                ? "--study: the session names no subject (closedloop session RIG start --subject ID)"
                : $"--study: the session's subject '{subject}' is not an animal of {studyFile.FullName}");
        var folder = new StudyFolder(studyFile.FullName);
        string? condition = folder.IsPlanned ? folder.ReadPlan().Animals.FirstOrDefault(a => a.Id == animal.Id)?.Condition : null;
        return Describe(options, study, animal, condition);
    }

    /// <summary><paramref name="options"/> with the animal as the subject and the condition as the experimenter may see it.</summary>
    public static NwbOptions Describe(NwbOptions options, Study study, StudyAnimal animal, string? condition) => options with
    {
        Subject = new NwbSubject(animal.Id, NwbSex[animal.Sex], study.Species, $"group: {animal.Group}; treatment: {animal.Treatment}" + (animal.Notes.Length > 0 ? $"; {animal.Notes}" : string.Empty))
        {
            Age = animal.Age,
            DateOfBirth = animal.DateOfBirth,
            Strain = animal.Strain,
            Genotype = animal.Genotype,
        },
        Condition = condition,
        Lab = study.Lab,
        Institution = study.Institution,
        Virus = study.Virus,
        Indicator = study.Indicator,
        Experimenters = study.Experimenters,
    };
}
