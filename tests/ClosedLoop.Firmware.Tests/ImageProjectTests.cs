using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ClosedLoop.Firmware.Tests;

/// <summary>
/// firmware/ClosedLoop.Firmware.Image builds the deployable image with the .NET SDK (no Visual Studio). CI cannot
/// build it (nanoFramework's board packages are not served here), so these tests hold it to the .nfproj it stands
/// in for: an image built from other packages, other assemblies or other sources would not be the board
/// application Visual Studio builds.
/// </summary>
public partial class FirmwareBuildTests
{
    private static string ImageFolder => Path.Combine(Root, "firmware", "ClosedLoop.Firmware.Image");

    [Fact]
    public void The_sdk_image_project_pins_exactly_the_packages_of_the_board_applications_packages_config()
    {
        var pinned = XDocument.Load(Path.Combine(FirmwareFolder, "packages.config")).Descendants("package")
            .Select(p => $"{p.Attribute("id")!.Value} {p.Attribute("version")!.Value}").Order(StringComparer.Ordinal);

        Assert.Equal(pinned, ImagePackages().Select(p => $"{p.Key} {p.Value}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_sdk_image_project_references_each_assembly_of_the_board_nfproj_from_the_same_package()
    {
        var packages = ImagePackages();
        var referenced = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var reference in ImageProject().Descendants("Reference"))
        {
            // HintPath="$(PkgnanoFramework_M2Mqtt)/lib/nanoFramework.M2Mqtt.Core.dll": NuGet's path property names the package.
            var hint = PackagePathHint().Match(reference.Attribute("HintPath")!.Value);
            Assert.True(hint.Success, $"{reference.Attribute("HintPath")!.Value} is not a package's lib/ assembly");
            string assembly = reference.Attribute("Include")!.Value;
            Assert.Equal(assembly, hint.Groups["assembly"].Value);
            string package = packages.Keys.Single(id => id.Replace('.', '_') == hint.Groups["property"].Value);
            referenced[assembly] = $"{package}.{packages[package]}";
        }

        Assert.Equal(NfprojReferences().OrderBy(r => r.Key, StringComparer.Ordinal), referenced.OrderBy(r => r.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void The_sdk_image_project_compiles_the_board_sources_with_the_engine_as_its_own_assembly_and_writes_where_flash_looks()
    {
        var project = ImageProject();

        Assert.Equal(["../ClosedLoop.Firmware/**/*.cs"], project.Descendants("Compile").Select(c => c.Attribute("Include")!.Value));
        Assert.Equal(["../ClosedLoop.Engine.NanoGate/ClosedLoop.Engine.NanoGate.csproj"], project.Descendants("ProjectReference").Select(c => c.Attribute("Include")!.Value));
        Assert.Equal("ClosedLoop.Firmware", project.Descendants("AssemblyName").Single().Value);
        // flash's default image is the .nfproj's output: firmware/ClosedLoop.Firmware/bin/Release/ClosedLoop.Firmware.bin.
        Assert.Equal("$(MSBuildThisFileDirectory)../ClosedLoop.Firmware/bin/$(Configuration)/", project.Descendants("OutDir").Single().Value);
        Assert.Contains(project.Descendants("Import"), i => i.Attribute("Project")!.Value == "NanoFrameworkImage.targets");
    }

    [Fact]
    public void The_image_step_pins_the_metadata_processor_and_runs_the_tasks_these_tests_compile()
    {
        var targets = XDocument.Load(Path.Combine(ImageFolder, "NanoFrameworkImage.targets"));
        var processor = targets.Descendants("PackageReference").Single();
        Assert.Equal("nanoFramework.Tools.MetadataProcessor.MsBuildTask", processor.Attribute("Include")!.Value);
        Assert.Equal("3.0.100", processor.Attribute("Version")!.Value);

        // ImageTaskTests test these very files (linked into this project): MSBuild compiles them at build time.
        var sources = targets.Descendants("UsingTask").ToDictionary(
            t => t.Attribute("TaskName")!.Value,
            t => t.Descendants("Code").Single().Attribute("Source")!.Value);
        Assert.Equal(
            new Dictionary<string, string>
            {
                [nameof(ClosedLoop.Firmware.Image.ConvertToNanoFrameworkPe)] = "$(MSBuildThisFileDirectory)Tasks/ConvertToNanoFrameworkPe.cs",
                [nameof(ClosedLoop.Firmware.Image.WriteNanoFrameworkDeployment)] = "$(MSBuildThisFileDirectory)Tasks/WriteNanoFrameworkDeployment.cs",
            },
            sources);
    }

    private static XDocument ImageProject() => XDocument.Load(Path.Combine(ImageFolder, "ClosedLoop.Firmware.Image.csproj"));

    private static Dictionary<string, string> ImagePackages() =>
        ImageProject().Descendants("PackageReference").ToDictionary(p => p.Attribute("Include")!.Value, p => p.Attribute("Version")!.Value, StringComparer.Ordinal);

    [GeneratedRegex(@"^\$\(Pkg(?<property>[A-Za-z0-9_]+)\)/lib/(?<assembly>[A-Za-z0-9.]+)\.dll$")]
    private static partial Regex PackagePathHint();
}
