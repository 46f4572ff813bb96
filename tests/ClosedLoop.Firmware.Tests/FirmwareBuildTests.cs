using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ClosedLoop.Firmware.Tests;

/// <summary>
/// What CI can check of the board application without the nanoFramework packages: it compiles against
/// nanoFramework's mscorlib, the engine and the compile-only declarations, one project per real assembly (see the
/// CompileCheck project); those assemblies are exactly the ones the .nfproj references; it uses no generics; every
/// declared API is one it really uses; every declaration names the package version the .nfproj uses; and the
/// .nfproj builds the same sources.
/// </summary>
public partial class FirmwareBuildTests
{
    private static string Metadata(string key) =>
        Path.GetFullPath(typeof(FirmwareBuildTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!);

    internal static string RepositoryRoot => Metadata("RepositoryRoot");

    private static string Root => RepositoryRoot;

    private static string FirmwareFolder => Path.Combine(Root, "firmware", "ClosedLoop.Firmware");

    private static string DeclarationsFolder => Path.Combine(Root, "firmware", "NanoFrameworkApi.CompileOnly");

    /// <summary>The compile-only assemblies: one folder (and project) each, named as the real assembly.</summary>
    private static List<string> DeclaredAssemblies() =>
        [.. Directory.EnumerateDirectories(DeclarationsFolder).Select(Path.GetFileName).Where(n => n is not ("bin" or "obj")).Select(n => n!).Order(StringComparer.Ordinal)];

    private static string DeclarationPath(string assembly) =>
        Path.Combine(Path.GetDirectoryName(Metadata("FirmwareAssembly"))!, assembly + ".dll");

    private static IEnumerable<string> Nfprojs() => Directory.EnumerateFiles(Path.Combine(Root, "firmware"), "*.nfproj", SearchOption.AllDirectories);

    /// <summary>The .nfproj's references: assembly name to the package folder its HintPath names (e.g. nanoFramework.M2Mqtt.5.1.220).</summary>
    private static Dictionary<string, string> NfprojReferences(string nfproj) =>
        XDocument.Load(nfproj).Descendants()
            .Where(e => e.Name.LocalName == "Reference")
            .ToDictionary(
                e => e.Attribute("Include")!.Value.Split(',')[0],
                e => e.Descendants().Single(h => h.Name.LocalName == "HintPath").Value.Replace('\\', '/').Split('/')[2]);

    private static Dictionary<string, string> NfprojReferences() => NfprojReferences(Path.Combine(FirmwareFolder, "ClosedLoop.Firmware.nfproj"));

    /// <summary>Every .nfproj's references together (the board, the engine, the engine's on-device tests).</summary>
    private static Dictionary<string, string> AllNfprojReferences()
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var nfproj in Nfprojs())
        {
            foreach (var (assembly, package) in NfprojReferences(nfproj))
            {
                Assert.True(!all.TryGetValue(assembly, out var other) || other == package, $"{assembly} comes from {package} in {nfproj} but from {other} elsewhere");
                all[assembly] = package;
            }
        }

