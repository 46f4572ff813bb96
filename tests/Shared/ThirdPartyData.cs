using System.Reflection;
using System.Security.Cryptography;

namespace ClosedLoop.Tests.Shared;

/// <summary>A file of someone else's that tests read: where it lives in the cache, its SHA-256, and its public source.</summary>
public sealed record ThirdPartyFile(string RelativePath, string Sha256, Uri Source);

/// <summary>
/// Third-party data (never copied into this repository) reaches tests through one cache: the folder named by
/// CLOSEDLOOP_DATA_CACHE, else the user's cache folder. A file missing there is filled from a local copy (the
/// shared/data folder beside the checkout, when there is one) or downloaded from its public source, and is used
/// only when its SHA-256 matches. When it can be had neither way the test fails with a message saying how to
/// supply it: it never skips.
/// </summary>
public static class ThirdPartyData
{
    /// <summary>pyPhotometry's m17 recording (GPL-3.0, ThomasAkam/photometry_preprocessing, pinned commit).</summary>
    public static readonly ThirdPartyFile PyPhotometryM17 = new(
        "pyphotometry/m17-R-2018-12-12-090409.ppd",
        "aea5ae303f4f1253040e7195f1aaaf372a93cdc2ab7b3ea647a34a21a05cec7d",
        new Uri("https://raw.githubusercontent.com/ThomasAkam/photometry_preprocessing/e044227be6b0723c231fb5b8c02ce42f47005b04/data/m17-R-2018-12-12-090409.ppd"));

    /// <summary>CLOSEDLOOP_DATA_CACHE, else the user's cache folder (XDG_CACHE_HOME or ~/.cache; local app data on Windows).</summary>
    public static string CacheFolder =>
        Environment.GetEnvironmentVariable("CLOSEDLOOP_DATA_CACHE") is { Length: > 0 } folder ? folder
        : OperatingSystem.IsWindows() ? System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "closedloop-data")
        : System.IO.Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"), "closedloop-data");

    /// <summary>The shared/data folder beside the checkout, as the build recorded it (it may not exist).</summary>
    public static string? LocalCopies => typeof(ThirdPartyData).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "SharedDataDirectory")?.Value;

    /// <summary>The path of <paramref name="file"/> in the default cache, filled as the class says.</summary>
    public static string Locate(ThirdPartyFile file) => Fetch(file, CacheFolder, LocalCopies);

    public static string Fetch(ThirdPartyFile file, string cacheFolder, string? localCopies, TimeSpan? downloadTimeout = null)
    {
        string cached = System.IO.Path.Combine(cacheFolder, file.RelativePath);
        if (Matches(cached, file.Sha256))
        {
            return cached;
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(cached)!);
        string? local = localCopies is null ? null : System.IO.Path.Combine(localCopies, file.RelativePath);
        string problem;
        if (local is not null && Matches(local, file.Sha256))
        {
            File.Copy(local, cached, overwrite: true);
            return cached;
        }

        problem = local is not null && File.Exists(local) ? $"the local copy {local} has another SHA-256" : $"no local copy at {local ?? "(none recorded)"}";
        try
        {
            using var http = new HttpClient { Timeout = downloadTimeout ?? TimeSpan.FromSeconds(60) };
            byte[] bytes = http.GetByteArrayAsync(file.Source).GetAwaiter().GetResult();
            if (Hash(bytes) == file.Sha256)
            {
                File.WriteAllBytes(cached, bytes);
                return cached;
            }

            problem += $"; the download from {file.Source} has another SHA-256";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            problem += $"; the download from {file.Source} failed ({e.Message})";
        }

        throw new FileNotFoundException(
            $"test data {file.RelativePath} is not available: {problem}. Supply it by placing the file (SHA-256 {file.Sha256}) at {cached}, " +
            $"or set CLOSEDLOOP_DATA_CACHE to a folder that holds {file.RelativePath}.", cached);
    }

    private static bool Matches(string path, string sha256) => File.Exists(path) && Hash(File.ReadAllBytes(path)) == sha256;

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
