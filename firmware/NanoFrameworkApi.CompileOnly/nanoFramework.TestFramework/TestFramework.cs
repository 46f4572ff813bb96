// Compile-only declaration: nanoFramework.TestFramework 3.0.77 (nanoframework/nanoFramework.TestFramework at v3.0.77: source/TestFramework/Assert.cs, Assert.AreEqual.cs, OutputHelper.cs; the attributes are in TestAttributes.cs).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.
// Only what the engine's on-device tests call; a failed assertion throws the framework's AssertFailedException.
// The real AreEqual(double, double) compares exactly, so the tests compare doubles with IsTrue and a tolerance.

using System;
using System.Runtime.CompilerServices;

namespace nanoFramework.TestFramework
{
    public sealed partial class Assert
    {
        public static void AreEqual(bool expected, bool actual, [CallerArgumentExpression(nameof(actual))] string message = "") => throw null;

        public static void AreEqual(int expected, int actual, [CallerArgumentExpression(nameof(actual))] string message = "") => throw null;

        public static void AreEqual(long expected, long actual, [CallerArgumentExpression(nameof(actual))] string message = "") => throw null;

        public static void AreEqual(string expected, string actual, [CallerArgumentExpression(nameof(actual))] string message = "") => throw null;

        public static void IsTrue(bool condition, [CallerArgumentExpression(nameof(condition))] string message = "") => throw null;

        public static void IsFalse(bool condition, [CallerArgumentExpression(nameof(condition))] string message = "") => throw null;

        public static void IsNotNull(object value, [CallerArgumentExpression(nameof(value))] string message = "") => throw null;

        public static void IsNull(object value, [CallerArgumentExpression(nameof(value))] string message = "") => throw null;
    }

    public static class OutputHelper
    {
        public static void WriteLine(string message) => throw null;
    }
}
