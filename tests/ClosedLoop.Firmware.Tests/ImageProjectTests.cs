using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ClosedLoop.Firmware.Tests;

/// <summary>
/// firmware/ClosedLoop.Firmware.Image and ClosedLoop.Engine.NanoTests.Image build nanoFramework assemblies with the .NET
/// SDK (no Visual Studio). CI cannot build them (nanoFramework's board packages are not served here), so these tests
/// hold each to the .nfproj it stands in for: assemblies built from other packages, references or sources would not
/// be what Visual Studio builds.
/// </summary>
public partial class FirmwareBuildTests
{
    private static string ImageFolder => Path.Combine(Root, "firmware", "ClosedLoop.Firmware.Image");

    /// <summary>Each SDK image project and the .nfproj folder it stands in for.</summary>
    public static TheoryData<string, string> ImageProjects => new()
    {
        { "ClosedLoop.Firmware.Image", "ClosedLoop.Firmware" },
        { "ClosedLoop.Engine.NanoTests.Image", "ClosedLoop.Engine.NanoTests" },
    };

    [Theory]
    [MemberData(nameof(ImageProjects))]
    public void An_sdk_image_project_pins_exactly_the_packages_of_its_nfprojs_packages_config(string image, string nfprojFolder)
    {
        var pinned = XDocument.Load(Path.Combine(Root, "firmware", nfprojFolder, "packages.config")).Descendants("package")
            .Select(p => $"{p.Attribute("id")!.Value} {p.Attribute("version")!.Value}").Order(StringComparer.Ordinal);

        Assert.Equal(pinned, ImagePackages(image).Select(p => $"{p.Key} {p.Value}").Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ImageProjects))]
    public void An_sdk_image_project_references_each_assembly_of_its_nfproj_from_the_same_package(string image, string nfprojFolder)
    {
        var packages = ImagePackages(image);
        var referenced = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var reference in ImageProject(image).Descendants("Reference"))
        {
            // HintPath="$(PkgnanoFramework_M2Mqtt)/lib/nanoFramework.M2Mqtt.Core.dll": NuGet's path property names the package.
            var hint = PackagePathHint().Match(reference.Attribute("HintPath")!.Value);
            Assert.True(hint.Success, $"{reference.Attribute("HintPath")!.Value} is not a package's lib/ assembly");
            string assembly = reference.Attribute("Include")!.Value;
            Assert.Equal(assembly, hint.Groups["assembly"].Value);
            string package = packages.Keys.Single(id => id.Replace('.', '_') == hint.Groups["property"].Value);
            referenced[assembly] = $"{package}.{packages[package]}";
        }

        string nfproj = Directory.EnumerateFiles(Path.Combine(Root, "firmware", nfprojFolder), "*.nfproj").Single();
        Assert.Equal(NfprojReferences(nfproj).OrderBy(r => r.Key, StringComparer.Ordinal), referenced.OrderBy(r => r.Key, StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(ImageProjects))]
    public void An_sdk_image_project_compiles_its_nfprojs_sources_as_its_assembly_with_the_engine_as_its_own(string image, string nfprojFolder)
    {
        var project = ImageProject(image);
        var nfproj = XDocument.Load(Directory.EnumerateFiles(Path.Combine(Root, "firmware", nfprojFolder), "*.nfproj").Single());

        Assert.Equal([$"../{nfprojFolder}/**/*.cs"], project.Descendants("Compile").Select(c => c.Attribute("Include")!.Value));
        Assert.Equal(["../ClosedLoop.Engine.NanoGate/ClosedLoop.Engine.NanoGate.csproj"], project.Descendants("ProjectReference").Select(c => c.Attribute("Include")!.Value));
        Assert.Equal(nfproj.Descendants().Single(e => e.Name.LocalName == "AssemblyName").Value, project.Descendants("AssemblyName").Single().Value);
        Assert.Contains(project.Descendants("Import"), i => i.Attribute("Project")!.Value.EndsWith("NanoFrameworkImage.targets", StringComparison.Ordinal));
    }

    [Fact]
    public void The_board_image_is_written_where_flash_looks_for_it()
    {
        // flash's default image is the .nfproj's output: firmware/ClosedLoop.Firmware/bin/Release/ClosedLoop.Firmware.bin.
        Assert.Equal("$(MSBuildThisFileDirectory)../ClosedLoop.Firmware/bin/$(Configuration)/", ImageProject("ClosedLoop.Firmware.Image").Descendants("OutDir").Single().Value);
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

    private static XDocument ImageProject(string image) => XDocument.Load(Path.Combine(Root, "firmware", image, image + ".csproj"));

    private static Dictionary<string, string> ImagePackages(string image) =>
        ImageProject(image).Descendants("PackageReference").ToDictionary(p => p.Attribute("Include")!.Value, p => p.Attribute("Version")!.Value, StringComparer.Ordinal);

    [GeneratedRegex(@"^\$\(Pkg(?<property>[A-Za-z0-9_]+)\)/lib/(?<assembly>[A-Za-z0-9.]+)\.(dll|exe)$")]
    private static partial Regex PackagePathHint();
}
