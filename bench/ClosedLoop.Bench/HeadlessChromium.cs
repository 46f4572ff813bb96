using Microsoft.Playwright;

namespace ClosedLoop.Bench;

/// <summary>The browser the console benches drive: CLOSEDLOOP_CHROMIUM, else Debian's chromium, headless.</summary>
public static class HeadlessChromium
{
    public static string ExecutablePath => Environment.GetEnvironmentVariable("CLOSEDLOOP_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new() { ExecutablePath = ExecutablePath, Headless = true, Args = ["--no-sandbox"] });
}
