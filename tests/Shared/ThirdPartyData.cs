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

    /// <summary>
    /// Neurophotometrics recordings of the International Brain Laboratory (MIT, int-brain-lab/ibl-photometry at pinned
    /// commits): an FP3002 CSV as Bonsai writes it, and a version-1 Parquet table with its digital-input table.
    /// </summary>
    public static readonly ThirdPartyFile NeurophotometricsFp3002Csv = new(
        "neurophotometrics/ibl_raw_photometry.csv",
        "d2d4f22ca70e98322076499397113783bec23901f908f89c4588b9f9815b2c97",
        new Uri("https://raw.githubusercontent.com/int-brain-lab/ibl-photometry/8d58308d1dd1ff0c78e17dc29308c26d1e80aa55/src/tests/data/raw_photometry.csv"));

    public static readonly ThirdPartyFile NeurophotometricsV1Frames = new(
        "neurophotometrics/ibl_v1_fpData.raw.pqt",
        "f10ae309eeca76b5a437608dc3b2539b78a88d32003da3da9b3ce09668703d88",
        new Uri("https://raw.githubusercontent.com/int-brain-lab/ibl-photometry/c5f0bae9a54b726a6e36f507e81bf3c4d3e1cf41/tests/data/neurophotometrics/versions/version_1/_neurophotometrics_fpData.raw.pqt"));

    public static readonly ThirdPartyFile NeurophotometricsV1DigitalInputs = new(
        "neurophotometrics/ibl_v1_fpData.digitalInputs.pqt",
        "2f6313a4b4b2248e9c2b141578951068fa3ae5a298e6edd0a54bb30b5ba80c55",
        new Uri("https://raw.githubusercontent.com/int-brain-lab/ibl-photometry/c5f0bae9a54b726a6e36f507e81bf3c4d3e1cf41/tests/data/neurophotometrics/versions/version_1/_neurophotometrics_fpData.digitalInputs.pqt"));

    /// <summary>The NWB 2.6.0 core schema (BSD-3, NeurodataWithoutBorders/nwb-schema at tag 2.6.0), file by file.</summary>
    public static readonly IReadOnlyList<ThirdPartyFile> NwbCoreSchema =
    [
        .. new (string File, string Sha256)[]
        {
            ("nwb.base.yaml", "1ee089d483ee801e2c5a660bffc6c27e8054387302dc2328d12db2717007a1f4"),
            ("nwb.behavior.yaml", "611281e49ac5203926ed79a28bfe8e3ea5e4f867dd0b4288b3795725e256d2ef"),
            ("nwb.device.yaml", "978acefed4dd4d6ca8bb7531dc545a8944b6c7aa680ce661242ed41e486cbb88"),
            ("nwb.ecephys.yaml", "accbcbd134d13bae4b0a8bef4b5a90164b91bd9e43919f7364a7d4973fbf2b33"),
            ("nwb.epoch.yaml", "e81c737c95f69257884b5f91b23f98a45986a52c3f72f832dcc2e43f9412d5c3"),
            ("nwb.file.yaml", "ca584f6390a1eb57e2eb765716b0453e526d49b1ac27c15b6f0a16aeba5523ed"),
            ("nwb.icephys.yaml", "fff8d2f868ed87eac41f88483056b461292add74b6d83d937ac28957ff7b8187"),
            ("nwb.image.yaml", "37691ec504bec34fef69453731ec3d4a48e3b19b7c9632f097bdca212e973665"),
            ("nwb.misc.yaml", "3309ecd2b388b590f9c750b31c27495de2bc3f53e66bd03fec16b4eea4839197"),
            ("nwb.namespace.yaml", "3b184714ec8d848a64869f2fcf43cd439274b9065364a966b017668036690a20"),
            ("nwb.ogen.yaml", "db068435ae9c1f27c60dc12262cb5711e7a773f4ab265245f3adf9a8db0113ca"),
            ("nwb.ophys.yaml", "d33ed0b3aa32ca90864b23afe74439285597e4bae67b048ae936f580ee45e2bc"),
            ("nwb.retinotopy.yaml", "1376bb5b417fa3107df9d094e64da37ed1f7161175437b8c91b0d90b0c7ef764"),
        }.Select(f => new ThirdPartyFile($"nwb/core/{f.File}", f.Sha256,
            new Uri($"https://raw.githubusercontent.com/NeurodataWithoutBorders/nwb-schema/2.6.0/core/{f.File}"))),
    ];

    /// <summary>The path of the NWB core schema's namespace file in the cache, every schema file of it in place beside it.</summary>
    public static string LocateNwbCoreNamespace()
    {
        foreach (var file in NwbCoreSchema)
        {
            Locate(file);
        }

        return System.IO.Path.Combine(CacheFolder, "nwb", "core", "nwb.namespace.yaml");
    }

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
