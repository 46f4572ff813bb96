using System.Reflection;

namespace ClosedLoop.Engine.Tests.Support;

/// <summary>Paths the build wrote into the test assembly's metadata.</summary>
public static class Paths
{
    public static string Metadata(string key) =>
        typeof(Paths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static string NanoGateAssembly => Path.GetFullPath(Metadata("NanoGateAssembly"));

    public static string RepositoryRoot => Path.GetFullPath(Metadata("RepositoryRoot"));

    public static string SharedData => Path.GetFullPath(Metadata("SharedDataDirectory"));
}
