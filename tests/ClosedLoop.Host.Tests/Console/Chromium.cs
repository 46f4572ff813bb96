using Microsoft.Playwright;

namespace ClosedLoop.Host.Tests.Console;

/// <summary>
/// The real browser the console tests drive: Debian's Chromium (test.sh installs it) through Playwright. One browser
/// process serves the whole test run (a launch costs seconds of CPU on two cores); each test gets a session of its
/// own, whose pages live in browser contexts of its own (cookies and storage apart, as in separate browsers) and are
/// closed with it.
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    private static readonly SemaphoreSlim LaunchGate = new(1, 1);
    private static IPlaywright? s_playwright;
    private static IBrowser? s_browser;

    private readonly List<IBrowserContext> _contexts = [];

    private Chromium(IBrowser browser) => Browser = browser;

    /// <summary>CLOSEDLOOP_CHROMIUM, else Debian's.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("CLOSEDLOOP_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>How many browser processes this test run has started (one, unless one crashed).</summary>
    public static int Launches { get; private set; }

    /// <summary>Messages the pages opened through <see cref="OpenAsync"/> wrote as console errors, and their uncaught errors.</summary>
    public List<string> PageErrors { get; } = [];

    private IBrowser Browser { get; }

    /// <summary>A session on the run's browser, launched by the first caller.</summary>
    public static async Task<Chromium> LaunchAsync()
    {
        await LaunchGate.WaitAsync();
        try
        {
            if (s_browser is not { IsConnected: true })
            {
                Assert.True(File.Exists(ExecutablePath), $"no Chromium at {ExecutablePath}: install Debian's chromium (test.sh does) or set CLOSEDLOOP_CHROMIUM");
                // The page follows a broker, a rig and a logger on a busy two-core machine: give every expectation 10 s.
                Assertions.SetDefaultExpectTimeout(10_000);
                s_playwright ??= await Microsoft.Playwright.Playwright.CreateAsync();
                s_browser = await s_playwright.Chromium.LaunchAsync(new() { ExecutablePath = ExecutablePath, Headless = true, Args = ["--no-sandbox"] });
                Launches++;
            }

            return new Chromium(s_browser);
        }
        finally
        {
            LaunchGate.Release();
        }
    }

    /// <summary>A browser context of this session's (a fresh profile: no cookies, no storage).</summary>
    public async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions? options = null)
    {
        var context = await Browser.NewContextAsync(options);
        lock (_contexts)
        {
            _contexts.Add(context);
        }

        return context;
    }

    /// <summary>A new page at <paramref name="address"/> (in a new context unless one is given), its console errors collected in <see cref="PageErrors"/>.</summary>
    public async Task<IPage> OpenAsync(Uri address, IBrowserContext? context = null)
    {
        context ??= await NewContextAsync();
        var page = await context.NewPageAsync();
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

    /// <summary>Closes this session's contexts and pages; the browser stays for the next test.</summary>
    public async ValueTask DisposeAsync()
    {
        IBrowserContext[] contexts;
        lock (_contexts)
        {
            contexts = [.. _contexts];
            _contexts.Clear();
        }

        foreach (var context in contexts)
        {
            await context.CloseAsync();
        }
    }
}
