using System.Globalization;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace nanoFramework.Tools.MetadataProcessor.MsBuildTask;

/// <summary>
/// Stand-in for nanoFramework's MetadataProcessor MSBuild task (metadata-processor v3.0.100,
/// MetadataProcessor.MsBuildTask/MetaDataProcessorTask.cs): the same namespace, type name and the three properties an
/// application build sets (Parse, Compile, LoadHints), so the image step finds it as it finds the real one. It
/// records what it was given and the culture it ran in, writes an empty .pe, and fails for an assembly named
/// "refuse" as the real task fails on an assembly it cannot convert.
/// </summary>
public sealed class MetaDataProcessorTask : Microsoft.Build.Utilities.Task
{
    public sealed record Run(string Culture, string Parse, string Compile, IReadOnlyList<string> LoadHints);

    public static Run? LastRun { get; private set; }

    public string Parse { get; set; } = "";

    public string Compile { get; set; } = "";

    public ITaskItem[] LoadHints { get; set; } = [];

    public override bool Execute()
    {
        LastRun = new Run(CultureInfo.CurrentCulture.Name, Parse, Compile, LoadHints.Select(h => h.ItemSpec).ToList());
        if (Parse == "refuse")
        {
            Log.LogError("cannot convert " + Parse);
            return false;
        }

        File.WriteAllBytes(Compile, []);
        return true;
    }
}
