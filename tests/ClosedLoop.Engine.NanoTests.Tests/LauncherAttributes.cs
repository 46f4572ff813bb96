using System;

namespace nanoFramework.TestFramework
{
    // The real framework's SetupAttribute and CleanupAttribute (nanoFramework.TestFramework at v3.0.77,
    // source/TestFrameworkShared/SetupAttribute.cs and CleanupAttribute.cs: method attributes, no members), so that
    // the emulated launcher follows its setup and cleanup rules. Internal, and not in the compile-only declarations:
    // no on-device test uses them yet; one that does adds them there (and this file goes).

    /// <summary>Run by the launcher before the class's test methods (once per class, not per test).</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    internal sealed class SetupAttribute : Attribute
    {
    }

    /// <summary>Run by the launcher after the class's test methods.</summary>
    [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
    internal sealed class CleanupAttribute : Attribute
    {
    }
}
