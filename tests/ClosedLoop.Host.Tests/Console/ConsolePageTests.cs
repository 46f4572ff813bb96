using System.Net;
using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Wire;
using ClosedLoop.Host.WebConsole;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace ClosedLoop.Host.Tests.Console;

/// <summary>
/// The console in a real browser: Debian's Chromium driven by Playwright, the console served on loopback, an
/// embedded broker and a virtual rig that reports only what its engine does.
/// </summary>
public sealed class ConsolePageTests : BrowserConsoleTest
{
    protected override ConsoleOptions Options => new() { Port = 0, PresetsFolder = Folder };

    private List<string> ConsoleErrors => Chromium.PageErrors;

    /// <summary>The card of one rig on the page.</summary>
    private static ILocator Card(IPage page, string rig) => page.Locator($"li.rig[data-rig='{rig}']");

    private Task<IPage> OpenAsync() => Chromium.OpenAsync(Server.Address);

    [Fact]
    public async Task A_rig_card_shows_what_the_rig_reports_live_and_goes_offline_with_the_rig()
    {
        var page = await OpenAsync();
        await Assertions.Expect(page.Locator("#empty")).ToBeVisibleAsync();

        var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-web", armed: false, publishSamples: true);
        await using (rig.PumpInBackground())
        {
            var card = Card(page, "rig-web");
            var states = card.Locator("ul.states");
            await Assertions.Expect(states).ToContainTextAsync("online");
            await Assertions.Expect(states).ToContainTextAsync("disarmed");
            await Assertions.Expect(card.Locator("[data-field=mode]")).ToHaveTextAsync("closed_loop");
            await Assertions.Expect(card.Locator("[data-field=config]")).ToHaveTextAsync(rig.Rig.Engine.Config.Hash);
            await Assertions.Expect(card.Locator("[data-field=boot]")).ToHaveTextAsync(rig.BootId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Assertions.Expect(card.Locator("[data-field=faults]")).ToHaveTextAsync("none");
            // When the boot began, in the reader's local time (Chromium's default locale here: en-US), not as a count of µs.
            await Assertions.Expect(card.Locator("[data-field='up since']")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[A-Z][a-z]{2} [0-9]{1,2}, 20[0-9]{2}, [0-9]{1,2}:[0-9]{2}:[0-9]{2} [AP]M$"));

            // Armed and in session on the rig: the card follows, and the z trace and events move.
            lock (rig)
            {
                rig.Rig.Engine.Arm();
                rig.Rig.Engine.StartSession();
                rig.Run(40);
            }

            await Assertions.Expect(states).ToContainTextAsync("armed");
            await Assertions.Expect(states).ToContainTextAsync("in session");
            await Assertions.Expect(card.Locator("[data-field=trace-summary]")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("Now z -?[0-9]"));
            await Assertions.Expect(card.Locator("ol.events li").First).ToBeVisibleAsync();
            // Everything the rig journaled has arrived, without holes.
            await Assertions.Expect(card.Locator("[data-field=link]")).ToHaveTextAsync("0 event(s) pending, 0 event gap(s), 0 frame(s) missed");
            await Assertions.Expect(states).ToContainTextAsync("link ok");
            await Assertions.Expect(page.Locator("#broker")).ToHaveTextAsync("Broker connected.");
        }

        // The rig goes away: its will (or its own goodbye) says offline, and the card says so.
        await rig.DisposeAsync();
        await Assertions.Expect(Card(page, "rig-web").Locator("ul.states")).ToHaveTextAsync("offline");
        Assert.Empty(ConsoleErrors);
    }

    [Fact]
    public async Task The_trace_moves_with_the_rig_and_shades_its_encounters_by_the_rigs_decision()
    {
        var page = await OpenAsync();
        var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-trace", armed: true, publishSamples: true);
        await using (rig)
        await using (rig.PumpInBackground())
        {
            lock (rig)
            {
                rig.Run(45);
            }

            var card = Card(page, "rig-trace");
            var summary = card.Locator("[data-field=trace-summary]");
            await Assertions.Expect(summary).ToContainTextAsync(new System.Text.RegularExpressions.Regex("Now z -?[0-9]"));
            await Assertions.Expect(summary).ToContainTextAsync(new System.Text.RegularExpressions.Regex("[1-9][0-9]* (deficit|response)"));
            await Assertions.Expect(summary).ToContainTextAsync("deficit below Δz 1");
            var decided = rig.Events(EventKind.Decision);
            Assert.NotEmpty(decided);

            // The picture holds the shading of the rig's decisions (the page's colours for response and deficit).
            int shaded = await page.EvaluateAsync<int>("""
                rig => {
                  const canvas = document.querySelector(`li.rig[data-rig='${rig}'] canvas.trace`);
                  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                  const wanted = [[0xcf, 0xe9, 0xd6], [0xf6, 0xc7, 0xbd]];
                  let count = 0;
                  for (let i = 0; i < data.length; i += 4) {
                    if (wanted.some(c => c[0] === data[i] && c[1] === data[i + 1] && c[2] === data[i + 2])) count++;
                  }
                  return count;
                }
                """, "rig-trace");
            Assert.True(shaded > 100, $"{shaded} shaded pixels");

            // It moves: more rig time draws a different picture, frame after frame.
            string before = await page.EvaluateAsync<string>("document.querySelector(\"li.rig[data-rig='rig-trace'] canvas.trace\").toDataURL()");
            int framesBefore = await page.EvaluateAsync<int>("window.closedloopTraceFrames");
            lock (rig)
            {
                rig.Run(5);
            }

            await page.WaitForTimeoutAsync(1_000);
            string after = await page.EvaluateAsync<string>("document.querySelector(\"li.rig[data-rig='rig-trace'] canvas.trace\").toDataURL()");
            Assert.NotEqual(before, after);
            Assert.True(await page.EvaluateAsync<int>("window.closedloopTraceFrames") > framesBefore + 10);

            // The window is the experimenter's choice.
            await page.GetByLabel("Trace window").SelectOptionAsync("30");
            await Assertions.Expect(summary).ToContainTextAsync("Last 30 s");
        }

        Assert.Empty(ConsoleErrors);
    }

    [Fact]
    public async Task The_page_has_no_serious_or_critical_accessibility_violations()
    {
        var page = await OpenAsync();
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-a11y", armed: true, publishSamples: true);
        await using (rig.PumpInBackground())
        {
            lock (rig)
            {
                rig.Run(3);
            }

            // The light view measured, its LED currents open, the trace expanded: all of it in the check.
            var card = Card(page, "rig-a11y");
            await Assertions.Expect(card.Locator("ul.states")).ToContainTextAsync("armed");
            await Assertions.Expect(card.Locator("[data-field=light-signal]")).ToContainTextAsync("above dark");
            await card.Locator("details.led summary").ClickAsync();
            await card.GetByRole(AriaRole.Button, new() { Name = "Expand trace" }).ClickAsync();

            var result = await page.RunAxe();
            var severe = result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}").ToList();
            Assert.True(severe.Count == 0, string.Join("; ", severe));

            // And with the config form open, its hardware unfolded: every field labelled and described.
            await card.GetByRole(AriaRole.Button, new() { Name = "Configure…" }).ClickAsync();
            await Assertions.Expect(page.Locator("#config fieldset").First).ToBeVisibleAsync();
            await page.Locator("#config details.hardware summary").ClickAsync();
            var withForm = await page.RunAxe();
            var severeWithForm = withForm.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}").ToList();
            Assert.True(severeWithForm.Count == 0, string.Join("; ", severeWithForm));
        }

        Assert.Empty(ConsoleErrors);
    }

