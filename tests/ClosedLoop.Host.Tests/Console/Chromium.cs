using Microsoft.Playwright;

namespace ClosedLoop.Host.Tests.Console;

/// <summary>The real browser the console tests drive: Debian's Chromium (test.sh installs it) through Playwright.</summary>
public sealed class Chromium : IAsyncDisposable
{
    private Chromium(IPlaywright playwright, IBrowser browser)
    {
        Playwright = playwright;
        Browser = browser;
    }

    /// <summary>CLOSEDLOOP_CHROMIUM, else Debian's.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("CLOSEDLOOP_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public IPlaywright Playwright { get; }

    public IBrowser Browser { get; }

    /// <summary>Messages the pages opened through <see cref="OpenAsync"/> wrote as console errors, and their uncaught errors.</summary>
    public List<string> PageErrors { get; } = [];

    public static async Task<Chromium> LaunchAsync()
    {
        Assert.True(File.Exists(ExecutablePath), $"no Chromium at {ExecutablePath}: install Debian's chromium (test.sh does) or set CLOSEDLOOP_CHROMIUM");
        // The page follows a broker, a rig and a logger on a busy two-core machine: give every expectation 10 s.
        Assertions.SetDefaultExpectTimeout(10_000);
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ExecutablePath, Headless = true, Args = ["--no-sandbox"] });
        return new Chromium(playwright, browser);
    }

    /// <summary>A new page at <paramref name="address"/>, its console errors collected in <see cref="PageErrors"/>.</summary>
    public async Task<IPage> OpenAsync(Uri address, IBrowserContext? context = null)
    {
        var page = context is null ? await Browser.NewPageAsync() : await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                PageErrors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => PageErrors.Add(error);
        await page.GotoAsync(address.ToString());
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
    }
}
