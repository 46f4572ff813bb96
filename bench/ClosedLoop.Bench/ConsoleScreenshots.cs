using System.Net;
using ClosedLoop.Host.Demo;
using Microsoft.Playwright;

namespace ClosedLoop.Bench;

/// <summary>
/// The console's pictures for the docs: the live demo's three rigs (as `demo --console` starts them) after a couple of
/// minutes in real time, seen by Debian's Chromium (headless) at 1280 and at 1920 px wide; one card opened to the full
/// width with its light view; and the config form as it opens in its card (the experiment's settings first, the
/// hardware folded), with a value the engine refuses.
/// </summary>
public static class ConsoleScreenshots
{
    public static async Task RunAsync(string folder, TimeSpan settle)
    {
        Directory.CreateDirectory(folder);
        string work = Directory.CreateTempSubdirectory("closedloop-console-screenshots").FullName;
        await using var demo = await LiveDemo.StartAsync(LiveDemo.Rigs(3, seed: 3), work, IPAddress.Loopback, 0, [], CancellationToken.None);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var narrow = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        var wide = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1920, Height = 1080 } });
        await narrow.GotoAsync(demo.Console.Address.ToString());
        await wide.GotoAsync(demo.Console.Address.ToString());
        Console.WriteLine($"waiting {settle.TotalSeconds:F0} s for encounters...");
        await Task.Delay(settle);
        var written = new List<string>();
        async Task Shot(ILocator what, string name)
        {
            string path = Path.Combine(folder, name);
            await what.ScreenshotAsync(new() { Path = path });
            written.Add(path);
        }

        await Shot(narrow.Locator("#rigs"), "console-rigs.png");
        await Shot(wide.Locator("#rigs"), "console-rigs-1920.png");

        // One card opened to the whole width: the trace with its axes, and the light as the converter reads it.
        var card = wide.Locator("li.rig[data-rig='rig-iso']");
        await card.GetByRole(AriaRole.Button, new() { Name = "Expand trace" }).ClickAsync();
        await wide.WaitForTimeoutAsync(1000);
        await Shot(card, "console-expanded.png");
        await card.GetByRole(AriaRole.Button, new() { Name = "Shrink trace" }).ClickAsync();

        // The config form in its card, with a value the engine refuses shown at its field.
        await card.GetByRole(AriaRole.Button, new() { Name = "Configure…" }).ClickAsync();
        await wide.Locator("#config fieldset").First.WaitForAsync();
        await wide.Locator("#config [data-field='detector.deficit_threshold'] input").FillAsync("99");
        await wide.WaitForTimeoutAsync(1000);
        await Shot(wide.Locator("#config"), "console-config.png");
        foreach (string path in written)
        {
            Console.WriteLine(path);
        }
    }
}
