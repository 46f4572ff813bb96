using System.Collections;
using System.Globalization;
using ClosedLoop.Firmware.Image;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace ClosedLoop.Firmware.Tests;

/// <summary>
/// The image build's two MSBuild steps (firmware/ClosedLoop.Firmware.Image/Tasks), compiled here as MSBuild compiles
/// them. MetadataProcessor is replaced by <see cref="nanoFramework.Tools.MetadataProcessor.MsBuildTask.MetaDataProcessorTask"/>
/// below, which records what it was given and the culture it ran in.
/// </summary>
[Collection(nameof(ImageTaskTests))]
public class ImageTaskTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-image-").FullName;
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;

    public void Dispose()
    {
        CultureInfo.CurrentCulture = _culture;
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Metadata_processor_runs_in_en_US_on_a_machine_whose_culture_sorts_otherwise_and_the_culture_is_restored()
    {
        // Lithuanian collation sorts y with i: MetadataProcessor's type order, and so the .pe, would differ.
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("lt-LT");
        Assert.True(string.Compare("y", "j", StringComparison.CurrentCulture) < 0);
        var convert = Conversion(typeof(ImageTaskTests).Assembly.Location);

        Assert.True(convert.Execute());

        var seen = nanoFramework.Tools.MetadataProcessor.MsBuildTask.MetaDataProcessorTask.LastRun!;
        Assert.Equal("en-US", seen.Culture);
        Assert.Equal("lt-LT", CultureInfo.CurrentCulture.Name);
        Assert.Equal(Path.Combine(_folder, "App.dll"), seen.Parse);
        Assert.Equal(Path.Combine(_folder, "App.pe"), seen.Compile);
        Assert.Equal(["mscorlib.dll", "System.Net.dll"], seen.LoadHints);
    }

    [Fact]
    public void A_missing_metadata_processor_is_an_error_naming_where_it_was_looked_for()
    {
        string missing = Path.Combine(_folder, "nanoFramework.Tools.MetadataProcessor.MsBuildTask.dll");
        var engine = new RecordingBuildEngine();
        var convert = Conversion(missing, engine);

        Assert.False(convert.Execute());

        Assert.Contains(engine.Errors, e => e.Contains(missing, StringComparison.Ordinal));
    }

    [Fact]
    public void A_failing_metadata_processor_fails_the_build()
    {
        var convert = Conversion(typeof(ImageTaskTests).Assembly.Location);
        convert.Assembly = "refuse";

        Assert.False(convert.Execute());
    }

    [Fact]
    public void The_deployment_is_each_pe_in_order_padded_with_zeros_to_four_bytes()
    {
        string[] pes = [Write("a.pe", [1, 2, 3, 4, 5]), Write("b.pe", [6, 7, 8, 9, 10, 11, 12, 13]), Write("c.pe", [14, 15, 16])];
        string deployment = Path.Combine(_folder, "App.bin");
        var write = new WriteNanoFrameworkDeployment
        {
            BuildEngine = new RecordingBuildEngine(),
            PeFiles = pes.Select(p => (ITaskItem)new TaskItem(p)).ToArray(),
            Deployment = deployment,
        };

        Assert.True(write.Execute());

        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 0, 0, 0, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 0 }, File.ReadAllBytes(deployment));
    }

    private ConvertToNanoFrameworkPe Conversion(string taskAssembly, RecordingBuildEngine? engine = null) => new()
    {
        BuildEngine = engine ?? new RecordingBuildEngine(),
        TaskAssembly = taskAssembly,
        Assembly = Path.Combine(_folder, "App.dll"),
        Pe = Path.Combine(_folder, "App.pe"),
        LoadHints = [new TaskItem("mscorlib.dll"), new TaskItem("System.Net.dll")],
    };

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private sealed class RecordingBuildEngine : IBuildEngine
    {
        public List<string> Errors { get; } = [];

        public bool ContinueOnError => false;

        public int LineNumberOfTaskNode => 0;

        public int ColumnNumberOfTaskNode => 0;

        public string ProjectFileOfTaskNode => "test";

        public void LogErrorEvent(BuildErrorEventArgs e) => Errors.Add(e.Message ?? "");

        public void LogWarningEvent(BuildWarningEventArgs e)
        {
        }

        public void LogMessageEvent(BuildMessageEventArgs e)
        {
        }

        public void LogCustomEvent(CustomBuildEventArgs e)
        {
        }

        public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => false;
    }
}
