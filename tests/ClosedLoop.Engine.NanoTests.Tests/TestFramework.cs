using System;
using System.Runtime.CompilerServices;

namespace nanoFramework.TestFramework
{
    // The nanoFramework.TestFramework 3.0.77 API the on-device tests use (firmware/NanoFrameworkApi.CompileOnly/
    // nanoFramework.TestFramework declares it), with the behaviour its sources give it, for running those tests on
    // .NET. A test in this project keeps the two surfaces equal. The attributes are the declarations' own file.

    /// <summary>Public in the real framework; internal here, as no on-device test names it.</summary>
    internal sealed class AssertFailedException : Exception
    {
        public AssertFailedException(string msg)
            : base(msg)
        {
        }
    }

    public sealed partial class Assert
    {
        public static void AreEqual(bool expected, bool actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(expected == actual, expected, actual, message);

        public static void AreEqual(int expected, int actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(expected == actual, expected, actual, message);

        public static void AreEqual(long expected, long actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(expected == actual, expected, actual, message);

        public static void AreEqual(string expected, string actual, [CallerArgumentExpression(nameof(actual))] string message = "") => Equal(string.Equals(expected, actual, StringComparison.Ordinal), expected, actual, message);

        public static void IsTrue(bool condition, [CallerArgumentExpression(nameof(condition))] string message = "")
        {
            if (!condition)
            {
                throw new AssertFailedException("Assert.IsTrue failed. " + message);
            }
        }

        public static void IsFalse(bool condition, [CallerArgumentExpression(nameof(condition))] string message = "")
        {
            if (condition)
            {
                throw new AssertFailedException("Assert.IsFalse failed. " + message);
            }
        }

        public static void IsNotNull(object value, [CallerArgumentExpression(nameof(value))] string message = "")
        {
            if (value is null)
            {
                throw new AssertFailedException("Assert.IsNotNull failed. " + message);
            }
        }

        public static void IsNull(object value, [CallerArgumentExpression(nameof(value))] string message = "")
        {
            if (value is not null)
            {
                throw new AssertFailedException("Assert.IsNull failed, got <" + value + ">. " + message);
            }
        }

        private static void Equal(bool equal, object expected, object actual, string message)
        {
            if (!equal)
            {
                throw new AssertFailedException("Assert.AreEqual failed. Expected:<" + expected + ">. Actual:<" + actual + ">. " + message);
            }
        }
    }

    /// <summary>The real one writes with System.Console (v3.0.77 OutputHelper.cs); the launcher's own lines go there too.</summary>
    public static class OutputHelper
    {
        public static void WriteLine(string message) => Console.WriteLine(message);
    }
}
