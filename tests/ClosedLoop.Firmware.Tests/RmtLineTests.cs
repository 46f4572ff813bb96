using System.Diagnostics;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace ClosedLoop.Firmware.Tests;

/// <summary>
/// The board on both RMT lines (firmware/RmtLine.props): CI builds it for line 2 (Rmt 2.x, before nf-interpreter
/// #3510) and for line 3 (Rmt 3.0, after it), each against its line's declaration of the RMT library and the
/// shared declarations of the rest. Each build calls only its own line's API, and the property is checked.
/// </summary>
public partial class FirmwareBuildTests
{
    private static string Rmt3DeclarationsFolder => Path.Combine(Root, "firmware", "NanoFrameworkApi.CompileOnly.Rmt3");

    private static string Rmt3DeclarationPath => Path.Combine(Path.GetDirectoryName(Metadata("FirmwareAssemblyRmt3"))!, "nanoFramework.Hardware.Esp32.Rmt.dll");

    [Fact]
    public void The_line_3_build_references_only_mscorlib_the_engine_and_the_declared_assemblies_and_has_no_generics()
    {
        Assert.True(File.Exists(Metadata("FirmwareAssemblyRmt3")), "CI's line-3 board build is missing");

        Assert.Empty(NanoCompatibility.Problems(Metadata("FirmwareAssemblyRmt3"), [.. DeclaredAssemblies(), "ClosedLoop.Engine"]));
        Assert.Empty(NanoCompatibility.Problems(Rmt3DeclarationPath, [.. DeclaredAssemblies()]));
    }

    [Fact]
    public void Every_api_declared_for_line_3_is_used_by_the_line_3_build()
    {
        var baseTypes = new HashSet<string>(StringComparer.Ordinal);
        var declared = DeclaredMembers(Rmt3DeclarationPath, baseTypes);
        var used = UsedMembers(Metadata("FirmwareAssemblyRmt3"));

        var unused = declared.Where(d => !Used(d, used, baseTypes)).ToList();

        Assert.True(unused.Count == 0, "declared but never used: " + string.Join(", ", unused));
        Assert.Contains("nanoFramework.Hardware.Esp32.Rmt.TransmitterEncodedChannel::SendWithEncoders", declared);
    }

    [Fact]
    public void Each_build_calls_only_its_own_lines_rmt_api()
    {
        string rmt = "nanoFramework.Hardware.Esp32.Rmt.";
        var line2 = UsedMembers(Metadata("FirmwareAssembly")).Where(m => m.StartsWith(rmt, StringComparison.Ordinal)).ToHashSet();
        var line3 = UsedMembers(Metadata("FirmwareAssemblyRmt3")).Where(m => m.StartsWith(rmt, StringComparison.Ordinal)).ToHashSet();

        // 2.x: channels by number, a clock divider, looping in hardware, RmtCommand items back.
        Assert.Contains(rmt + "RmtChannelSettings::ClockDivider", line2);
        Assert.Contains(rmt + "TransmitChannelSettings::EnableLooping", line2);
        Assert.Contains(rmt + "ReceiverChannel::GetAllItems", line2);
        // 3.0: a resolution, an encoder repeated for a loop, no carrier demodulation, RmtSymbols back.
        Assert.Contains(rmt + "RmtChannelSettings::ResolutionHz", line3);
        Assert.Contains(rmt + "TransmitterEncodedChannel::SendWithEncoders", line3);
        Assert.Contains(rmt + "ReceiverChannelSettings::EnableDemodulation", line3);
        Assert.Contains(rmt + "ReceiverChannel::TryGetReceivedSymbols", line3);
        Assert.DoesNotContain(line3, m => m.Contains("ClockDivider", StringComparison.Ordinal) || m.Contains("RmtCommand", StringComparison.Ordinal) || m.Contains("EnableLooping", StringComparison.Ordinal));
    }

    [Fact]
    public void The_line_3_declaration_names_the_commit_it_mirrors()
    {
        var files = Directory.EnumerateFiles(Rmt3DeclarationsFolder, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj/", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.StartsWith(
            "// Compile-only declaration: nanoFramework.Hardware.Esp32.Rmt 3.0 (nanoframework/nanoFramework.Hardware.Esp32.Rmt at e45c5d9, PR 128:",
            File.ReadLines(f).First(),
            StringComparison.Ordinal));
    }

    [Fact]
    public void The_sdk_image_refuses_line_3_until_its_package_exists_instead_of_building_against_2x()
    {
        var (exitCode, output) = Msbuild(Path.Combine(Root, "firmware", "ClosedLoop.Firmware.Image", "ClosedLoop.Firmware.Image.csproj"), "RefuseRmtLine3WithoutPackage", "-p:RmtLine=3");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("RmtLine 3 needs the nanoFramework.Hardware.Esp32.Rmt 3.0 package", output, StringComparison.Ordinal);
        Assert.Equal(0, Msbuild(Path.Combine(Root, "firmware", "ClosedLoop.Firmware.Image", "ClosedLoop.Firmware.Image.csproj"), "RefuseRmtLine3WithoutPackage").ExitCode);
    }

    private static (int ExitCode, string Output) Msbuild(string project, string target, params string[] properties)
    {
        var psi = new ProcessStartInfo("dotnet", ["msbuild", project, $"-t:{target}", "-nologo", .. properties])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var build = Process.Start(psi)!;
        string output = build.StandardOutput.ReadToEnd() + build.StandardError.ReadToEnd();
        build.WaitForExit();
        return (build.ExitCode, output);
    }

    [Fact]
    public void An_rmt_line_that_does_not_exist_is_refused_by_name()
    {
        var (exitCode, output) = Msbuild(Path.Combine(Root, "firmware", "ClosedLoop.Firmware.CompileCheck", "BoardBuild.props"), "CheckRmtLine", "-p:RmtLine=4");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("RmtLine is '4': expected 2", output, StringComparison.Ordinal);
    }
}
