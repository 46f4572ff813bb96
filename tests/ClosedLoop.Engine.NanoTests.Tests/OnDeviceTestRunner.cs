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
/// Runs every [TestMethod] of the engine's on-device suite as one xunit case, the way the nanoFramework test
/// adapter does on a board: a fresh instance of its [TestClass], the method called, any exception a failure.
/// </summary>
public sealed class OnDeviceTestRunner
{
    private static IEnumerable<Type> TestClasses() =>
        typeof(NanoTest.TestClassAttribute).Assembly.GetTypes().Where(t => t.GetCustomAttribute<NanoTest.TestClassAttribute>() is not null);

    public static TheoryData<string> TestMethods()
    {
        var data = new TheoryData<string>();
        foreach (var type in TestClasses().OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<NanoTest.TestMethodAttribute>() is not null).OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                data.Add($"{type.Name}.{method.Name}");
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(TestMethods))]
    public void Runs(string test)
    {
        string[] parts = test.Split('.');
        var type = TestClasses().Single(t => t.Name == parts[0]);
        var method = type.GetMethod(parts[1])!;
        object instance = Activator.CreateInstance(type)!;
        try
        {
            method.Invoke(instance, null);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }

    [Fact]
    public void The_suite_covers_the_detector_the_gate_rmt_planning_the_config_parser_and_the_wire_codecs()
    {
        var classes = TestClasses().Select(t => t.Name).ToHashSet();

        Assert.Superset(new HashSet<string> { "DetectorTests", "OutputGateTests", "RmtPlanningTests", "ConfigParserTests", "WireCodecTests" }, classes);
        int count = TestMethods().Count;
        Assert.True(count >= 25, $"only {count} on-device tests");
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
