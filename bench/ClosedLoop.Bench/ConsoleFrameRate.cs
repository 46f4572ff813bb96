using System.Diagnostics;
using System.Globalization;
using System.Net;
using ClosedLoop.Host.Demo;
using Microsoft.Playwright;

namespace ClosedLoop.Bench;

/// <summary>
/// How smooth the console's live traces stay: the live demo's virtual rigs at 130 Hz in real time, the console on
/// them, and Debian's Chromium (headless, through Playwright) showing every rig's trace; the page counts the frames
/// it draws, read here over a fixed time for each trace window, each once the rigs have streamed that long (the
/// 300 s row after five minutes, so the window is full). Measured, not asserted.
/// </summary>
public static class ConsoleFrameRate
{
    public static async Task RunAsync(int rigs, TimeSpan each)
    {
        string folder = Directory.CreateTempSubdirectory("closedloop-console-bench").FullName;
        await using var demo = await LiveDemo.StartAsync(LiveDemo.Rigs(rigs, seed: 1), folder, IPAddress.Loopback, 0, [], CancellationToken.None);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await HeadlessChromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
        await page.GotoAsync(demo.Console.Address.ToString());
        await page.WaitForFunctionAsync($"document.querySelectorAll('[data-field=trace-summary]').length === {rigs} && [...document.querySelectorAll('[data-field=trace-summary]')].every(p => p.textContent.includes('dF/F'))", null, new() { Timeout = 60_000 });

        Console.WriteLine($"{rigs} virtual rigs at 130 Hz, console and Chromium {browser.Version} (headless) on {Environment.ProcessorCount} cores, {each.TotalSeconds:F0} s a row");
        Console.WriteLine("| trace window | frames drawn a second | host CPU (broker, rigs, logger, console) |");
        Console.WriteLine("|---|---|---|");
        var host = Process.GetCurrentProcess();
        var running = Stopwatch.StartNew();
        foreach (string window in new[] { "30", "60", "300" })
        {
            var full = TimeSpan.FromSeconds(int.Parse(window, CultureInfo.InvariantCulture) + 5);
            if (running.Elapsed < full)
            {
                await Task.Delay(full - running.Elapsed);
            }

            await page.SelectOptionAsync("#trace-window", window);
            await page.WaitForTimeoutAsync(2_000);
            int before = await page.EvaluateAsync<int>("window.closedloopTraceFrames");
            var cpuBefore = host.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await page.WaitForTimeoutAsync((float)each.TotalMilliseconds);
            int after = await page.EvaluateAsync<int>("window.closedloopTraceFrames");
            double seconds = clock.Elapsed.TotalSeconds;
            host.Refresh();
            double cpu = (host.TotalProcessorTime - cpuBefore).TotalSeconds / seconds * 100;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {window} s | {(after - before) / seconds:F1} | {cpu:F0} % of one core |"));
        }
    }
}