        return all;
    }

    [Fact]
    public void The_board_build_references_only_mscorlib_the_engine_and_the_declared_assemblies_and_has_no_generics()
    {
        Assert.True(File.Exists(Metadata("FirmwareAssembly")), "CI's board build is missing");

        var problems = NanoCompatibility.Problems(Metadata("FirmwareAssembly"), [.. DeclaredAssemblies(), "ClosedLoop.Engine"]);

        Assert.Empty(problems);
    }

    [Fact]
    public void The_declarations_reference_only_mscorlib_and_each_other_and_have_no_generics()
    {
        var assemblies = DeclaredAssemblies();

        Assert.All(assemblies, a => Assert.Empty(NanoCompatibility.Problems(DeclarationPath(a), [.. assemblies])));
    }

    [Fact]
    public void The_compile_only_assemblies_are_exactly_the_assemblies_the_nfproj_files_reference()
    {
        // The set Visual Studio compiles and deploys against, less mscorlib (the real one is used in CI too).
        var referenced = AllNfprojReferences().Keys.Where(a => a != "mscorlib").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(referenced, DeclaredAssemblies());
    }

    [Fact]
    public void Every_assembly_the_board_build_calls_into_is_referenced_by_the_nfproj()
    {
        // How M2Mqtt's interfaces living in nanoFramework.M2Mqtt.Core, unreferenced by the .nfproj, went unnoticed.
        using var stream = File.OpenRead(Metadata("FirmwareAssembly"));
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var called = reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToList();
        var nfproj = NfprojReferences().Keys.Append("ClosedLoop.Engine").ToHashSet();

        Assert.Contains("nanoFramework.M2Mqtt.Core", called);
        Assert.All(called, a => Assert.Contains(a, nfproj));
    }

    [Fact]
    public void Every_declared_api_is_used_by_the_board_or_the_engines_on_device_tests()
    {
        var used = UsedMembers(Metadata("FirmwareAssembly"));
        used.UnionWith(UsedMembers(Metadata("NanoTestsAssembly")));
        var baseTypes = new HashSet<string>(StringComparer.Ordinal);
        var declared = DeclaredAssemblies().SelectMany(a => DeclaredMembers(DeclarationPath(a), baseTypes)).ToList();

        var unused = declared.Where(d => !Used(d, used, baseTypes)).ToList();

        Assert.True(unused.Count == 0, "declared but never used: " + string.Join(", ", unused));
        Assert.Contains("nanoFramework.Hardware.Esp32.HighResTimer::GetCurrent", declared);
        Assert.Contains("nanoFramework.Hardware.Esp32.Rmt.TransmitterChannel::SendData", declared);
    }

    [Fact]
    public void Each_declaration_file_names_the_package_and_version_the_nfproj_files_take_its_assembly_from()
    {
        var references = AllNfprojReferences();
        var files = Directory.EnumerateFiles(DeclarationsFolder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .ToList();

        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var header = HeaderPattern().Match(File.ReadLines(file).First());
            Assert.True(header.Success, $"{file}: first line must name the package and version it mirrors");
            string assembly = Path.GetFileName(Path.GetDirectoryName(file))!;
            Assert.True(references.TryGetValue(assembly, out var package), $"{file}: the .nfproj does not reference {assembly}");
            Assert.Equal(package, $"{header.Groups["id"].Value}.{header.Groups["version"].Value}");
        }
    }

    [Fact]
    public void Declarations_have_no_behaviour()
    {
        var trees = new[] { DeclarationsFolder, Rmt3DeclarationsFolder };
        foreach (var file in trees.SelectMany(t => Directory.EnumerateFiles(t, "*.cs", SearchOption.AllDirectories)).Where(f => !f.Contains("/obj/")))
        {
            foreach (var line in File.ReadLines(file).Select(l => l.Trim()))
            {
                bool bodyLine = line.Contains("=>", StringComparison.Ordinal) && !line.StartsWith("//", StringComparison.Ordinal);
                if (bodyLine)
                {
                    Assert.Matches(@"=> throw null;( })?$|get => throw null; set => throw null; }$|add => throw null; remove => throw null; }$", line);
                }

                Assert.DoesNotContain("return ", line, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Each_nfproj_builds_the_sources_of_its_folder_with_the_packages_of_its_packages_config_and_never_the_declarations()
    {
        foreach (var nfproj in Nfprojs())
        {
            string folder = Path.GetDirectoryName(nfproj)!;
            var project = XDocument.Load(nfproj);
            var listed = project.Descendants().Where(e => e.Name.LocalName == "Compile")
                .Select(e => e.Attribute("Include")!.Value.Replace('\\', '/')).Order(StringComparer.Ordinal);
            var sources = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
                .Where(f => !f.StartsWith("bin/", StringComparison.Ordinal) && !f.StartsWith("obj/", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal);
            Assert.Equal(sources, listed);

            var packages = XDocument.Load(Path.Combine(folder, "packages.config")).Descendants("package")
                .Select(p => $"{p.Attribute("id")!.Value}.{p.Attribute("version")!.Value}").ToList();
            var hintPackages = NfprojReferences(nfproj).Values.Distinct().ToList();
            Assert.Equal(packages.Order(), hintPackages.Order());

            var items = project.Descendants().Where(e => e.Attribute("Include") is not null || e.Name.LocalName == "HintPath");
            Assert.DoesNotContain(items, e => (e.Attribute("Include")?.Value ?? e.Value).Contains("NanoFrameworkApi.CompileOnly", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_package_table_in_flashing_md_lists_exactly_the_board_applications_pins()
    {
        var pinned = XDocument.Load(Path.Combine(Root, "firmware", "ClosedLoop.Firmware", "packages.config")).Descendants("package")
            .Select(p => $"{p.Attribute("id")!.Value} {p.Attribute("version")!.Value}").Order(StringComparer.Ordinal);
        var rows = File.ReadAllLines(Path.Combine(Root, "docs", "flashing.md"))
            .Where(l => l.StartsWith("| nanoFramework.", StringComparison.Ordinal))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .Select(cells => $"{cells[1]} {cells[2]}").Order(StringComparer.Ordinal);

        Assert.Equal(pinned, rows);
    }

    [Fact]
    public void The_board_solution_holds_every_nfproj_and_restores_packages_where_their_hint_paths_look()
    {
        // NuGet restores packages.config projects into the solution folder's packages/: firmware/packages.
        string firmware = Path.Combine(Root, "firmware");
        var listed = BoardSolutionProjectPattern().Matches(File.ReadAllText(Path.Combine(firmware, "ClosedLoop.Board.sln")))
            .Select(m => m.Groups["path"].Value.Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();
        var nfprojs = Directory.EnumerateFiles(firmware, "*.nfproj", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(firmware, f).Replace('\\', '/')).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(nfprojs, listed);
        foreach (var nfproj in nfprojs)
        {
            var hints = XDocument.Load(Path.Combine(firmware, nfproj)).Descendants().Where(e => e.Name.LocalName == "HintPath").Select(e => e.Value).ToList();
            Assert.NotEmpty(hints);
            Assert.All(hints, h => Assert.StartsWith(@"..\packages\", h, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_member_check_notices_an_unused_declaration()
    {
        // The test assembly itself declares members nobody calls: the same comparison must find them.
        var declared = DeclaredMembers(typeof(UnusedProbe).Assembly.Location);

        Assert.Contains($"{typeof(UnusedProbe).FullName}::NobodyCallsThis", declared);
        Assert.DoesNotContain($"{typeof(UnusedProbe).FullName}::NobodyCallsThis", UsedMembers(Metadata("FirmwareAssembly")));
    }

    /// <summary>
    /// A declaration is used when the board refers to it; a base class when a used type derives from it; C#'s
    /// obligatory twin operator (!= beside ==) with its twin. Constructors are declared as the real type has them
    /// (C# would invent a public one otherwise), used or not.
    /// </summary>
    private static bool Used(string declaration, HashSet<string> used, HashSet<string> baseTypes) =>
        used.Contains(declaration)
        || (declaration.EndsWith("::op_Inequality", StringComparison.Ordinal) && used.Contains(declaration.Replace("op_Inequality", "op_Equality", StringComparison.Ordinal)))
        || baseTypes.Contains(declaration)
        || declaration.EndsWith("::.ctor", StringComparison.Ordinal);

    /// <summary>Types and members the assembly refers to in other assemblies, as "Namespace.Type::Member".</summary>
    private static HashSet<string> UsedMembers(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in reader.TypeReferences)
        {
            used.Add(TypeName(reader, handle));
        }

        foreach (var handle in reader.MemberReferences)
        {
            var member = reader.GetMemberReference(handle);
            if (member.Parent.Kind == HandleKind.TypeReference)
            {
                used.Add($"{TypeName(reader, (TypeReferenceHandle)member.Parent)}::{Accessed(reader.GetString(member.Name))}");
            }
        }

        return used;
    }

    /// <summary>
    /// The public surface that counts as an API: types, constructors, methods and property/event accessors (as the
    /// member they belong to). Enum values are compiled into the caller as numbers, overrides and interface-required
    /// members come with their type's contract, and delegates' own members are the runtime's: none of those count.
    /// </summary>
    private static List<string> DeclaredMembers(string assemblyPath, HashSet<string>? baseTypes = null)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var declared = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var handle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(handle);
            var visibility = type.Attributes & TypeAttributes.VisibilityMask;
            if (visibility != TypeAttributes.Public && visibility != TypeAttributes.NestedPublic)
            {
                continue;
            }

            string name = TypeName(reader, handle);
            declared.Add(name);
            string baseName = type.BaseType.IsNil ? string.Empty : BaseName(reader, type.BaseType);
            if (!type.BaseType.IsNil)
            {
                // Within one declaration assembly or across two (Gpio's event args derive from Runtime.Events' BaseEvent).
                baseTypes?.Add(baseName);
            }

            bool isAbstract = (type.Attributes & TypeAttributes.Abstract) != 0;
            if (baseName is "System.Enum" or "System.MulticastDelegate")
            {
                continue;
            }

            foreach (var methodHandle in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(methodHandle);
                bool isPublic = (method.Attributes & MethodAttributes.MemberAccessMask) is MethodAttributes.Public or MethodAttributes.Family;
                bool isOverride = (method.Attributes & MethodAttributes.Virtual) != 0 && (method.Attributes & MethodAttributes.NewSlot) == 0;
                string methodName = reader.GetString(method.Name);
                // An abstract type's constructors and abstract members belong to the contract its subclasses
                // implement, and IDisposable's Dispose to that interface's.
                bool contract = (isAbstract && (methodName is ".ctor" || (method.Attributes & MethodAttributes.Abstract) != 0)) || methodName is "Dispose" or "GetEnumerator";
                if (isPublic && !isOverride && !contract && methodName != ".cctor")
                {
                    declared.Add($"{name}::{Accessed(methodName)}");
                }
            }
        }

        return [.. declared];
    }

    /// <summary>get_X, set_X, add_X, remove_X all count as using X; operators keep their names.</summary>
    private static string Accessed(string name)
    {
        foreach (var prefix in new[] { "get_", "set_", "add_", "remove_" })
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return name[prefix.Length..];
            }
        }

        return name;
    }

    private static string BaseName(MetadataReader reader, EntityHandle handle) => handle.Kind switch
    {
        HandleKind.TypeReference => TypeName(reader, (TypeReferenceHandle)handle),
        HandleKind.TypeDefinition => TypeName(reader, (TypeDefinitionHandle)handle),
        _ => string.Empty,
    };

    private static string TypeName(MetadataReader reader, TypeReferenceHandle handle)
    {
        var type = reader.GetTypeReference(handle);
        string name = reader.GetString(type.Name);
        return type.ResolutionScope.Kind == HandleKind.TypeReference
            ? $"{TypeName(reader, (TypeReferenceHandle)type.ResolutionScope)}+{name}"
            : $"{reader.GetString(type.Namespace)}.{name}";
    }

    private static string TypeName(MetadataReader reader, TypeDefinitionHandle handle)
    {
        var type = reader.GetTypeDefinition(handle);
        string name = reader.GetString(type.Name);
        var declaring = type.GetDeclaringType();
        return declaring.IsNil ? $"{reader.GetString(type.Namespace)}.{name}" : $"{TypeName(reader, declaring)}+{name}";
    }

    [GeneratedRegex(@"Project\(""\{11A8DD76-328B-46DF-9F39-F559912D0360\}""\) = ""[^""]+"", ""(?<path>[^""]+\.nfproj)""")]
    private static partial Regex BoardSolutionProjectPattern();

    [GeneratedRegex(@"^// Compile-only declaration: (?<id>[A-Za-z0-9.]+) (?<version>\d+\.\d+\.\d+) \(")]
    private static partial Regex HeaderPattern();
}

/// <summary>Exists only so that the member check has an unused declaration to find.</summary>
public static class UnusedProbe
{
    public static void NobodyCallsThis()
    {
    }
}
