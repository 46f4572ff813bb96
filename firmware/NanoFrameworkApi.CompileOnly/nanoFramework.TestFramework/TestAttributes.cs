// Compile-only declaration: nanoFramework.TestFramework 3.0.77 (nanoframework/nanoFramework.TestFramework at v3.0.77:
// source/TestFrameworkShared/TestClassAttribute.cs, TestMethodAttribute.cs). Attributes carry no behaviour, so the
// .NET runner of the on-device tests (tests/ClosedLoop.Engine.NanoTests.Tests) compiles this same file.

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
}
