using System.Net;
using System.Text.Json;
using ClosedLoop.Board.Tests.Emulation;
using ClosedLoop.Firmware;
using ClosedLoop.Firmware.Board;
using ClosedLoop.Firmware.Tests.Support;
using ClosedLoop.Host.Commands;
using ClosedLoop.Host.Configuration;
using ClosedLoop.Host.Logging;
using ClosedLoop.Host.Mqtt;
using ClosedLoop.Host.Tests;
using MQTTnet;

namespace ClosedLoop.Board.Tests;

/// <summary>
/// The board application itself (firmware/ClosedLoop.Firmware, unchanged) on an emulated ESP32, with the
/// embedded MQTTnet broker and the real logger writing SQLite: boot order, the link, outages, commands, inputs and
/// the self-test, end to end. Real time and real threads, so each test waits with generous deadlines.
/// </summary>
[Collection("one emulated board at a time")]
public sealed class BoardTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _previousDirectory = Environment.CurrentDirectory;
    private readonly DirectoryInfo _flash = Directory.CreateTempSubdirectory("closedloop-board-");
    private readonly int _port = EmbeddedBroker.FreePort();
    private EmbeddedBroker? _broker;
    private EventStore? _store;
    private EventLogger? _logger;
    private RigBoard? _rig;

    private const string Rig = "rig-emu";

    public Task InitializeAsync()
    {
        // The board's drive I: is this folder: its files are named "I:\nf.config" and so on, as on the board.
        Environment.CurrentDirectory = _flash.FullName;
        EmulatedBoard.PowerOn();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _rig?.Stop();
        if (_logger is not null)
        {
            await _logger.DisposeAsync();
        }

        _store?.Dispose();
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }

        Environment.CurrentDirectory = _previousDirectory;
        _flash.Delete(recursive: true);
    }

    private EventStore Store => _store!;

    private RigBoard Boot(params string[] extraLines)
    {
        string config = string.Join('\n',
        [
            "[rig]", $"id = {Rig}",
            "[processing]", "warmup_s = 1",
            "[link]", "wifi_password = lab-secret", $"broker_host = 127.0.0.1", $"broker_port = {_port}",
            .. extraLines,
        ]) + "\n" + ConfigCommand.Template(key => key.IsSafety);
        File.WriteAllBytes("I:\\nf.config", SealedConfig.Bytes(config));
        _rig = new RigBoard();
        _rig.Boot();
        return _rig;
    }

    /// <summary>Boots with the template's safety keys, some of them changed; changes to other keys are added.</summary>
    private RigBoard BootWith(params (string Section, string Key, string Value)[] changes)
    {
        var lines = ConfigCommand.Template(key => key.IsSafety).Split('\n').ToList();
        var applied = new HashSet<(string, string, string)>();
        string? section = null;
        for (int i = 0; i < lines.Count; i++)
        {
            if (lines[i].StartsWith('['))
            {
                section = lines[i].Trim('[', ']');
                continue;
            }

            foreach (var (sectionName, key, value) in changes)
            {
                if (sectionName == section && lines[i].StartsWith(key + " = ", StringComparison.Ordinal))
                {
                    lines[i] = $"{key} = {value}";
                    applied.Add((sectionName, key, value));
                }
            }
        }

        var others = changes.Where(c => !applied.Contains(c)).SelectMany(c => new[] { $"[{c.Section}]", $"{c.Key} = {c.Value}" });
        string config = string.Join('\n',
        [
            "[rig]", $"id = {Rig}",
            "[processing]", "warmup_s = 1",
            "[link]", "wifi_password = lab-secret", "broker_host = 127.0.0.1", $"broker_port = {_port}",
            .. others,
        ]) + "\n" + string.Join('\n', lines);
        File.WriteAllBytes("I:\\nf.config", SealedConfig.Bytes(config));
        _rig = new RigBoard();
        _rig.Boot();
        return _rig;
    }

    private string SafetyFile()
    {
        string path = Path.Combine(_flash.FullName, "safety.nf.config");
        File.WriteAllText(path, ConfigCommand.Template(key => key.IsSafety));
        return path;
    }

    private async Task StartBrokerAndLoggerAsync()
    {
        _broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, _port);
        _store ??= new EventStore(Path.Combine(_flash.FullName, "log.sqlite"));
        _logger = new EventLogger(BrokerEndpoint.Loopback(_port), _store);
        await _logger.StartAsync(CancellationToken.None);
    }

    private async Task<int> Command(params string[] args) =>
        await ClosedLoopCommandLine.Build().Parse([.. args, "--broker", $"127.0.0.1:{_port}"]).InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null });

    /// <summary>The board's last journaled sequence (read without its lock: a 64-bit read of a counter that only grows).</summary>
    private long JournaledThrough() => _rig!.Engine.Journal.NextSequence - 1;

    private IReadOnlyList<(long Sequence, long TimeUs, string Kind, string Json)> Logged() =>
        Store.Boots(Rig).SelectMany(boot => Store.Events(Rig, boot)).ToList();

    private static Task WaitFor(Func<bool> condition, Func<string> explain) => Eventually.HoldsAsync(condition, explain, Patience);

    /// <summary>The valid cycles of the logged frames of the board's first boot, after its first <paramref name="skipFrames"/> frames.</summary>
    private List<ClosedLoop.Engine.Processing.ProcessedSample> ValidCycles(int skipFrames)
    {
        var found = new List<ClosedLoop.Engine.Processing.ProcessedSample>();
        foreach (var frame in Store.Boots(Rig).Take(1).SelectMany(boot => Store.Frames(Rig, boot)).Skip(skipFrames))
        {
            var samples = Enumerable.Range(0, 255).Select(_ => new ClosedLoop.Engine.Processing.ProcessedSample()).ToArray();
            Assert.Null(ClosedLoop.Engine.Wire.SampleFrameReader.TryRead(frame, frame.Length, out _, samples, out int count));
            found.AddRange(samples.Take(count).Where(s => s.IsValid));
        }

        return found;
    }

    private async Task WaitForLogged(string kind) =>
        await WaitFor(() => Logged().Any(e => e.Kind == kind), () => $"no {kind}; logged: {string.Join(", ", Logged().Select(e => e.Kind))}");

    /// <summary>
    /// Waits until the logger holds every event the board has journaled (1..N, each once). The board keeps
    /// journaling meanwhile, so N is read anew on each check and later events may still be on their way.
    /// </summary>
    private async Task AssertEverythingLogged()
    {
        long journaled = 0;
        await WaitFor(
            () =>
            {
                journaled = JournaledThrough();
                var logged = Logged().Select(e => e.Sequence).ToHashSet();
                return Enumerable.Range(1, (int)journaled).All(s => logged.Contains(s));
            },
            () => $"logged {Logged().Count} of {JournaledThrough()}; missing {string.Join(",", Enumerable.Range(1, (int)JournaledThrough()).Select(i => (long)i).Except(Logged().Select(e => e.Sequence)).Take(20))}; "
                + string.Join(" ", Logged().Where(e => e.Kind is "events_lost" or "fault").Select(e => e.Json)));
        var sequences = Logged().Select(e => e.Sequence).ToList();
        Assert.Equal(sequences.Count, sequences.Distinct().Count());
        Assert.True(sequences.Count >= journaled);
    }

    [Fact]
    public async Task The_board_boots_outputs_low_first_joins_the_broker_and_every_event_reaches_the_log_in_order()
    {
        await StartBrokerAndLoggerAsync();
        var board = EmulatedBoard.Current;

        Boot();

        // Both output buffers were disabled before the RMT channel behind them existed, and nothing was sent.
        var opto = Assert.Single(board.Transmitters(27));
        Assert.Equal((false, true), (board.Pin(18).Writes[0].High, board.Pin(18).Writes[0].TimeUs <= opto.CreatedUs));
        Assert.False(board.Pin(19).Writes[0].High);
        Assert.Empty(opto.Sends);

        // The 1 Hz sync loops in hardware: one second of 3.125 µs ticks.
        var sync = Assert.Single(Assert.Single(board.Transmitters(13)).Sends);
        Assert.True(sync.Looping);
        Assert.Equal(1_000_000_000L, sync.TotalTicks * board.Transmitters(13)[0].TickNs);

#if RMT3
        // RMT 3.0: the driver chooses the channels (it found one for each, the receiver too); each transmitter has
        // the memory blocks nf.config gives it, and no two share a block.
        var routed = new[] { 27, 14, 25, 26, 13 }.Select(pin => board.Rmt.RoutedTo(pin)!.Value).ToList();
        Assert.Equal([2, 2, 1, 1, 1], routed.Select(r => r.Blocks));
        Assert.All(routed, r => Assert.True(r.Installed));
        Assert.Equal(7, routed.SelectMany(r => Enumerable.Range(r.Number, r.Blocks)).Distinct().Count());
#else
        // Every RMT channel on the number nf.config gives it, no two sharing a memory block.
        Assert.Equal((0, 2, true), board.Rmt.RoutedTo(27));
        Assert.Equal((2, 2, true), board.Rmt.RoutedTo(14));
        Assert.Equal((4, 1, true), board.Rmt.RoutedTo(25));
        Assert.Equal((5, 1, true), board.Rmt.RoutedTo(26));
        Assert.Equal((6, 1, true), board.Rmt.RoutedTo(13));
        Assert.Equal((7, 1, true), board.Rmt.RoutedTo(4));
#endif
        Assert.Empty(board.Rmt.Conflicts);

        await WaitForLogged("sync_started");
        Assert.Equal(0, await Command("arm", Rig));
        await WaitForLogged("armed");

        board.SetInput(35, true);
        await Task.Delay(1500);
        board.SetInput(35, false);
        await WaitForLogged("encounter_off");

        board.SetInput(33, true);
        await WaitForLogged("estop");
        Assert.False(board.Pin(18).High);

        await AssertEverythingLogged();
        var logged = Logged();
        Assert.Equal("boot", logged[0].Kind);
        Assert.Contains("\"source\":\"input\"", logged.Single(e => e.Kind == "estop").Json, StringComparison.Ordinal);
        Assert.Contains("\"source\":\"input\"", logged.Single(e => e.Kind == "encounter_on").Json, StringComparison.Ordinal);
        Assert.Contains("\"period_us\":1000000", logged.Single(e => e.Kind == "sync_started").Json, StringComparison.Ordinal);
        Assert.True(Store.CountFrames() > 0, "no sample frames");
        Assert.True(board.Readings > 1000, $"only {board.Readings} readings");
    }

    [Fact]
    public async Task The_photodiode_signal_follows_the_leds_the_firmware_drives()
    {
        await StartBrokerAndLoggerAsync();
        Boot();

        // The emulated photodiode sees 2000 counts more while the signal LED is on and 1000 while the control LED is:
        // only if the RMT patterns and the engine's phase tagging agree do the frames show those levels.
        // A cycle the emulated sampler starved (the test machine is busy) is flagged invalid, as on the board, so the
        // test waits for enough valid cycles after the first 20 frames rather than taking the last few frames.
        await WaitFor(() => ValidCycles(20).Count >= 30, () => $"only {ValidCycles(20).Count} valid cycles after the first 20 frames ({Store.CountFrames()} frames)");
        var valid = ValidCycles(20);
        var bad = valid.Where(v => v.RawSignal is < 1999 or > 2001 || v.RawControl is < 999 or > 1001).ToList();
        var signal = EmulatedBoard.Current.Transmitters(25).Last().Sends.Last();
        var control = EmulatedBoard.Current.Transmitters(26).Last().Sends.Last();
        Assert.True(bad.Count == 0,
            $"epoch {_rig!.Engine.Demultiplexer.Schedule.EpochUs}, signal LED started {signal.StartUs}, control {control.StartUs}; cycles off: "
            + string.Join(" ", bad.Select(v => $"[{v.CycleIndex}: {v.RawSignal:F0}/{v.RawControl:F0}]")));
    }

    [Fact]
    public async Task A_bridged_arm_chain_faults_and_disarms_the_rig_and_arming_waits_until_the_chain_agrees()
    {
        await StartBrokerAndLoggerAsync();
        var board = EmulatedBoard.Current;
        // A plan the real-time emulated sampler meets on a busy machine too (arming would otherwise be refused
        // acquisition_too_slow there, which is not what this test is about).
        Boot("[pins]", "interlock_input = 34", "[acquisition]", "adc = ads131m02", "rate_hz = 20", "signal_on_us = 20000", "control_on_us = 20000");
        await WaitForLogged("boot");

        // The key turns on and off, its two poles together: nothing to report.
        board.SetInput(32, true);
        await Task.Delay(200);
        board.SetInput(32, false);
        await Task.Delay(200);
        Assert.Equal(0, await Command("arm", Rig));
        Assert.True(_rig!.Engine.IsArmed);

        // A jumper across the key's chain pole: the chain reads closed with the key off.
        board.ArmChainBridged = true;
        await WaitFor(() => Logged().Any(e => e.Kind == "fault" && e.Json.Contains("\"fault\":\"interlock\"", StringComparison.Ordinal)), () => string.Join(", ", Logged().Select(e => e.Kind)));
        Assert.False(_rig.Engine.IsArmed);
        Assert.Contains("\"detail\":1", Logged().Last(e => e.Kind == "fault").Json, StringComparison.Ordinal);
        Assert.Equal(ControlCommands.Refused, await Command("arm", Rig));

        // Jumper gone: once the chain has agreed for the debounce the rig arms again; a cut chain wire with the key on
        // is the other disagreement.
        board.ArmChainBridged = false;
        await WaitFor(() => !_rig.Engine.IsInterlockMismatched, () => "the mismatch did not clear");
        Assert.Equal(0, await Command("arm", Rig));
        board.ArmChainCut = true;
        board.SetInput(32, true);
        await WaitFor(() => Logged().Count(e => e.Kind == "fault") == 2, () => string.Join(", ", Logged().Select(e => e.Kind)));
        Assert.Contains("\"detail\":2", Logged().Last(e => e.Kind == "fault").Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_the_rig_boards_converter_the_signal_follows_the_leds_and_no_reading_mixes_phases()
    {
        await StartBrokerAndLoggerAsync();
        Boot("[acquisition]", "adc = ads131m02");

        // The converter reads 0.01 V dark, 0.21 V with the signal LED and 0.11 V with the control LED (the emulated
        // photodiode's counts x 1e-4 V), each conversion the mean over its three periods. Dark-subtracted, in codes of
        // 1.2 V / 2^23: a conversion whose window crossed an LED edge would pull a cycle off these values. The board
        // runs in real time, so on a busy machine fewer cycles have their readings: wait for enough valid ones.
        int signal = ToCode(0.21) - ToCode(0.01), control = ToCode(0.11) - ToCode(0.01);
        await WaitFor(() => ValidCycles(10).Count >= 30, () => $"{ValidCycles(10).Count} valid cycles in {Store.CountFrames()} frames");
        var valid = ValidCycles(10);

        var (settings, chip) = Assert.Single(EmulatedBoard.Current.SpiDevices);
        Assert.Equal((1, 23, System.Device.Spi.SpiMode.Mode1, 8_000_000), (settings.BusId, settings.ChipSelectLine, settings.Mode, settings.ClockFrequency));
        Assert.Equal(1024, chip.Oversampling);
        Assert.True(valid.Count >= 30, $"only {valid.Count} valid cycles in 5 frames");
        var bad = valid.Where(v => Math.Abs(v.RawSignal - signal) > 1 || Math.Abs(v.RawControl - control) > 1).ToList();
        Assert.True(bad.Count == 0, $"expected {signal}/{control}; cycles off: " + string.Join(" ", bad.Select(v => $"[{v.CycleIndex}: {v.RawSignal:F0}/{v.RawControl:F0}]")));

        static int ToCode(double volts) => (int)Math.Round(volts / 1.2 * (1 << 23));
    }

    [Fact]
    public async Task The_LED_DAC_works_on_a_board_without_the_rig_boards_converter()
    {
        // The ESP32's own ADC and an MCP4822: no MISO is mapped, so the DAC must bring the SPI bus up as half duplex.
        var board = EmulatedBoard.Current;
        await StartBrokerAndLoggerAsync();
        Boot("[rig]", "board = ESP32_REV3", "[journal]", "frame_capacity = 150", "[acquisition]", "signal_led_ma = 15",
            "[pins]", $"led_dac_cs = {board.LedDacChipSelect}");

        await WaitFor(() => ValidCycles(10).Count >= 30, () => $"{ValidCycles(10).Count} valid cycles in {Store.CountFrames()} frames; logged: {string.Join(", ", Logged().Select(e => e.Kind + e.Json))}");
        Assert.DoesNotContain(Logged(), e => e.Kind == "fault" && e.Json.Contains("\"board\"", StringComparison.Ordinal));
        Assert.Equal(System.Device.Spi.SpiBusConfiguration.HalfDuplex, board.LedDac!.ConnectionSettings.Configuration);
        double signalMa = RigBoardLedLoop.Milliamps(board.LedDac.OutputVolts(0));
        Assert.InRange(signalMa, 14.9875, 15.0125);
        Assert.All(ValidCycles(10), v => Assert.InRange(v.RawSignal, Math.Round(2000 * signalMa / 10) - 1, Math.Round(2000 * signalMa / 10) + 1));
    }

    [Fact]
    public async Task Each_LEDs_current_is_set_by_the_config_through_the_DAC_and_a_new_config_from_the_host_changes_it()
    {
        var board = EmulatedBoard.Current;
        await StartBrokerAndLoggerAsync();
        // GPIO16, free on the rig board's WROOM module (a WROVER's PSRAM would hold it; without PSRAM, fewer frames fit).
        Boot("[rig]", "board = ESP32_REV3", "[journal]", "frame_capacity = 150", "[acquisition]", "adc = ads131m02", "signal_led_ma = 20", "control_led_ma = 5",
            "[pins]", $"led_dac_cs = {board.LedDacChipSelect}");

        // The emulated photodiode's LED shares (0.2 V and 0.1 V at the converter) are for 10 mA: the frames show the
        // light that the currents the DAC was given make. The DAC has its own chip select and SPI mode 0 on the
        // converter's bus, and each current is the one asked for to within half a step (12.5 uA).
        await WaitFor(() => ValidCycles(10).Count >= 30, () => $"{ValidCycles(10).Count} valid cycles in {Store.CountFrames()} frames; logged: {string.Join(", ", Logged().Select(e => e.Kind + e.Json))}");
        var dac = board.LedDac!;
        Assert.Equal((1, System.Device.Spi.SpiMode.Mode0), (dac.ConnectionSettings.BusId, dac.ConnectionSettings.Mode));
        double signalMa = RigBoardLedLoop.Milliamps(dac.OutputVolts(0)), controlMa = RigBoardLedLoop.Milliamps(dac.OutputVolts(1));
        Assert.InRange(signalMa, 19.9875, 20.0125);
        Assert.InRange(controlMa, 4.9875, 5.0125);
        int signal = ToCode(Volts(100 + (2000 * signalMa / 10))) - ToCode(0.01), control = ToCode(Volts(100 + (1000 * controlMa / 10))) - ToCode(0.01);
        Assert.All(ValidCycles(10), v =>
        {
            Assert.InRange(v.RawSignal, signal - 2, signal + 2);
            Assert.InRange(v.RawControl, control - 2, control + 2);
        });

        // The host sets them like any key, over the config the rig runs; the session's logged config holds them.
        int framesBefore = (int)Store.CountFrames();
        Assert.Equal(0, await Command("configure", Rig, "--set", "acquisition.signal_led_ma=12.5", "--set", "acquisition.control_led_ma=0"));
        await WaitFor(() => RigBoardLedLoop.Milliamps(dac.OutputVolts(0)) is > 12.48 and < 12.52, () => $"signal LED at {RigBoardLedLoop.Milliamps(dac.OutputVolts(0))} mA");
        Assert.Equal(0, RigBoardLedLoop.Milliamps(dac.OutputVolts(1)));
        // Between the two, the excitation's stop shut both outputs down (mode bit /SHDN clear), not just the patterns.
        int wordsAtBoot = 2;
        Assert.Equal([false, false], dac.Words.Skip(wordsAtBoot).Take(2).Select(w => (w & 0x1000) != 0));
        Assert.Equal(0, await Command("session", Rig, "start", "--subject", "m1"));
        await WaitForLogged("session_started");
        await WaitFor(() => Store.SessionConfigText(Rig, Store.Boots(Rig)[0]) is not null, () => "no session config logged");
        var logged = ClosedLoop.Engine.Config.ConfigLoader.Load(Store.SessionConfigText(Rig, Store.Boots(Rig)[0])!).Config!.Acquisition;
        Assert.Equal((12.5, 0.0), (logged.SignalLedMa, logged.ControlLedMa));

        // A dark control LED is light lost: the engine says so instead of fitting noise.
        await WaitFor(() => Logged().Any(e => e.Kind == "fault" && e.Json.Contains("\"signal_lost\"", StringComparison.Ordinal)), () => "no signal_lost with the control LED at 0 mA");
        Assert.True(Store.CountFrames() > framesBefore);

        static int ToCode(double volts) => (int)Math.Round(volts / 1.2 * (1 << 23));
        static double Volts(double counts) => Math.Round(counts) * EmulatedBoard.ConverterVoltsPerCount;
    }

    [Fact]
    public async Task On_the_rig_boards_converter_a_corrupt_frame_is_dropped_not_read_and_a_run_of_them_is_a_board_fault()
    {
        await StartBrokerAndLoggerAsync();
        Boot("[acquisition]", "adc = ads131m02");
        await WaitFor(() => Store.CountFrames() > 5, () => $"{Store.CountFrames()} frames");
        var (_, chip) = Assert.Single(EmulatedBoard.Current.SpiDevices);

        // Stray hits (a flipped top bit of channel 0 in a frame here and there) never reach a cycle: every valid
        // cycle still reads the LEDs' levels exactly.
        long framesBefore = Store.CountFrames();
        for (int i = 0; i < 40; i++)
        {
            chip.CorruptFrames = 1;
            await Task.Delay(25);
        }

        await WaitFor(() => Store.CountFrames() > framesBefore + 4, () => $"{Store.CountFrames()} frames");
        int signal = ToCode(0.21) - ToCode(0.01);
        var valid = new List<ClosedLoop.Engine.Processing.ProcessedSample>();
        foreach (var frame in Store.Frames(Rig, Store.Boots(Rig)[0]).Skip((int)framesBefore))
        {
            var samples = Enumerable.Range(0, 255).Select(_ => new ClosedLoop.Engine.Processing.ProcessedSample()).ToArray();
            Assert.Null(ClosedLoop.Engine.Wire.SampleFrameReader.TryRead(frame, frame.Length, out _, samples, out int count));
            valid.AddRange(samples.Take(count).Where(s => s.IsValid));
        }

        Assert.True(chip.CorruptedFrames >= 30, $"{chip.CorruptedFrames} corrupted");
        Assert.NotEmpty(valid);
        Assert.All(valid, v => Assert.InRange(v.RawSignal, signal - 1, signal + 1));
        Assert.DoesNotContain(Logged(), e => e.Kind == "fault" && e.Json.Contains("\"fault\":\"board\"", StringComparison.Ordinal));

        // A line that keeps failing is a board fault, detail 6.
        chip.CorruptFrames = int.MaxValue;
        await WaitFor(() => Logged().Any(e => e.Kind == "fault" && e.Json.Contains("\"fault\":\"board\"", StringComparison.Ordinal)), () => "no board fault");
        chip.CorruptFrames = 0;
        var fault = JsonDocument.Parse(Logged().First(e => e.Kind == "fault" && e.Json.Contains("\"fault\":\"board\"", StringComparison.Ordinal)).Json).RootElement;
        Assert.Equal(ClosedLoop.Firmware.Board.BoardFault.PhotodiodeLink, fault.GetProperty("detail").GetInt64());

        static int ToCode(double volts) => (int)Math.Round(volts / 1.2 * (1 << 23));
    }

    [Fact]
    public async Task A_train_cut_short_leaves_a_channel_the_next_train_starts_on_at_once_and_cleanly()
    {
        var board = EmulatedBoard.Current;
        await StartBrokerAndLoggerAsync();
        // Open loop, a 5 s train every second once allowed, no refractory time: the second train comes while
        // the first, cut short by the disarm, would still be clocking inside the RMT. Acquisition is not what this test
        // is about: 20 ms LED windows at 20 Hz, a plan the real-time emulated sampler meets even on a busy machine (at
        // 130 Hz two spin loops on the two cores made it refuse the second arm, acquisition_too_slow).
        BootWith(
            ("acquisition", "rate_hz", "20"), ("acquisition", "signal_on_us", "20000"), ("acquisition", "control_on_us", "20000"),
            ("output", "mode", "open_loop"), ("output", "open_loop_interval_s", "1"), ("output", "refractory_ms", "0"),
            ("opto", "pulse_count", "100"), ("opto", "min_interval_ms", "0"), ("opto", "max_trains_per_hour", "3600"));
        await WaitForLogged("sync_started");
        Assert.Equal(0, await Command("arm", Rig));
        Assert.Equal(0, await Command("session", Rig, "start", "--subject", "m1"));
        await WaitForLogged("output_started");
        await Task.Delay(500);

        Assert.Equal(0, await Command("disarm", Rig));
        Assert.False(board.Pin(18).High);
        Assert.Equal(0, await Command("arm", Rig));
        await WaitFor(() => Logged().Count(e => e.Kind == "output_started") >= 2, () => "no second train");

        // The second SendData found a free driver: it did not wait out the first train holding the engine lock.
        Assert.True(board.Rmt.LongestSendUs < 20_000, $"a SendData call took {board.Rmt.LongestSendUs} us");
#if RMT3
        // RMT 3.0 cannot stop the cut train without holding the CPU until its end, so it clocked on behind the low
        // enable: trains were refused as busy until its planned end (5 s after it started), and the opto channel's
        // release did not wait (the LEDs' may: on a busy machine they restart until aligned, each restart a release).
        var trains = Logged().Where(e => e.Kind == "output_started").ToList();
        Assert.Contains(Logged(), e => e.Kind == "output_refused" && e.Json.Contains("\"busy\"", StringComparison.Ordinal));
        Assert.True(trains[1].TimeUs >= trains[0].TimeUs + 5_000_000, $"second train at {trains[1].TimeUs - trains[0].TimeUs} us");
        Assert.Equal(0, board.Rmt.LongestReleaseUsOn(27));
#endif
        Assert.Empty(board.Rmt.Conflicts);
        Assert.True(board.Pin(18).High);

        // And it plays its own plan from the start: 10 ms high, 40 ms low, from its first pulse.
        var second = board.EveryTransmitter(27).SelectMany(t => t.Sends).Last();
        Assert.Equal((10_000, true), second.Halves[0]);
        long start = second.StartUs;
        await WaitFor(() => board.NowUs > start + 200_000, () => "train not yet played");
        for (int pulse = 0; pulse < 4; pulse++)
        {
            long at = start + (pulse * 50_000);
            Assert.True(board.Rmt.Level(27, at + 5_000), $"pulse {pulse} missing");
            Assert.False(board.Rmt.Level(27, at + 30_000), $"gap after pulse {pulse} high");
        }
    }

    [Fact]
    public async Task Switching_to_one_colour_holds_the_signal_led_on_and_the_control_led_dark()
    {
        var board = EmulatedBoard.Current;
        await StartBrokerAndLoggerAsync();
        Boot();
        await WaitForLogged("sync_started");

        Assert.Equal(0, await Command("configure", Rig, "--file", SafetyFile(), "--set", $"rig.id={Rig}", "--set", "acquisition.mode=continuous"));
        await Task.Delay(100);

        // A looping channel only changes when it is given a new pattern: released, it would go on looping the old one.
        long from = board.NowUs;
        Assert.All(Enumerable.Range(0, 200).Select(i => from + (i * 97)), t =>
        {
            Assert.True(board.Level(25, t), $"signal LED dark at {t}");
            Assert.False(board.Level(26, t), $"control LED lit at {t}");
        });
        Assert.Empty(board.Rmt.Conflicts);
#if RMT3
        // Each new pattern released the LED's old channel, which held the board until the transmitter next passed the
        // start of its memory: at most one pass of the memory, 67,069 us for the patterns here. (A bound of 66 ms, from
        // an estimate of 65 ms, failed one run in four: a release that came just after the start of a pass waits for
        // nearly all of it.)
        Assert.True(board.Rmt.LongestReleaseUs <= board.Rmt.LongestReleasePassUs, $"a release held the board {board.Rmt.LongestReleaseUs} us, longer than the pass it waited in ({board.Rmt.LongestReleasePassUs} us)");
        Assert.True(board.Rmt.LongestReleasePassUs <= 68_000, $"a release waited in a pass of {board.Rmt.LongestReleasePassUs} us: the steady patterns hold the board longer than one 67 ms pass");
        Assert.True(board.Rmt.LongestReleaseUs > 0, "no release waited: the LEDs' old channels were never stopped");
#endif
    }

    [Fact]
    public async Task The_board_measures_its_own_acquisition_and_the_selftest_reports_it()
    {
        var board = EmulatedBoard.Current;
        board.Loopback[4] = 27;
        await StartBrokerAndLoggerAsync();
        Boot();
        // The emulated board samples in real time: on a machine busy with something else (two spin loops on two cores
        // here) no second may meet the plan at all, and the board journals each change between meeting it and not.
        // What is asserted holds at any speed: it measures, no reading comes faster than a 40 µs conversion, and a
        // second it calls met had min_readings (2) in at least nine cycles in ten, so a mean of at least 1.8.
        await WaitFor(() => Logged().Any(e => e.Kind == "acquisition_measured"), () => "no second measured");

        var first = JsonDocument.Parse(Logged().First(e => e.Kind == "acquisition_measured").Json).RootElement;
        Assert.True(first.GetProperty("reading_us").GetInt64() >= 40, first.ToString());
        if (first.GetProperty("plan").GetString() == "met")
        {
            Assert.True(first.GetProperty("readings_per_phase").GetDouble() >= 1.8, first.ToString());
        }

        var output = new StringWriter();
        int code = await ClosedLoopCommandLine.Build().Parse(["selftest", Rig, "--broker", $"127.0.0.1:{_port}"]).InvokeAsync(new System.CommandLine.InvocationConfiguration { Output = output, Error = output });
        Assert.Equal(0, code);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(output.ToString(), @"acquisition: \d+\.\d readings per lit phase per cycle \(min_readings 2\), \d+ µs per reading, .* longest output start \d+ µs: plan (met|NOT met)"), output.ToString());
    }

    [Fact]
    public async Task An_adc_too_slow_for_the_plan_faults_and_the_board_refuses_to_arm()
    {
        // 1.5 ms a reading: at most one reading in each 2.5 ms LED window once the 300 µs settle is dropped.
        var board = EmulatedBoard.Current;
        board.AdcReadUs = 1_500;
        await StartBrokerAndLoggerAsync();
        Boot();

        await WaitFor(() => Logged().Any(e => e.Kind == "fault" && e.Json.Contains("\"fault\":\"acquisition_rate\"", StringComparison.Ordinal)), () => "no acquisition_rate fault");

        Assert.Equal(1, await Command("arm", Rig));
        Assert.False(_rig!.Engine.IsArmed);
        await WaitFor(() => Logged().Any(e => e.Kind == "arm_refused" && e.Json.Contains("acquisition_too_slow", StringComparison.Ordinal)), () => "no arm_refused");
        var measured = JsonDocument.Parse(Logged().First(e => e.Kind == "acquisition_measured").Json).RootElement;
        Assert.Equal("not_met", measured.GetProperty("plan").GetString());
    }

    [Fact]
    public async Task Leds_that_cannot_be_started_in_step_are_a_fault_not_silently_mixed_phases()
    {
        // A start call slower than half the 300 us settle guard: no plan can keep both LEDs' edges inside it.
        EmulatedBoard.Current.SendDataCostUs = 400;
        await StartBrokerAndLoggerAsync();
        Boot();

        await WaitForLogged("fault");

        var fault = JsonDocument.Parse(Logged().First(e => e.Kind == "fault").Json).RootElement;
        Assert.Equal("excitation_timing", fault.GetProperty("fault").GetString());
        Assert.True(fault.GetProperty("detail").GetInt64() >= 200, fault.ToString());
    }

    [Fact]
    public async Task A_board_whose_adc_does_not_answer_still_comes_online_and_reports_it()
    {
        // The emulated board has no ADS1115 on its I2C bus.
        await StartBrokerAndLoggerAsync();
        Boot("[acquisition]", "adc = ads1115", "rate_hz = 60", "signal_on_us = 4000", "control_on_us = 4000");

        await WaitForLogged("fault");

        await WaitFor(() => Logged().Any(e => e.Kind == "fault" && e.Json.Contains("\"fault\":\"board\"", StringComparison.Ordinal)), () => "no board fault");
        var fault = JsonDocument.Parse(Logged().First(e => e.Kind == "fault" && e.Json.Contains("\"fault\":\"board\"", StringComparison.Ordinal)).Json).RootElement;
        Assert.Equal(1L, fault.GetProperty("detail").GetInt64());
        Assert.Equal(0, EmulatedBoard.Current.Readings);
        await AssertEverythingLogged();
    }

    [Fact]
    public async Task A_broker_outage_longer_than_the_ram_journal_loses_no_event()
    {
        var board = EmulatedBoard.Current;

        // The link copies events to flash once a quarter of the RAM journal is left; 64 leaves 16 events of room
        // for the moments the busy test machine keeps the link thread waiting.
        Boot("[journal]", "capacity = 64", "spill_kb = 64");

        // 400 events while the broker is down: more than six times what RAM holds. Each turn of the arm key is an
        // armed and a disarmed event; on a starved test machine the rig may refuse a turn (arm_refused, its own
        // acquisition measured too slow), so the key turns until 400 events are journaled.
        int turns = 0;
        while (JournaledThrough() < 400 && turns < 400)
        {
            board.SetInput(32, true);
            await Task.Delay(8);
            board.SetInput(32, false);
            await Task.Delay(8);
            turns++;
        }

        await WaitFor(() => JournaledThrough() >= 400, () => $"journaled {JournaledThrough()} after {turns} turns");
        Assert.True(File.Exists("I:\\journal.spill"));
        await StartBrokerAndLoggerAsync();

        await AssertEverythingLogged();
        var logged = Logged();
        Assert.True(logged.Count >= 400, $"{logged.Count} logged");
        Assert.DoesNotContain(logged, e => e.Kind == "events_lost");
        // Every turn of the key left its events: each arming followed by its disarming.
        int armed = logged.Count(e => e.Kind == "armed");
        Assert.True(Math.Abs(armed - logged.Count(e => e.Kind == "disarmed")) <= 1 && armed + logged.Count(e => e.Kind == "arm_refused") > 150, string.Join(", ", logged.GroupBy(e => e.Kind).Select(g => $"{g.Key} {g.Count()}")));
    }

    [Fact]
    public async Task A_board_restarted_during_an_outage_says_that_its_previous_boots_spilled_data_were_discarded()
    {
        string[] small = ["[journal]", "capacity = 64", "spill_kb = 64", "frame_capacity = 32", "frame_spill_kb = 64"];
        var board = EmulatedBoard.Current;
        Boot(small);
        long firstBoot = _rig!.Engine.Journal.BootId;
        // No broker: turns of the arm key fill the RAM journal past its spill mark, and frames outlast RAM's 3 s.
        for (int turn = 0; turn < 400 && (JournaledThrough() < 120 || BoardStorage.LengthOf(BoardStorage.FrameSpillPath) == 0); turn++)
        {
            board.SetInput(32, true);
            await Task.Delay(8);
            board.SetInput(32, false);
            await Task.Delay(8);
        }

        await WaitFor(
            () => BoardStorage.LengthOf(BoardStorage.SpillPath) > 0 && BoardStorage.LengthOf(BoardStorage.FrameSpillPath) > 0,
            () => $"spill files: {BoardStorage.LengthOf(BoardStorage.SpillPath)} and {BoardStorage.LengthOf(BoardStorage.FrameSpillPath)} bytes");

        // Restarted before the broker came back.
        _rig.Stop();
        EmulatedBoard.PowerOn();
        Boot(small);
        await StartBrokerAndLoggerAsync();

        long secondBoot = _rig.Engine.Journal.BootId;
        Assert.NotEqual(firstBoot, secondBoot);
        await WaitFor(
            () => Store.Events(Rig, secondBoot).Count(e => e.Kind == "fault") >= 2,
            () => $"logged of boot {secondBoot}: {string.Join(", ", Store.Events(Rig, secondBoot).Select(e => e.Kind))}");
        var faults = Store.Events(Rig, secondBoot).Where(e => e.Kind == "fault").Select(e => e.Json).ToList();
        Assert.Contains(faults, json => json.Contains("\"fault\":\"board\",\"detail\":4", StringComparison.Ordinal));
        Assert.Contains(faults, json => json.Contains("\"fault\":\"board\",\"detail\":5", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sample_frames_made_while_the_broker_was_away_all_reach_the_log_numbered_and_once()
    {
        Boot();
        await Task.Delay(4000);

        await StartBrokerAndLoggerAsync();
        await WaitForLogged("sync_started");

        // Four seconds of frames waited in the board's RAM.
        await AssertEveryFrameLoggedOnce(40);
    }

    [Fact]
    public async Task Frames_that_outlast_the_boards_ram_wait_in_its_flash_and_still_all_reach_the_log()
    {
        // RAM for 32 frames (about 3 s), flash for about 20 s; the broker comes after 8 s.
        Boot("[journal]", "frame_capacity = 32", "frame_spill_kb = 64");
        await Task.Delay(8000);

        await StartBrokerAndLoggerAsync();
        await AssertEveryFrameLoggedOnce(100);
        Assert.True(File.Exists("I:\\frames.spill"));
    }

    [Fact]
    public async Task Frames_made_while_the_board_waits_for_the_lab_wifi_wait_in_its_flash_and_all_reach_the_log()
    {
        // The access point is down when the board boots: joining it blocks until it is back (up to a minute on the
        // board). RAM holds 32 frames (about 3 s); the wait lasts 8 s.
        EmulatedBoard.Current.WifiAvailable = false;
        await StartBrokerAndLoggerAsync();
        Boot("[journal]", "frame_capacity = 32", "frame_spill_kb = 64");
        await Task.Delay(8000);
        EmulatedBoard.Current.WifiAvailable = true;

        await AssertEveryFrameLoggedOnce(100);
        await AssertEverythingLogged();
    }

    /// <summary>
    /// Waits until the log holds more than <paramref name="atLeast"/> frames with none missing, then checks that
    /// they start at frame 1, that none is stored twice and that the board reported none lost.
    /// </summary>
    private async Task AssertEveryFrameLoggedOnce(long atLeast)
    {
        long newest = 0;
        await WaitFor(
            () =>
            {
                newest = SampleFrameNumbers().DefaultIfEmpty().Max();
                return newest > atLeast && _logger!.FrameGaps.High(Rig, Store.Boots(Rig)[0]) >= newest;
            },
            () => $"frames stored up to {newest}, contiguous to {_logger!.FrameGaps.High(Rig, Store.Boots(Rig).FirstOrDefault())}; {string.Join(" ", Logged().Where(e => e.Kind == "frames_lost").Select(e => e.Json))}");

        var numbers = SampleFrameNumbers();
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
        Assert.Equal(1, numbers.Min());
        Assert.Empty(Store.MissingFrames(Rig, Store.Boots(Rig)[0]));
        Assert.DoesNotContain(Logged(), e => e.Kind == "frames_lost");
    }

    private List<long> SampleFrameNumbers() =>
        [.. Store.Boots(Rig).SelectMany(boot => Store.Frames(Rig, boot)).Select(f => ClosedLoop.Engine.Wire.SampleFrameReader.SequenceOf(f, f.Length))];

    [Fact]
    public async Task The_self_test_measures_the_looped_back_output_and_reports_its_error()
    {
        var board = EmulatedBoard.Current;
        board.Loopback[4] = 27;
        await StartBrokerAndLoggerAsync();
        Boot();
        await WaitForLogged("sync_started");

        Assert.Equal(0, await Command("selftest", Rig));
        await WaitForLogged("self_test");
        board.LoopbackWidthErrorUs = 3;
        // The command waits for the result: a failed self-test exits 1.
        Assert.Equal(1, await Command("selftest", Rig));
        await WaitFor(() => Logged().Count(e => e.Kind == "self_test") == 2, () => "second self_test missing");

        var results = Logged().Where(e => e.Kind == "self_test").Select(e => JsonDocument.Parse(e.Json).RootElement).ToList();
        Assert.Equal(("passed", 20, 20, 0.0, 0.0), Summary(results[0]));
        Assert.Equal(("failed", 20, 20, 3.0, 0.0), Summary(results[1]));
        Assert.False(board.Pin(18).High);
    }

    private static (string, int, int, double, double) Summary(JsonElement e) =>
        (e.GetProperty("result").GetString()!, e.GetProperty("pulses_sent").GetInt32(), e.GetProperty("pulses_measured").GetInt32(),
         e.GetProperty("max_width_error_us").GetDouble(), e.GetProperty("max_period_error_us").GetDouble());

    [Fact]
    public async Task A_retained_arm_left_on_the_broker_never_arms_the_board_and_a_fresh_one_does()
    {
        await StartBrokerAndLoggerAsync();
        await using (var careless = await BrokerClient.ConnectAsync(BrokerEndpoint.Loopback(_port), CancellationToken.None))
        {
            // Well formed and addressed to the boot the board is about to take, with a generous deadline.
            var buffer = new byte[ClosedLoop.Engine.Wire.CommandJson.MaxBytes];
            int length = new ClosedLoop.Engine.Wire.CommandJson().Write(ClosedLoop.Engine.Wire.CommandKind.Arm, 0, 77, "careless", 1, 50_000_000, buffer, 0);
            await careless.PublishAsync($"closedloop/{Rig}/commands/careless", buffer[..length], retain: true, CancellationToken.None);
        }

        Boot();
        await WaitForLogged("command");

        Assert.False(_rig!.Engine.IsArmed);
        Assert.Contains("\"result\":\"retained\",\"id\":77,\"from\":\"careless\"", Logged().First(e => e.Kind == "command").Json, StringComparison.Ordinal);
        Assert.Equal(0, await Command("arm", Rig));
        Assert.True(_rig.Engine.IsArmed);
    }

    [Fact]
    public void A_flashed_config_cut_short_is_refused_at_boot_and_nothing_of_it_is_applied()
    {
        // Cut inside its last value: the text that is left would be a valid config with a hundredth of it.
        string config = string.Join('\n', ["[rig]", $"id = {Rig}", "[link]", "wifi_password = lab-secret", "broker_host = 127.0.0.1", $"broker_port = {_port}"])
            + "\n" + ConfigCommand.Template(key => key.IsSafety) + "[encounter]\nmin_duration_ms = 1000\n";
        byte[] flashed = SealedConfig.Bytes(config);
        byte[] cut = flashed[..(config.Length - 2)];
        Assert.True(ClosedLoop.Engine.Config.ConfigLoader.LoadForRig(System.Text.Encoding.UTF8.GetString(cut)).IsValid);
        File.WriteAllBytes("I:\\nf.config", cut);

        _rig = new RigBoard();
        _rig.Boot();

        Assert.Equal(ClosedLoop.Engine.Config.RigConfig.Default().Hash, _rig.Engine.Config.Hash);
        Assert.False(_rig.Engine.IsArmed);
    }

    [Fact]
    public async Task A_config_sent_over_mqtt_is_applied_by_the_board_and_refused_while_it_is_armed()
    {
        await StartBrokerAndLoggerAsync();
        Boot();
        await WaitForLogged("sync_started");

        string safety = Path.Combine(_flash.FullName, "safety.nf.config");
        File.WriteAllText(safety, ConfigCommand.Template(key => key.IsSafety));
        int applied = await Command("configure", Rig, "--file", safety, "--set", $"rig.id={Rig}", "--set", "detector.pre_ms=2000");
        await Command("arm", Rig);
        await WaitForLogged("armed");
        int refused = await Command("configure", Rig, "--file", safety, "--set", $"rig.id={Rig}", "--set", "detector.pre_ms=2500");

        Assert.Equal(0, applied);
        Assert.Equal(1, refused);
        Assert.Equal(2000, _rig!.Engine.Config.Values.GetInteger("detector", "pre_ms"));
        await WaitForLogged("config_rejected");
        await AssertEverythingLogged();
        Assert.Single(Logged(), e => e.Kind == "config_applied");
    }

    [Fact]
    public async Task Two_configs_sent_back_to_back_are_both_applied_and_answered_in_order()
    {
        await StartBrokerAndLoggerAsync();
        Boot();
        await WaitForLogged("sync_started");

        using var client = new MqttClientFactory().CreateMqttClient();
        var acks = new System.Collections.Concurrent.ConcurrentQueue<string>();
        client.ApplicationMessageReceivedAsync += e =>
        {
            acks.Enqueue(System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload)));
            return Task.CompletedTask;
        };
        await client.ConnectAsync(BrokerEndpoint.Loopback(_port).Options("board-test-configurer").Build());
        await client.SubscribeAsync($"closedloop/{Rig}/config/ack");

        // Two operators (or one hasty one), one right after the other: the board must answer both.
        string Config(int preMs) => $"[rig]\nid = {Rig}\n[detector]\npre_ms = {preMs}\n" + ConfigCommand.Template(key => key.IsSafety);
        foreach (int preMs in new[] { 2000, 2500 })
        {
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"closedloop/{Rig}/config").WithPayload(SealedConfig.Bytes(Config(preMs)))
                .WithQualityOfServiceLevel(MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce).Build());
        }

        await WaitFor(() => acks.Count >= 2, () => $"{acks.Count} config acks: {string.Join(" | ", acks)}");
        Assert.All(acks, ack => Assert.Contains("\"applied\":true", ack, StringComparison.Ordinal));
        Assert.Equal(2500, _rig!.Engine.Config.Values.GetInteger("detector", "pre_ms"));
        await WaitFor(() => Logged().Count(e => e.Kind == "config_applied") == 2, () => "config_applied events");
    }

    [Fact]
    public async Task A_logger_that_joins_late_gets_the_earlier_events_by_asking_the_board_to_replay()
    {
        var board = EmulatedBoard.Current;
        _broker = await EmbeddedBroker.StartAsync(IPAddress.Loopback, _port);
        Boot();
        for (int i = 0; i < 10; i++)
        {
            board.SetInput(32, true);
            await Task.Delay(20);
            board.SetInput(32, false);
            await Task.Delay(20);
        }

        // Published while no logger listened: only a replay can bring them back.
        await Task.Delay(2000);
        _store = new EventStore(Path.Combine(_flash.FullName, "log.sqlite"));
        _logger = new EventLogger(BrokerEndpoint.Loopback(_port), _store);
        await _logger.StartAsync(CancellationToken.None);

        await AssertEverythingLogged();
        Assert.Equal(10, Logged().Count(e => e.Kind == "armed"));
        Assert.Equal("boot", Logged()[0].Kind);
    }

    [Fact]
    public async Task Over_tls_with_a_user_and_password_the_board_trusts_the_deployed_ca_and_logs_to_mosquitto()
    {
        await using var mosquitto = new ClosedLoop.Host.Tests.MosquittoTestBroker(tls: true);
        await mosquitto.StartAsync();
        var endpoint = mosquitto.Endpoint;
        File.Copy(mosquitto.CaPath, "I:\\lab-ca.pem");
        _store = new EventStore(Path.Combine(_flash.FullName, "log.sqlite"));
        _logger = new EventLogger(endpoint, _store);
        await _logger.StartAsync(CancellationToken.None);

        string config = string.Join('\n',
        [
            "[rig]", $"id = {Rig}",
            "[link]", "wifi_password = lab-secret", "broker_host = 127.0.0.1", $"broker_port = {endpoint.Port}",
            "tls = true", "ca_file = lab-ca.pem", $"username = {endpoint.Username}", $"password = {endpoint.Password}",
        ]) + "\n" + ConfigCommand.Template(key => key.IsSafety);
        File.WriteAllBytes("I:\\nf.config", SealedConfig.Bytes(config));
        _rig = new RigBoard();
        _rig.Boot();

        await WaitForLogged("sync_started");
        await AssertEverythingLogged();
        await _logger.DisposeAsync();
        _logger = null;
    }

    [Fact]
    public async Task Stopping_the_board_leaves_an_offline_status_behind()
    {
        await StartBrokerAndLoggerAsync();
        Boot();
        await WaitForLogged("sync_started");

        _rig!.Stop();
        _rig = null;

        using var client = new MqttClientFactory().CreateMqttClient();
        string? status = null;
        client.ApplicationMessageReceivedAsync += e =>
        {
            status = System.Text.Encoding.UTF8.GetString(System.Buffers.BuffersExtensions.ToArray(e.ApplicationMessage.Payload));
            return Task.CompletedTask;
        };
        await client.ConnectAsync(BrokerEndpoint.Loopback(_port).Options("board-test-reader").Build());
        await client.SubscribeAsync($"closedloop/{Rig}/status");
        await WaitFor(() => status is not null, () => "no retained status");
        Assert.Contains("\"online\":false", status, StringComparison.Ordinal);
    }
}

[CollectionDefinition("one emulated board at a time", DisableParallelization = true)]
public sealed class OneBoardAtATime;
