using System;
using System.Collections.Generic;
using nanoFramework.TestFramework;

// Fixtures of NanoUnitTestLauncherTests, outside the on-device namespace so that the suite's runner never launches
// them. Each shows one rule of nanoFramework's UnitTestLauncher (v3.0.77, source/UnitTestLauncher/Program.cs).
namespace ClosedLoop.Engine.NanoTests.Tests.LauncherFixtures;

[TestClass]
public class InstanceStateTests
{
    private int _count;

    public InstanceStateTests()
    {
        ConstructorCalls++;
    }

    public static int ConstructorCalls { get; private set; }

    [TestMethod]
    public void Uses_an_instance_field()
    {
        _count++;
    }

    [TestMethod]
    public void Instance_method_that_touches_nothing()
    {
        if (ConstructorCalls < 0)
        {
            throw new InvalidOperationException("never");
        }
    }
}

[TestClass]
public class OrderedTests
{
    public static readonly List<string> Log = new();

    [Cleanup]
    public static void Cleanup() => Log.Add("cleanup");

    [TestMethod]
    public static void First() => Log.Add("first");

    [Setup]
    public static void Setup() => Log.Add("setup");

    [TestMethod]
    public static void Second() => Log.Add("second");
}

[TestClass]
public class FailingSetupTests
{
    [Setup]
    public static void Setup() => throw new InvalidOperationException("the hardware is not there");

    [TestMethod]
    public static void Runs_anyway()
    {
    }
}

public class NotATestClass
{
    [TestMethod]
    public static void Never_launched() => throw new InvalidOperationException("launched a class without [TestClass]");
}

[TestClass]
public class ParameterTests
{
    [TestMethod]
    public static void Takes_a_value(int value)
    {
    }
}
