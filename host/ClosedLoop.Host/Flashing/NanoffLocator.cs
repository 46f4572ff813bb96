namespace ClosedLoop.Host.Flashing;

/// <summary>
/// Finds the nanoFramework flasher (<c>nanoff</c>, a .NET global tool) on PATH or in the .NET tools folder, and
/// says how to install it when it is not there.
/// </summary>
public static class NanoffLocator
{
    public const string InstallHint = "install it with `dotnet tool install -g nanoff` (then make sure ~/.dotnet/tools, or %USERPROFILE%\\.dotnet\\tools on Windows, is on PATH), or point to it with --nanoff";

    public static string? Find(string? path, string? home, bool windows)
    {
        string name = windows ? "nanoff.exe" : "nanoff";
        var folders = (path ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).ToList();
        if (!string.IsNullOrEmpty(home))
        {
            folders.Add(Path.Combine(home, ".dotnet", "tools"));
        }

        return folders.Select(folder => Path.Combine(folder, name)).FirstOrDefault(File.Exists);
    }

    public static string? FindInEnvironment() =>
        Find(Environment.GetEnvironmentVariable("PATH"), Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), OperatingSystem.IsWindows());
}
