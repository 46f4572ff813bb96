using ClosedLoop.Host.WebConsole;
using ClosedLoop.VirtualRig;
using Microsoft.Playwright;

namespace ClosedLoop.Host.Tests.Console;

/// <summary>
/// What a person at a rig needs on its card, in a real browser (Debian's Chromium, 1600 × 1000): the light as the
/// converter reads it, LED currents, a trace that opens to the full width with its axes, and a config form with the
/// experiment's settings first that offers to disarm a busy rig before it applies.
/// </summary>
public sealed class ConsoleRigViewTests : BrowserConsoleTest
{
    private const long Second = 1_000_000;

    protected override ConsoleOptions Options => new() { Port = 0, PresetsFolder = Folder };

    private static ILocator Card(IPage page, string rig) => page.Locator($"li.rig[data-rig='{rig}']");

    private async Task<IPage> OpenAsync()
    {
        var context = await Chromium.NewContextAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
        return await Chromium.OpenAsync(Server.Address, context);
    }

    [Fact]
    public async Task The_card_shows_each_phases_light_with_the_dark_level_as_the_rigs_samples_have_it_and_warns_when_the_photodiode_saturates()
    {
        var page = await OpenAsync();
        // From 20 s of rig time the light reaching the photodiode is four times brighter: the converter saturates.
        var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-light", armed: false, publishSamples: true,
            lightFaults: [new LightFault(20 * Second, 3600 * Second, 4, 4)]);
        // The rig's frames as anyone on the broker gets them: each cycle's dark-subtracted levels.
        var frames = new SortedDictionary<long, (double Signal, double Control)>();
        await using var client = await ClosedLoop.Host.Mqtt.BrokerClient.ConnectAsync(TestBroker.Endpoint, CancellationToken.None);
        await client.WatchAsync(client.TopicsOf("rig-light").Samples, bytes =>
        {
            var samples = Enumerable.Range(0, 256).Select(_ => new ClosedLoop.Engine.Processing.ProcessedSample()).ToArray();
            Assert.Null(ClosedLoop.Engine.Wire.SampleFrameReader.TryRead(bytes, bytes.Length, out _, samples, out int count));
            lock (frames)
            {
                foreach (var s in samples.Take(count))
                {
                    frames[s.CycleIndex] = (s.RawSignal, s.RawControl);
                }
            }
        }, CancellationToken.None);
        await using (rig)
        await using (rig.PumpInBackground())
        {
            lock (rig)
            {
                rig.Run(10);
            }

            // The rig's latest status (its tenth second), and the card showing exactly its levels.
            byte[] status = (await client.WaitForAsync(client.TopicsOf("rig-light").Status, _ => true, TimeSpan.FromSeconds(5), null, CancellationToken.None))!;
            using var reported = System.Text.Json.JsonDocument.Parse(status);
            Assert.Equal(10_000_000, reported.RootElement.GetProperty("t_us").GetInt64());
            double signal = reported.RootElement.GetProperty("sig").GetDouble();
            double control = reported.RootElement.GetProperty("ctl").GetDouble();
            double dark = reported.RootElement.GetProperty("dark").GetDouble();
            var light = Card(page, "rig-light").Locator("section.light");
            await Assertions.Expect(light.Locator("[data-field=light-scale]")).ToContainTextAsync("counts of 4,095, dark not subtracted");
            await Assertions.Expect(light.Locator("meter[data-phase=sig]")).ToHaveJSPropertyAsync("value", signal);
            await Assertions.Expect(light.Locator("meter[data-phase=ctl]")).ToHaveJSPropertyAsync("value", control);
            await Assertions.Expect(light.Locator("meter[data-phase=dark]")).ToHaveJSPropertyAsync("value", dark);
            await Assertions.Expect(light.Locator("[data-field=light-signal]")).ToContainTextAsync($"{signal - dark:#,0} above dark");

            // The frames are dark-subtracted: the second the status closed at 10 s, 130 cycles of frames, has the mean the
            // card shows above dark (each level is rounded to a count, so within 1.5 counts). The frames follow the status
            // a batch later: a second more of rig time brings that second's frames.
            lock (rig)
            {
                rig.Run(1);
            }

            await Eventually.HoldsAsync(() => { lock (frames) { return frames.Count >= 1400; } }, () => $"{frames.Count} cycles of frames arrived");
            Assert.InRange(dark, 70, 90);  // the virtual photodiode's dark level is 80 counts, with read noise
            lock (frames)
            {
                double signalOff = ClosestSecond(frames, f => f.Signal, signal - dark);
                double controlOff = ClosestSecond(frames, f => f.Control, control - dark);
                Assert.True(signalOff <= 1.5, $"signal {signal} - dark {dark}: the nearest second of frames ending at 10 s is {signalOff:F1} counts away");
                Assert.True(controlOff <= 1.5, $"control {control} - dark {dark}: the nearest second of frames ending at 10 s is {controlOff:F1} counts away");
            }

            await Assertions.Expect(light.Locator("[data-field=light-warning]")).ToBeEmptyAsync();

            lock (rig)
            {
                rig.Run(15);
            }

            await Assertions.Expect(light.Locator("[data-field=light-warning]")).ToContainTextAsync("Near saturation");
            await Assertions.Expect(light.Locator("[data-field=light-signal]")).ToContainTextAsync("(100 %");
            Assert.Equal("near_rail", await light.GetAttributeAsync("data-range"));
        }

