namespace ClosedLoop.Host.Tests.Console;

/// <summary>The console tests' browser: one process for the run, sessions kept apart as separate browsers would be.</summary>
public sealed class ChromiumTests
{
    [Fact]
    public async Task Sessions_share_one_browser_process_but_not_their_cookies()
    {
        await using var first = await Chromium.LaunchAsync();
        int launches = Chromium.Launches;
        await using var second = await Chromium.LaunchAsync();
        Assert.Equal(launches, Chromium.Launches);

        var mine = await first.NewContextAsync();
        await mine.AddCookiesAsync([new() { Name = "closedloop-session", Value = "first", Url = "http://127.0.0.1/" }]);
        var theirs = await second.NewContextAsync();

        Assert.Single(await mine.CookiesAsync());
        Assert.Empty(await theirs.CookiesAsync());
    }
}