    [Fact]
    public async Task The_console_shows_the_brokers_outage_and_recovers_when_it_returns()
    {
        var page = await OpenAsync();
        await Assertions.Expect(page.Locator("#broker")).ToHaveTextAsync("Broker connected.");

        await TestBroker.StopAsync();
        await Assertions.Expect(page.Locator("#broker")).ToContainTextAsync("Broker unreachable");

        await TestBroker.StartAsync();
        await Assertions.Expect(page.Locator("#broker")).ToHaveTextAsync("Broker connected.", new() { Timeout = 15_000 });
    }

    [Fact]
    public async Task Arming_through_the_page_asks_once_and_arms_the_rig_as_its_status_on_the_broker_shows()
    {
        var page = await OpenAsync();
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-arm", armed: false);
        await using (rig.PumpInBackground())
        {
            var card = Card(page, "rig-arm");
            await Assertions.Expect(card.Locator("ul.states")).ToContainTextAsync("disarmed");
            string? asked = null;
            page.Dialog += async (_, dialog) =>
            {
                asked = dialog.Message;
                await dialog.AcceptAsync();
            };

            await card.GetByRole(AriaRole.Button, new() { Name = "Arm…" }).ClickAsync();

            await Assertions.Expect(card.Locator("p.outcome")).ToHaveTextAsync("arm: accepted");
            Assert.Equal("Arm rig-arm? Its outputs may then be driven.", asked);
            Assert.True(rig.Rig.Engine.IsArmed);
            await Assertions.Expect(card.Locator("ul.states")).ToContainTextAsync("armed");
            await using var client = await BrokerClient.ConnectAsync(TestBroker.Endpoint, CancellationToken.None);
            byte[]? status = await client.WaitForAsync(client.TopicsOf("rig-arm").Status, _ => true, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            Assert.Contains("\"armed\":true", Encoding.UTF8.GetString(status!), StringComparison.Ordinal);

            // The rig's journal says who sent it.
            var command = rig.Events(EventKind.Command).Last();
            Assert.Equal(SenderName.Pack("console"), command.Ref2);
        }

        Assert.Empty(ConsoleErrors);
    }

    [Fact]
    public async Task The_e_stop_button_cuts_a_running_train_with_one_click()
    {
        var page = await OpenAsync();
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-stop", armed: true, settings: ["output.mode=open_loop", "output.open_loop_interval_s=1"]);
        lock (rig)
        {
            for (int s = 0; s < 30 && rig.Events(EventKind.OutputStarted).Count == 0; s++)
            {
                rig.Run(1);
            }
        }

        Assert.NotEmpty(rig.Events(EventKind.OutputStarted));
        Assert.True(rig.Events(EventKind.OutputStopped).Count < rig.Events(EventKind.OutputStarted).Count, "a train should be running");
        await using (rig.PumpInBackground())
        {
            var card = Card(page, "rig-stop");
            await Assertions.Expect(card.Locator("ul.states")).ToContainTextAsync("armed");

            await card.GetByRole(AriaRole.Button, new() { Name = "E-STOP", Exact = true }).ClickAsync();

            await Assertions.Expect(card.Locator("p.outcome")).ToHaveTextAsync("estop: accepted");
            await Assertions.Expect(card.Locator("ul.states")).ToContainTextAsync("e-stop latched");
            Assert.False(rig.Rig.Engine.IsArmed);
            var stopped = rig.Events(EventKind.OutputStopped).Last();
            Assert.NotEqual(0, stopped.Flags & OutputFlags.Aborted);
            Assert.Single(rig.Events(EventKind.EStop));
        }

        Assert.Empty(ConsoleErrors);
    }

    [Fact]
    public async Task The_e_stop_is_reached_within_a_few_tabs_and_pressed_with_the_keyboard_alone()
    {
        var page = await OpenAsync();
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-keys", armed: true);
        await using (rig.PumpInBackground())
        {
            await Assertions.Expect(Card(page, "rig-keys").Locator("ul.states")).ToContainTextAsync("armed");
            int tabs = 0;
            while (await page.EvaluateAsync<string>("document.activeElement?.textContent ?? ''") != "E-STOP" && tabs < 10)
            {
                await page.Keyboard.PressAsync("Tab");
                tabs++;
            }

            Assert.True(tabs < 10, "the E-STOP is not among the first ten stops of the keyboard");
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(Card(page, "rig-keys").Locator("ul.states")).ToContainTextAsync("e-stop latched");
            Assert.Single(rig.Events(EventKind.EStop));
        }

        Assert.Empty(ConsoleErrors);
    }

    [Fact]
    public async Task A_session_started_from_the_page_names_its_animal_and_one_without_a_subject_is_not_started()
    {
        var page = await OpenAsync();
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-session", armed: false);
        await using (rig.PumpInBackground())
        {
            var card = Card(page, "rig-session");
            await Assertions.Expect(card.Locator("ul.states")).ToContainTextAsync("no session");

            await card.GetByRole(AriaRole.Button, new() { Name = "Start session" }).ClickAsync();
            await Assertions.Expect(card.Locator("p.outcome")).ToContainTextAsync("needs the animal's id");
            Assert.False(rig.Rig.Engine.InSession);

            await using var client = await BrokerClient.ConnectAsync(TestBroker.Endpoint, CancellationToken.None);
            var note = client.WaitForAsync(client.TopicsOf("rig-session").Sessions, _ => true, TimeSpan.FromSeconds(10), null, CancellationToken.None);
            await card.GetByLabel("Subject").FillAsync("m42");
            await card.GetByRole(AriaRole.Button, new() { Name = "Start session" }).ClickAsync();

            await Assertions.Expect(card.Locator("p.outcome")).ToHaveTextAsync("session-start: accepted");
            await Assertions.Expect(card.Locator("ul.states")).ToContainTextAsync("in session");
            Assert.True(rig.Rig.Engine.InSession);
            string announced = Encoding.UTF8.GetString((await note)!);
            Assert.Contains("\"subject\":\"m42\"", announced, StringComparison.Ordinal);

            await card.GetByRole(AriaRole.Button, new() { Name = "Encounter start" }).ClickAsync();
            await Assertions.Expect(card.Locator("p.outcome")).ToHaveTextAsync("encounter-start: accepted");
        }

        Assert.Empty(ConsoleErrors);
    }

    [Fact]
    public async Task A_preset_saved_from_one_rigs_form_loads_onto_two_rigs_changing_only_the_experiments_settings()
    {
        var page = await OpenAsync();
        await using var first = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-p1", armed: false);
        // The second rig is a sham control: a preset must not change its condition.
        await using var second = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-p2", armed: false, settings: ["link.sample_batch=20", "output.mode=sham"]);
        await using (first.PumpInBackground())
        await using (second.PumpInBackground())
        {
            await Assertions.Expect(Card(page, "rig-p2").Locator("ul.states")).ToContainTextAsync("online");
            await Card(page, "rig-p1").GetByRole(AriaRole.Button, new() { Name = "Configure…" }).ClickAsync();
            var threshold = page.Locator("#config [data-field='detector.deficit_threshold'] input");
            await Assertions.Expect(threshold).ToHaveValueAsync("1");

            // A value the engine refuses is not saved.
            await threshold.FillAsync("99");
            await page.GetByLabel("Save the experiment's settings of this form as preset").FillAsync("bad-one");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save preset" }).ClickAsync();
            await Assertions.Expect(page.Locator("#preset-save-outcome")).ToContainTextAsync("not saved: detector.deficit_threshold = 99: expected a number from -50 to 50");
            Assert.False(File.Exists(Path.Combine(Folder, "bad-one.nf.config")));

            await threshold.FillAsync("1.5");
            await page.GetByLabel("Save the experiment's settings of this form as preset").FillAsync("deficit-1p5");
            await page.GetByRole(AriaRole.Button, new() { Name = "Save preset" }).ClickAsync();
            await Assertions.Expect(page.Locator("#preset-save-outcome")).ToContainTextAsync("saved preset deficit-1p5");
            string saved = File.ReadAllText(Path.Combine(Folder, "deficit-1p5.nf.config"));
            Assert.Contains("deficit_threshold = 1.5", saved, StringComparison.Ordinal);
            Assert.DoesNotContain("[pins]", saved, StringComparison.Ordinal);
            Assert.DoesNotContain("[rig]", saved, StringComparison.Ordinal);
            Assert.DoesNotContain("mode =", saved, StringComparison.Ordinal);

            await page.GetByLabel("Preset", new() { Exact = true }).SelectOptionAsync("deficit-1p5");
            await page.Locator("#preset-rigs").GetByLabel("rig-p1").CheckAsync();
            await page.Locator("#preset-rigs").GetByLabel("rig-p2").CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Load onto the chosen rigs" }).ClickAsync();

            await Assertions.Expect(page.Locator("#preset-outcomes li[data-rig='rig-p1']")).ToContainTextAsync("rig-p1: applied", new() { Timeout = 15_000 });
            await Assertions.Expect(page.Locator("#preset-outcomes li[data-rig='rig-p2']")).ToContainTextAsync("rig-p2: applied", new() { Timeout = 15_000 });
            foreach (var rig in new[] { first, second })
            {
                Assert.Equal(1.5, rig.Rig.Engine.Config.Detector.DeficitThreshold);
                Assert.Equal(rig.RigId, rig.Rig.Engine.Config.RigId);
            }

            // Each rig kept its own link settings: a preset carries none.
            await using var client = await BrokerClient.ConnectAsync(TestBroker.Endpoint, CancellationToken.None);
            byte[]? applied = await client.WaitForAsync(client.TopicsOf("rig-p2").ConfigApplied, _ => true, TimeSpan.FromSeconds(5), null, CancellationToken.None);
            string text = Encoding.UTF8.GetString(applied!);
            Assert.Contains("sample_batch = 20", text, StringComparison.Ordinal);
            Assert.Equal(ClosedLoop.Engine.Config.OutputMode.Sham, second.Rig.Engine.Config.Output.Mode);
            Assert.Equal(ClosedLoop.Engine.Config.OutputMode.ClosedLoop, first.Rig.Engine.Config.Output.Mode);
            Assert.Contains("deficit_threshold = 1.5", text, StringComparison.Ordinal);
        }

        Assert.Empty(ConsoleErrors);
    }

    [Fact]
    public async Task A_bad_value_shows_the_engines_error_at_its_field_and_is_never_sent_and_a_good_config_is_acknowledged()
    {
        var page = await OpenAsync();
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-cfg", armed: false);
        await using (rig.PumpInBackground())
        {
            var card = Card(page, "rig-cfg");
            await Assertions.Expect(card.Locator("ul.states")).ToContainTextAsync("online");
            string before = rig.Rig.Engine.Config.Hash;
            await card.GetByRole(AriaRole.Button, new() { Name = "Configure…" }).ClickAsync();
            var config = page.Locator("#config");
            var threshold = config.Locator("[data-field='detector.deficit_threshold']");
            await Assertions.Expect(threshold.Locator("input")).ToHaveValueAsync("1");

            await threshold.GetByLabel("deficit_threshold").FillAsync("99");
            await Assertions.Expect(threshold.Locator(".error")).ToHaveTextAsync("99: expected a number from -50 to 50");
            await Assertions.Expect(threshold.Locator("input")).ToHaveAttributeAsync("aria-invalid", "true");
            await config.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
            await Assertions.Expect(config.Locator("#config-outcome")).ToHaveTextAsync("not sent: 1 value(s) the engine refuses");
            Assert.Equal(before, rig.Rig.Engine.Config.Hash);

            await threshold.GetByLabel("deficit_threshold").FillAsync("1.5");
            await Assertions.Expect(threshold.Locator(".error")).ToBeEmptyAsync();
            await Assertions.Expect(config.Locator("#config-changes")).ToContainTextAsync("detector.deficit_threshold: 1 → 1.5");
            await config.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();

            await Assertions.Expect(config.Locator("#config-outcome")).ToContainTextAsync("rig-cfg applied config", new() { Timeout = 15_000 });
            Assert.Equal(1.5, rig.Rig.Engine.Config.Values.GetNumber("detector", "deficit_threshold"));
            Assert.NotEqual(before, rig.Rig.Engine.Config.Hash);
            await Assertions.Expect(config.Locator("#config-outcome")).ToHaveTextAsync($"rig-cfg applied config {rig.Rig.Engine.Config.Hash}");
        }

        Assert.Empty(ConsoleErrors);
    }

    [Fact]
    public async Task A_command_without_the_pages_token_is_refused_and_reaches_no_rig()
    {
        await using var rig = await LinkedRig.StartAsync(TestBroker.Endpoint, "rig-csrf", armed: false);
        await using (rig.PumpInBackground())
        {
            using var http = new HttpClient();
            await Eventually.HoldsAsync(async () => (await http.GetStringAsync(new Uri(Server.Address, "api/rigs"))).Contains("rig-csrf", StringComparison.Ordinal), () => "the console never listed rig-csrf");

            using var forged = await http.PostAsync(new Uri(Server.Address, "api/rigs/rig-csrf/arm"), null);
            using var wrong = new HttpRequestMessage(HttpMethod.Post, new Uri(Server.Address, "api/rigs/rig-csrf/arm"));
            wrong.Headers.Add(ConsoleServer.TokenHeader, "guessed");
            using var guessed = await http.SendAsync(wrong);

            Assert.Equal(HttpStatusCode.Forbidden, forged.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, guessed.StatusCode);
            await Task.Delay(500);
            Assert.False(rig.Rig.Engine.IsArmed);
            Assert.Empty(rig.Events(EventKind.Command));
        }
    }
}