        Assert.Empty(Chromium.PageErrors);
    }

    /// <summary>
    /// How close <paramref name="level"/> comes to the mean of one second of frames (130 cycles at 130 Hz) that ends
    /// within 10 cycles of the rig's tenth second, where the status's second closed.
    /// </summary>
    private static double ClosestSecond(SortedDictionary<long, (double Signal, double Control)> frames, Func<(double Signal, double Control), double> channel, double level)
    {
        const int Cycles = 130;
        double best = double.MaxValue;
        for (long end = 1290; end <= 1310; end++)
        {
            var second = Enumerable.Range(0, Cycles).Select(i => end - Cycles + i).Where(frames.ContainsKey).Select(c => channel(frames[c])).ToList();
            if (second.Count == Cycles)
            {
                best = Math.Min(best, Math.Abs(second.Average() - level));
            }
        }

        return best;
    }

    [Fact]
    public async Task Led_currents_are_set_from_the_card_on_a_disarmed_rig_and_refused_before_sending_on_an_armed_one()
    {
        var page = await OpenAsync();
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-led", armed: false);
        await using (rig.PumpInBackground())
        {
            var card = Card(page, "rig-led");
            await Assertions.Expect(card.Locator("ul.states")).ToContainTextAsync("disarmed");
            await card.Locator("details.led summary").ClickAsync();
            var signal = card.GetByLabel("signal LED (mA)");
            await Assertions.Expect(signal).ToHaveValueAsync("10");
            // The virtual rig, like a board without the DAC, sets its currents in hardware: the page says what the values do there.
            await Assertions.Expect(card.Locator(".led-note")).ToContainTextAsync("sets its LED currents in hardware (pins.led_dac_cs is -1)");
            await signal.FillAsync("20");
            await card.GetByLabel("control LED (mA)").FillAsync("5");
            await card.GetByRole(AriaRole.Button, new() { Name = "Set currents" }).ClickAsync();

            await Assertions.Expect(card.Locator(".led-note")).ToContainTextAsync("rig-led applied config", new() { Timeout = 15_000 });
            Assert.Equal(20, rig.Rig.Engine.Config.Acquisition.SignalLedMa);
            Assert.Equal(5, rig.Rig.Engine.Config.Acquisition.ControlLedMa);

            lock (rig)
            {
                rig.Rig.Engine.Arm();
            }

            await Assertions.Expect(card.Locator("ul.states li").Nth(1)).ToHaveTextAsync("armed");
            string hash = rig.Rig.Engine.Config.Hash;
            await signal.FillAsync("30");
            await card.GetByRole(AriaRole.Button, new() { Name = "Set currents" }).ClickAsync();
            await Assertions.Expect(card.Locator(".led-note")).ToContainTextAsync("Not sent: rig-led takes a config only when disarmed with no session running (it is armed)");
            Assert.Equal(hash, rig.Rig.Engine.Config.Hash);
        }

        Assert.Empty(Chromium.PageErrors);
    }

    [Fact]
    public async Task A_card_opens_to_the_full_width_with_a_taller_trace_and_axes_that_say_their_range()
    {
        var page = await OpenAsync();
        await using var first = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-wide", armed: true, publishSamples: true);
        await using var second = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-other", armed: false);
        await using (first.PumpInBackground())
        await using (second.PumpInBackground())
        {
            lock (first)
            {
                first.Run(30);
            }

            var card = Card(page, "rig-wide");
            var canvas = card.Locator("canvas.trace");
            await Assertions.Expect(card.Locator("[data-field=trace-summary]")).ToContainTextAsync("Now z");
            await Assertions.Expect(Card(page, "rig-other").Locator("ul.states")).ToContainTextAsync("online");
            var small = (await canvas.BoundingBoxAsync())!;
            double list = (await page.Locator("#rigs").BoundingBoxAsync())!.Width;

            await card.GetByRole(AriaRole.Button, new() { Name = "Expand trace" }).ClickAsync();

            await Assertions.Expect(card.GetByRole(AriaRole.Button, new() { Name = "Shrink trace" })).ToHaveAttributeAsync("aria-expanded", "true");
            var large = (await canvas.BoundingBoxAsync())!;
            Assert.True(large.Width > 0.95 * list, $"expanded trace {large.Width} px of a {list} px list");
            Assert.True(large.Width > 1.5 * small.Width, $"{small.Width} -> {large.Width} px");
            Assert.True(large.Height > 1.5 * small.Height, $"{small.Height} -> {large.Height} px");

            // 30 s of data in a 60 s window: the time axis spans what exists, and says so with the value axes' ranges;
            // expanded, a third panel draws each channel's raw light (the virtual rig's: about 2,000 and 1,200 counts).
            await Assertions.Expect(canvas).ToHaveAttributeAsync("data-axes", new System.Text.RegularExpressions.Regex("^time −(2[5-9]|3[0-2])(\\.[0-9])? to 0 s; dF/F -?[0-9.]+ to [0-9.]+ %; z -?[0-9.]+ to [0-9.]+; raw [0-9]{3,4} to [0-9]{4} counts$"));
            await card.GetByRole(AriaRole.Button, new() { Name = "Shrink trace" }).ClickAsync();
            await Assertions.Expect(canvas).ToHaveAttributeAsync("data-axes", new System.Text.RegularExpressions.Regex("; z -?[0-9.]+ to [0-9.]+$"));
        }

        Assert.Empty(Chromium.PageErrors);
    }

    [Fact]
    public async Task The_config_form_puts_the_experiment_first_folds_the_hardware_and_offers_to_stop_a_busy_rig_before_it_applies()
    {
        var page = await OpenAsync();
        page.Dialog += (_, dialog) => dialog.AcceptAsync();
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-busy", armed: true);
        await using (rig.PumpInBackground())
        {
            var card = Card(page, "rig-busy");
            await Assertions.Expect(card.Locator("ul.states")).ToContainTextAsync("in session");
            var configure = card.GetByRole(AriaRole.Button, new() { Name = "Configure…" });
            await configure.ClickAsync();

            // The form opens in the rig's own card, detector first; the 40-odd hardware keys are folded away.
            var config = card.Locator("#config");
            await Assertions.Expect(config.Locator("legend").First).ToHaveTextAsync("detector");
            await Assertions.Expect(config.Locator("details.hardware")).Not.ToHaveAttributeAsync("open", "");
            await Assertions.Expect(config.Locator("[data-field='pins.opto_ttl'] input")).Not.ToBeVisibleAsync();
            await Assertions.Expect(config.Locator("details.hardware summary")).ToContainTextAsync("Hardware and link");
            double formTop = (await config.BoundingBoxAsync())!.Y;
            double cardTop = (await card.BoundingBoxAsync())!.Y;
            Assert.True(formTop - cardTop < 1500, $"the form starts {formTop - cardTop} px below its card's top");

            // Before Apply, the form says what the rig's state asks, and offers to do it.
            await Assertions.Expect(config.Locator("#config-state")).ToHaveTextAsync("rig-busy is armed and in session: it takes a config only when disarmed with no session running.");
            await config.Locator("[data-field='detector.deficit_threshold'] input").FillAsync("1.25");
            await config.GetByRole(AriaRole.Button, new() { Name = "Stop the session, disarm and apply…" }).ClickAsync();

            await Assertions.Expect(config.Locator("#config-outcome")).ToContainTextAsync("rig-busy applied config", new() { Timeout = 15_000 });
            Assert.False(rig.Rig.Engine.IsArmed);
            Assert.False(rig.Rig.Engine.InSession);
            Assert.Equal(1.25, rig.Rig.Engine.Config.Detector.DeficitThreshold);
            await Assertions.Expect(config.Locator("#config-state")).ToContainTextAsync("disarmed with no session running: Apply sends the config at once");

            // A refused hardware value opens its fold; closing the form returns to the button that opened it.
            await config.Locator("details.hardware summary").ClickAsync();
            await config.Locator("[data-field='acquisition.rate_hz'] input").FillAsync("5000");
            await Assertions.Expect(config.Locator("[data-field='acquisition.rate_hz'] .error")).ToContainTextAsync("5000");
            await config.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
            await Assertions.Expect(configure).ToBeFocusedAsync();
        }

        Assert.Empty(Chromium.PageErrors);
    }
}
