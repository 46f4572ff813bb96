using System.Diagnostics;
using Microsoft.Playwright;

namespace ClosedLoop.Host.Tests.Console;

/// <summary>`closedloop console` as a process, the way a lab runs it as a service.</summary>
public sealed class ConsoleProcessTests : EmbeddedBrokerTest
{
    [Fact]
    public async Task The_console_stops_cleanly_on_sigterm_with_browsers_attached()
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { typeof(ClosedLoopCommandLine).Assembly.Location, "console", "--port", "0", "--broker", BrokerAddress })
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        try
        {
            // A process start on a busy two-core machine (other tests drive browsers meanwhile) can take a while.
            string? first = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(90));
            Assert.True(first?.StartsWith("console at ", StringComparison.Ordinal) == true, $"{first} {(process.HasExited ? await process.StandardError.ReadToEndAsync() : string.Empty)}");
            var address = new Uri(System.Text.RegularExpressions.Regex.Match(first ?? string.Empty, @"http://\S+/").Value);

            await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-term", armed: true, publishSamples: true);
            await using var chromium = await Chromium.LaunchAsync();
            var pages = new List<IPage>();
            await using (rig.PumpInBackground())
            {
                // The console prints its address before its MQTT subscription is made: the rig runs on, a second at a
                // time, until its samples show on a page (what it published before the console listened is not kept).
                const string Summary = "li.rig[data-rig='rig-term'] [data-field=trace-summary]";
                var firstPage = await chromium.OpenAsync(address, await chromium.NewContextAsync());
                await Eventually.HoldsAsync(
                    async () =>
                    {
                        lock (rig)
                        {
                            rig.Run(1);
                        }

                        return (await firstPage.Locator(Summary).TextContentAsync() ?? string.Empty).Contains("dF/F", StringComparison.Ordinal);
                    },
                    () => "the console never showed the rig's samples");
                pages.Add(firstPage);

                // A second browser's page, both holding both live streams open.
                var second = await chromium.OpenAsync(address, await chromium.NewContextAsync());
                await Assertions.Expect(second.Locator(Summary)).ToContainTextAsync("dF/F", new() { Timeout = 15_000 });
                pages.Add(second);

                var clock = Stopwatch.StartNew();
                Process.Start("kill", $"-TERM {process.Id}")!.WaitForExit();
                await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));

                Assert.Equal(0, process.ExitCode);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
                // The pages notice and say so rather than showing stale rigs as live.
                foreach (var page in pages)
                {
                    await Assertions.Expect(page.Locator("#broker")).ToHaveTextAsync("The console is not answering; retrying.");
                }
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
