using System.Net;
using ClosedLoop.Host.Demo;
using Microsoft.Playwright;

namespace ClosedLoop.Bench;

/// <summary>
/// The console's pictures for the docs: the live demo's rigs after a couple of minutes in real time, seen by
/// Debian's Chromium (headless): the rig cards, and the detector section of the config form with a value the engine refuses.
/// </summary>
public static class ConsoleScreenshots
{
    public static async Task RunAsync(string folder, TimeSpan settle)
    {
        Directory.CreateDirectory(folder);
        string work = Directory.CreateTempSubdirectory("closedloop-console-screenshots").FullName;
        await using var demo = await LiveDemo.StartAsync(LiveDemo.Rigs(4, seed: 3), work, IPAddress.Loopback, 0, [], CancellationToken.None);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });
        await page.GotoAsync(demo.Console.Address.ToString());
        Console.WriteLine($"waiting {settle.TotalSeconds:F0} s for encounters...");
        await Task.Delay(settle);
        await page.Locator("#sessions-refresh").ClickAsync();
        await page.WaitForTimeoutAsync(1000);
        string rigs = Path.Combine(folder, "console-rigs.png");
        await page.Locator("#rigs").ScreenshotAsync(new() { Path = rigs });
        await page.Locator("li.rig[data-rig='rig-iso']").GetByRole(AriaRole.Button, new() { Name = "Configure…" }).ClickAsync();
        await page.Locator("#config fieldset").First.WaitForAsync();
        // A value the engine refuses, to show its error at the field.
        await page.Locator("#config [data-field='detector.deficit_threshold'] input").FillAsync("99");
        await page.WaitForTimeoutAsync(1000);
        string config = Path.Combine(folder, "console-config.png");
        await page.Locator("#config fieldset").Filter(new() { Has = page.Locator("legend", new() { HasText = "detector" }) }).ScreenshotAsync(new() { Path = config });
        foreach (string written in new[] { rigs, config })
        {
            Console.WriteLine(written);
        }
    }
}
