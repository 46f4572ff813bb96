using System.Xml.Linq;

namespace ClosedLoop.Engine.Tests;

public sealed class NanoGateTests
{
    [Fact]
    public void Board_build_of_the_engine_exists()
    {
        Assert.True(File.Exists(Paths.NanoGateAssembly), $"the nanoFramework gate build is missing at {Paths.NanoGateAssembly}");
    }

    [Fact]
    public void Board_build_references_only_mscorlib_and_uses_no_generics()
    {
        var problems = NanoCompatibility.Problems(Paths.NanoGateAssembly);

        Assert.Empty(problems);
    }

    [Fact]
    public void The_nfproj_lists_exactly_the_engine_sources()
    {
        string folder = Path.Combine(Paths.RepositoryRoot, "firmware", "ClosedLoop.Engine");
        var listed = XDocument.Load(Path.Combine(folder, "ClosedLoop.Engine.nfproj"))
            .Descendants().Where(e => e.Name.LocalName == "Compile")
            .Select(e => e.Attribute("Include")!.Value.Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        var sources = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

        Assert.Equal(sources, listed);
    }

    [Fact]
    public void Checker_flags_an_assembly_built_against_the_full_framework()
    {
        var problems = NanoCompatibility.Problems(typeof(ClosedLoopEngine).Assembly.Location);

        Assert.Contains(problems, p => p.StartsWith("references assembly System.Runtime", StringComparison.Ordinal));
    }

    [Fact]
    public void Checker_flags_generic_definitions_and_instantiations()
    {
        var problems = NanoCompatibility.Problems(typeof(GenericProbe<>).Assembly.Location);

        Assert.Contains(problems, p => p.Contains("defines generic type ClosedLoop.Engine.Tests.GenericProbe`1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("defines generic method GenericProbe`1.Echo", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("instantiates", StringComparison.Ordinal));
    }
}

/// <summary>Exists only so that the checker has generics to find in this assembly.</summary>
public sealed class GenericProbe<T>
{
    public static TOther Echo<TOther>(TOther value) => value;
}
