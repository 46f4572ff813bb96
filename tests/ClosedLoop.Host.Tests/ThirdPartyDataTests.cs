using ClosedLoop.Tests.Shared;

namespace ClosedLoop.Host.Tests;

/// <summary>The one data cache: filled from a local copy or the public source, used only when its SHA-256 matches.</summary>
public sealed class ThirdPartyDataTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("closedloop-data-cache").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private ThirdPartyFile File(byte[] content) => new("set/recording.bin", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)),
        new Uri("http://127.0.0.1:9/not-served/recording.bin"));

    [Fact]
    public void A_missing_file_is_filled_from_the_local_copy_and_a_damaged_one_replaced()
    {
        byte[] content = [1, 2, 3, 4];
        string local = Path.Combine(_folder, "shared");
        Directory.CreateDirectory(Path.Combine(local, "set"));
        System.IO.File.WriteAllBytes(Path.Combine(local, "set", "recording.bin"), content);
        string cache = Path.Combine(_folder, "cache");

        string path = ThirdPartyData.Fetch(File(content), cache, local);
        Assert.Equal(content, System.IO.File.ReadAllBytes(path));

        System.IO.File.WriteAllBytes(path, [9, 9]);
        Assert.Equal(content, System.IO.File.ReadAllBytes(ThirdPartyData.Fetch(File(content), cache, local)));
    }

    [Fact]
    public void Without_a_local_copy_or_a_download_the_error_says_how_to_supply_the_file()
    {
        var file = File([5, 6, 7]);

        var error = Assert.Throws<FileNotFoundException>(() => ThirdPartyData.Fetch(file, Path.Combine(_folder, "cache"), Path.Combine(_folder, "nowhere"), TimeSpan.FromSeconds(5)));

        Assert.Contains("no local copy at", error.Message, StringComparison.Ordinal);
        Assert.Contains("the download from http://127.0.0.1:9/not-served/recording.bin failed", error.Message, StringComparison.Ordinal);
        Assert.Contains($"SHA-256 {file.Sha256}", error.Message, StringComparison.Ordinal);
        Assert.Contains("CLOSEDLOOP_DATA_CACHE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_local_copy_with_the_wrong_content_is_never_used()
    {
        string local = Path.Combine(_folder, "shared");
        Directory.CreateDirectory(Path.Combine(local, "set"));
        System.IO.File.WriteAllBytes(Path.Combine(local, "set", "recording.bin"), [0]);

        var error = Assert.Throws<FileNotFoundException>(() => ThirdPartyData.Fetch(File([1]), Path.Combine(_folder, "cache"), local, TimeSpan.FromSeconds(5)));

        Assert.Contains("has another SHA-256", error.Message, StringComparison.Ordinal);
    }
}
