using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using ClosedLoop.Engine.Tests.Support;
using Xunit;
using NanoTest = nanoFramework.TestFramework;

namespace ClosedLoop.Engine.NanoTests.Tests;

/// <summary>
/// Runs the engine's on-device suite as nanoFramework's launcher runs it on a board (<see cref="NanoUnitTestLauncher"/>:
/// no instance of a test class, setup first and cleanup last, one pass in declaration order) and reports each
/// method it ran as one xunit case.
/// </summary>
public sealed class OnDeviceTestRunner
{
    private const string OnDeviceNamespace = "ClosedLoop.Engine.NanoTests";

    private static readonly Lazy<IReadOnlyList<LauncherStep>> LauncherRun =
        new(() => NanoUnitTestLauncher.Run(NanoUnitTestLauncher.InDeclarationOrder(OnDeviceTypes())));

    /// <summary>The on-device sources' types (the runner's own fixtures live in another namespace).</summary>
    private static IEnumerable<Type> OnDeviceTypes() =>
        typeof(NanoTest.TestClassAttribute).Assembly.GetTypes().Where(t => t.Namespace == OnDeviceNamespace);

    private static IEnumerable<Type> TestClasses() =>
        OnDeviceTypes().Where(t => t.GetCustomAttribute<NanoTest.TestClassAttribute>() is not null);

    public static TheoryData<string> TestMethods()
    {
        var data = new TheoryData<string>();
        foreach (var type in TestClasses().OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            foreach (var method in type.GetMethods().Where(IsLaunched).OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                data.Add($"{type.Name}.{method.Name}");
            }
        }

        return data;
    }

    private static bool IsLaunched(MethodInfo method) =>
        method.GetCustomAttribute<NanoTest.TestMethodAttribute>() is not null
        || method.GetCustomAttribute<NanoTest.SetupAttribute>() is not null
        || method.GetCustomAttribute<NanoTest.CleanupAttribute>() is not null;

    [Theory]
    [MemberData(nameof(TestMethods))]
    public void Runs(string test)
    {
        var step = Assert.Single(LauncherRun.Value, s => s.Name == test);
        if (step.Failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(step.Failure).Throw();
        }
    }

    [Fact]
    public void The_suite_covers_the_detector_the_gate_the_signal_guard_the_journal_rmt_planning_the_config_parser_and_the_wire_codecs()
    {
        var classes = TestClasses().Select(t => t.Name).ToHashSet();

        Assert.Superset(new HashSet<string> { "DetectorTests", "OutputGateTests", "SignalGuardTests", "JournalTests", "RmtPlanningTests", "ConfigParserTests", "WireCodecTests" }, classes);
        int count = TestMethods().Count;
        Assert.True(count >= 36, $"only {count} on-device tests");
    }

    [Fact]
    public void A_failing_assertion_fails_the_test()
    {
        Assert.Throws<NanoTest.AssertFailedException>(() => NanoTest.Assert.AreEqual(1, 2));
        Assert.Throws<NanoTest.AssertFailedException>(() => NanoTest.Assert.AreEqual("a", "b"));
        Assert.Throws<NanoTest.AssertFailedException>(() => NanoTest.Assert.IsTrue(false));
        Assert.Throws<NanoTest.AssertFailedException>(() => NanoTest.Assert.IsNull(new object()));
    }

    [Fact]
    public void The_nanoframework_build_of_the_suite_uses_only_mscorlib_the_engine_and_the_test_framework_and_no_generics()
    {
        string gate = Metadata("GateAssembly");
        Assert.True(File.Exists(gate), "CI's nanoFramework build of the on-device tests is missing");

        Assert.Empty(NanoCompatibility.Problems(gate, "ClosedLoop.Engine", "nanoFramework.TestFramework"));
    }

    [Fact]
    public void The_dotnet_test_framework_offers_exactly_the_declared_api()
    {
        var declared = PublicMethods(Metadata("DeclarationsAssembly"));
        var offered = typeof(NanoTest.Assert).Assembly.GetTypes()
            .Where(t => t.IsPublic && t.Namespace == "nanoFramework.TestFramework")
            .SelectMany(t => t.GetMembers(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .OfType<MethodBase>().Select(m => $"{t.FullName}::{m.Name}/{m.GetParameters().Length}"))
            .ToHashSet();

        Assert.Equal(declared.Order(StringComparer.Ordinal), offered.Order(StringComparer.Ordinal));
    }

    private static string Metadata(string key) =>
        Path.GetFullPath(typeof(OnDeviceTestRunner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!);

    /// <summary>"Type::Method/arity" for the public methods and constructors of an assembly's public types.</summary>
    private static HashSet<string> PublicMethods(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        var methods = new HashSet<string>(StringComparer.Ordinal);
        foreach (var handle in reader.TypeDefinitions)
        {
            var type = reader.GetTypeDefinition(handle);
            if ((type.Attributes & TypeAttributes.VisibilityMask) != TypeAttributes.Public)
            {
                continue;
            }

            string name = $"{reader.GetString(type.Namespace)}.{reader.GetString(type.Name)}";
            foreach (var methodHandle in type.GetMethods())
            {
                var method = reader.GetMethodDefinition(methodHandle);
                if ((method.Attributes & MethodAttributes.MemberAccessMask) == MethodAttributes.Public)
                {
                    methods.Add($"{name}::{reader.GetString(method.Name)}/{method.GetParameters().Count}");
                }
            }
        }

        return methods;
    }
}
