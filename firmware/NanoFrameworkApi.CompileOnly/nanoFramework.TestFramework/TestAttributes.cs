// Compile-only declaration: nanoFramework.TestFramework 3.0.77 (nanoframework/nanoFramework.TestFramework at v3.0.77:
// source/TestFrameworkShared/TestClassAttribute.cs, TestMethodAttribute.cs, SetupAttribute.cs, CleanupAttribute.cs).
// Attributes carry no behaviour, so the .NET runner of the on-device tests (tests/ClosedLoop.Engine.NanoTests.Tests)
// compiles this same file. DataRow is left out on purpose: the .NET runner does not emulate its parameters, so a
// test that used it must not compile.

using System;

namespace nanoFramework.TestFramework
{
    [AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
    public class TestClassAttribute : Attribute
    {
    }

    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public class TestMethodAttribute : Attribute
    {
    }

    /// <summary>Run by the launcher before the class's test methods (once per class, not per test).</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public class SetupAttribute : Attribute
    {
    }

    /// <summary>Run by the launcher after the class's test methods.</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    public class CleanupAttribute : Attribute
    {
    }
}
