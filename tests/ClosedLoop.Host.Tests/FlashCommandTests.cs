using ClosedLoop.Host.Flashing;
using ClosedLoop.Host.Tests.Flashing;

namespace ClosedLoop.Host.Tests;

/// <summary>`closedloop flash`: the nanoff command lines it builds, the files it stages, and every error.</summary>
public sealed class FlashCommandTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("closedloop-flash-test-");
    private readonly Dictionary<string, string> _environment = new() { ["RIG_WIFI_PASSWORD"] = "wifi secret 1", ["RIG_MQTT_PASSWORD"] = "mqtt-secret-2" };

    public void Dispose() => _folder.Delete(recursive: true);

    private string ExampleConfig => File.ReadAllText(Path.Combine(CommandLine.RepositoryRoot, "nf.config"));

    private FileInfo WriteConfig(string text, string rig = "rig-flash")
    {
        var file = new FileInfo(Path.Combine(_folder.FullName, "nf.config"));
        File.WriteAllText(file.FullName, text.Replace("id = rig-01", $"id = {rig}", StringComparison.Ordinal));
        return file;
    }

    private FileInfo WriteImage()
    {
        var image = new FileInfo(Path.Combine(_folder.FullName, "ClosedLoop.Firmware.bin"));
        File.WriteAllBytes(image.FullName, TestImages.Image(TestImages.Pinned));
        return image;
    }

    /// <summary>
    /// A stand-in nanoff that logs its arguments, and the staged files it was pointed at, then exits with a code.
    /// Asked for device details, it prints <paramref name="board"/>, a report in the layout nanoff prints
    /// (nf-debugger NanoFrameworkDeviceInfo.ToString(); Flashing/DeviceReports/README.md says where its figures come from).
    /// </summary>
    private FileInfo FakeNanoff(int failOnCall = 0, string board = "esp32-2026-06.txt")
    {
        string report = Path.Combine(_folder.FullName, "board.txt");
        File.WriteAllText(report, TestImages.Report(board));
        var script = new FileInfo(Path.Combine(_folder.FullName, "nanoff"));
        File.WriteAllText(script.FullName, $$"""
            #!/bin/sh
            log="{{_folder.FullName}}/calls.log"
            echo "call: $*" >> "$log"
            n=$(grep -c '^call:' "$log")
            prev=""
            for a in "$@"; do
              if [ "$prev" = "--filedeployment" ]; then
                printf 'manifest: %s\n' "$(tr -d '\n ' < "$a")" >> "$log"
                dir=$(dirname "$a")
                echo "config-mode: $(stat -c %a "$dir/nf.config")" >> "$log"
                grep -E '^(wifi_password|password) =' "$dir/nf.config" | sed 's/^/staged: /' >> "$log"
              fi
              if [ "$a" = "--devicedetails" ]; then cat "{{report}}"; fi
              prev="$a"
            done
            echo "nanoff says hello"
            if [ "$n" = "{{failOnCall}}" ]; then exit 7; fi
            exit 0
            """.Replace("\r", string.Empty, StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script.FullName, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return script;
    }

    private string[] Calls() => File.ReadAllLines(Path.Combine(_folder.FullName, "calls.log"));

    private async Task<(int Code, string Output, string Error)> Flash(FlashCommand.FlashRequest request)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code;
        try
        {
            code = await FlashCommand.FlashAsync(output, error, request, name => _environment.GetValueOrDefault(name), CancellationToken.None);
        }
        catch (CommandLineException e)
        {
            error.WriteLine(e.Message);
            code = Guard.Usage;
        }

        return (code, output.ToString(), error.ToString());
    }

    private FlashCommand.FlashRequest Request(FileInfo config, FlashSteps steps = FlashSteps.All, FileInfo? image = null, FileInfo? nanoff = null, bool dryRun = false, string? port = null, string? target = null) =>
        new(config, image, port, target, steps, nanoff, dryRun);

    [Fact]
    public async Task A_dry_run_prints_the_four_nanoff_commands_and_the_manifest_and_writes_nothing()
    {
        var config = WriteConfig(ExampleConfig);
        var image = WriteImage();
        string staging = Path.Combine(Path.GetTempPath(), "closedloop-flash-rig-flash");

        var (code, output, _) = await Flash(Request(config, image: image, nanoff: FakeNanoff(), dryRun: true));

        Assert.Equal(0, code);
        string nanoff = Path.Combine(_folder.FullName, "nanoff");
        Assert.Contains($"{nanoff} --update --target ESP32_PSRAM_REV3 --serialport /dev/ttyUSB0\n", output, StringComparison.Ordinal);
        Assert.Contains($"# read the board's native assemblies\n{nanoff} --nanodevice --serialport /dev/ttyUSB0 --devicedetails\n", output, StringComparison.Ordinal);
        Assert.Contains($"{nanoff} --target ESP32_PSRAM_REV3 --serialport /dev/ttyUSB0 --deploy --image {image.FullName}\n", output, StringComparison.Ordinal);
        Assert.Contains($"{nanoff} --serialport /dev/ttyUSB0 --filedeployment {staging}/filedeployment.json\n", output, StringComparison.Ordinal);
        Assert.Contains("\"DestinationFilePath\": \"I:\\\\nf.config\"", output, StringComparison.Ordinal);
        Assert.Contains($"\"SourceFilePath\": \"{staging}/nf.config\"", output, StringComparison.Ordinal);
        Assert.DoesNotContain("wifi secret 1", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(staging));
        Assert.False(File.Exists(Path.Combine(_folder.FullName, "calls.log")));
    }

    [Fact]
    public async Task A_pinned_firmware_version_goes_to_nanoff_and_the_dry_run_says_which_or_that_none_is_pinned()
    {
        var pinned = WriteConfig(ExampleConfig.Replace("firmware_version =\n", "firmware_version = 1.17.0.60\n", StringComparison.Ordinal));
        var (code, output, _) = await Flash(Request(pinned, image: WriteImage(), nanoff: FakeNanoff(), dryRun: true));

        Assert.Equal(0, code);
        Assert.Contains("# update the nanoFramework firmware to 1.17.0.60\n", output, StringComparison.Ordinal);
        Assert.Contains("--update --target ESP32_PSRAM_REV3 --serialport /dev/ttyUSB0 --fwversion 1.17.0.60\n", output, StringComparison.Ordinal);

        var unpinned = WriteConfig(ExampleConfig);
        var plain = await Flash(Request(unpinned, image: WriteImage(), nanoff: FakeNanoff(), dryRun: true));
        Assert.Contains("(newest: not pinned, set rig.firmware_version)", plain.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("--fwversion", plain.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Port_and_target_options_override_the_config_and_steps_can_be_skipped()
    {
        var config = WriteConfig(ExampleConfig);

        var (_, skip, _) = await Flash(Request(config, FlashSteps.Application | FlashSteps.Configuration, WriteImage(), FakeNanoff(), dryRun: true, port: "COM7", target: "ESP32_REV3"));
        var (_, only, _) = await Flash(Request(config, FlashSteps.Configuration, nanoff: FakeNanoff(), dryRun: true));

        Assert.DoesNotContain("--update", skip, StringComparison.Ordinal);
        Assert.Contains("--target ESP32_REV3 --serialport COM7 --deploy", skip, StringComparison.Ordinal);
        Assert.DoesNotContain("--deploy", only, StringComparison.Ordinal);
        Assert.Contains("--filedeployment", only, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Flashing_runs_nanoff_four_times_with_the_secrets_filled_into_a_private_staged_copy_that_is_removed()
    {
        var config = WriteConfig(ExampleConfig);
        var image = WriteImage();

        var (code, output, error) = await Flash(Request(config, image: image, nanoff: FakeNanoff()));

        Assert.True(code == 0, error);
        var calls = Calls();
        var invocations = calls.Where(c => c.StartsWith("call: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, invocations.Count);
        Assert.Equal("call: --update --target ESP32_PSRAM_REV3 --serialport /dev/ttyUSB0", invocations[0]);
        Assert.Equal("call: --nanodevice --serialport /dev/ttyUSB0 --devicedetails", invocations[1]);
        Assert.Equal($"call: --target ESP32_PSRAM_REV3 --serialport /dev/ttyUSB0 --deploy --image {image.FullName}", invocations[2]);
        Assert.StartsWith("call: --serialport /dev/ttyUSB0 --filedeployment ", invocations[3], StringComparison.Ordinal);
        Assert.Contains("the board's firmware (ESP32_PSRAM_REV3, CLR 1.12.0.450) has the native code of all 4 assemblies of the image that need it", output, StringComparison.Ordinal);
        Assert.Contains("staged: wifi_password = wifi secret 1", calls);
        Assert.Contains("staged: password = mqtt-secret-2", calls);
        Assert.Contains("config-mode: 600", calls);
        Assert.Contains(calls, c => c.StartsWith("manifest: {\"serialport\":\"/dev/ttyUSB0\",\"files\":[{\"DestinationFilePath\":\"I:\\\\nf.config\"", StringComparison.Ordinal));
        Assert.Contains("nanoff says hello", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), "closedloop-flash-rig-flash")));
        Assert.DoesNotContain("wifi secret 1", output + error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_flashed_config_has_the_hash_configure_publishes_for_the_unexpanded_file()
    {
        var config = WriteConfig(ExampleConfig);
        var (_, check, _) = await CommandLine.Invoke("config", "check", config.FullName);
        string hash = check.Trim().Split(' ')[^1];

        var (_, output, _) = await Flash(Request(config, nanoff: FakeNanoff(), dryRun: true));

        Assert.Contains($"config hash {hash}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_step_stops_the_flash_names_the_step_and_still_removes_the_secrets()
    {
        var config = WriteConfig(ExampleConfig);

        var (code, _, error) = await Flash(Request(config, image: WriteImage(), nanoff: FakeNanoff(failOnCall: 3)));

        Assert.Equal(FlashCommand.NanoffFailed, code);
        Assert.Contains("nanoff could not deploy the ClosedLoop application (exit code 7)", error, StringComparison.Ordinal);
        Assert.Equal(3, Calls().Count(c => c.StartsWith("call:", StringComparison.Ordinal)));
        Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), "closedloop-flash-rig-flash")));
    }

    [Fact]
    public async Task A_board_whose_firmware_cannot_load_the_image_is_refused_before_anything_is_deployed()
    {
        var config = WriteConfig(ExampleConfig);

        var (code, _, error) = await Flash(Request(config, image: WriteImage(), nanoff: FakeNanoff(board: "esp32-2026-08.txt")));

        Assert.Equal(FlashCommand.BoardCannotLoadImage, code);
        Assert.Contains("error: the board's firmware (ESP32_PSRAM_REV3, CLR 1.12.0.540) cannot load 2 of the image's 5 assemblies", error, StringComparison.Ordinal);
        Assert.Contains("nanoFramework.Hardware.Esp32.Rmt 2.0.51.0: needs native checksum 0x8ADAC728; the board's firmware has 0xC094C732 (native v100.0.6.0)", error, StringComparison.Ordinal);
        Assert.Contains("System.Net 1.11.60.0: needs native checksum 0x6DFA71D6; the board's firmware has 0x8EFB9944", error, StringComparison.Ordinal);
        Assert.Contains("nothing was deployed", error, StringComparison.Ordinal);
        Assert.DoesNotContain(Calls(), c => c.Contains("--deploy", StringComparison.Ordinal) || c.Contains("--filedeployment", StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(Path.GetTempPath(), "closedloop-flash-rig-flash")));
    }

    [Fact]
    public async Task A_dry_run_with_a_saved_device_report_checks_the_image_without_a_board()
    {
        var config = WriteConfig(ExampleConfig);
        var fits = new FileInfo(Path.Combine(_folder.FullName, "june.txt"));
        File.WriteAllText(fits.FullName, TestImages.Report("esp32-2026-06.txt"));
        var moved = new FileInfo(Path.Combine(_folder.FullName, "july.txt"));
        File.WriteAllText(moved.FullName, TestImages.Report("esp32-2026-07.txt"));

        var good = await Flash(Request(config, image: WriteImage(), nanoff: FakeNanoff(), dryRun: true) with { DeviceReport = fits });
        var bad = await Flash(Request(config, image: WriteImage(), nanoff: FakeNanoff(), dryRun: true) with { DeviceReport = moved });

        Assert.True(good.Code == 0, good.Error);
        Assert.Contains("has the native code of all 4 assemblies", good.Output, StringComparison.Ordinal);
        Assert.Equal(FlashCommand.BoardCannotLoadImage, bad.Code);
        Assert.Contains("System.Net 1.11.60.0: needs native checksum 0x6DFA71D6", bad.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder.FullName, "calls.log")));
    }

    [Fact]
    public async Task A_file_that_is_not_a_deployment_image_is_refused_before_anything_runs()
    {
        var config = WriteConfig(ExampleConfig);
        var image = WriteImage();
        File.WriteAllBytes(image.FullName, [1, 2, 3]);

        var (code, _, error) = await Flash(Request(config, image: image, nanoff: FakeNanoff()));

        Assert.Equal(Guard.Usage, code);
        Assert.Contains($"{image.FullName}: no nanoFramework assembly header (marker NFMRK1) at byte 0", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder.FullName, "calls.log")));
    }

    [Fact]
    public async Task A_missing_environment_variable_names_the_key_line_and_variable_and_runs_nothing()
    {
        _environment.Remove("RIG_MQTT_PASSWORD");
        var config = WriteConfig(ExampleConfig);

        var (code, _, error) = await Flash(Request(config, image: WriteImage(), nanoff: FakeNanoff()));

        Assert.Equal(FlashCommand.InvalidConfig, code);
        Assert.Matches(@"line \d+: link\.password uses \$\{RIG_MQTT_PASSWORD\}, but RIG_MQTT_PASSWORD is not set in the environment", error);
        Assert.DoesNotContain("RIG_WIFI_PASSWORD", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder.FullName, "calls.log")));
    }

    [Fact]
    public async Task An_invalid_config_is_refused_with_its_field_before_anything_runs()
    {
        var config = WriteConfig(ExampleConfig.Replace("pre_ms = 3000", "pre_ms = 5", StringComparison.Ordinal));

        var (code, _, error) = await Flash(Request(config, image: WriteImage(), nanoff: FakeNanoff()));

        Assert.Equal(FlashCommand.InvalidConfig, code);
        Assert.Contains("detector.pre_ms = '5': expected an integer from 100 to 60000", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_secret_that_breaks_a_limit_is_reported_without_its_value()
    {
        _environment["RIG_WIFI_PASSWORD"] = new string('w', 80);
        var config = WriteConfig(ExampleConfig);

        var (code, _, error) = await Flash(Request(config, nanoff: FakeNanoff(), dryRun: true));

        Assert.Equal(FlashCommand.InvalidConfig, code);
        Assert.Contains("link.wifi_password", error, StringComparison.Ordinal);
        Assert.Contains("80 characters", error, StringComparison.Ordinal);
        Assert.DoesNotContain("wwww", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_nanoff_a_flash_says_how_to_install_it_and_fails()
    {
        var config = WriteConfig(ExampleConfig);

        var (code, _, error) = await Flash(Request(config, image: WriteImage(), nanoff: new FileInfo("/nonexistent/nanoff")));

        Assert.Equal(FlashCommand.NanoffMissing, code);
        Assert.Contains("nanoff is not installed at /nonexistent/nanoff", error, StringComparison.Ordinal);
        Assert.Contains("dotnet tool install -g nanoff", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_an_application_image_a_flash_says_how_to_build_it()
    {
        var config = WriteConfig(ExampleConfig);

        var (code, _, error) = await Flash(Request(config, image: new FileInfo(Path.Combine(_folder.FullName, "missing.bin")), nanoff: FakeNanoff()));

        Assert.Equal(Guard.Usage, code);
        Assert.Contains("no application image at", error, StringComparison.Ordinal);
        Assert.Contains("ClosedLoop.Firmware.nfproj", error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder.FullName, "calls.log")));
    }

    [Fact]
    public async Task With_tls_the_ca_certificate_is_deployed_beside_the_config_and_a_missing_one_is_an_error()
    {
        string tls = ExampleConfig.Replace("tls = false", "tls = true", StringComparison.Ordinal).Replace("ca_file =", "ca_file = lab-ca.pem", StringComparison.Ordinal);
        var config = WriteConfig(tls);

        var (missingCode, _, missingError) = await Flash(Request(config, FlashSteps.Configuration, nanoff: FakeNanoff(), dryRun: true));
        File.WriteAllText(Path.Combine(_folder.FullName, "lab-ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        var (code, output, _) = await Flash(Request(config, FlashSteps.Configuration, nanoff: FakeNanoff(), dryRun: true));

        Assert.Equal(Guard.Usage, missingCode);
        Assert.Contains("link.ca_file 'lab-ca.pem': no such file", missingError, StringComparison.Ordinal);
        Assert.Equal(0, code);
        Assert.Contains("\"DestinationFilePath\": \"I:\\\\lab-ca.pem\"", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_target_or_a_missing_port_is_a_usage_error()
    {
        var config = WriteConfig(ExampleConfig.Replace("serial_port = /dev/ttyUSB0", "serial_port =", StringComparison.Ordinal));

        var (portCode, _, portError) = await Flash(Request(config, nanoff: FakeNanoff(), dryRun: true));
        var (targetCode, _, targetError) = await Flash(Request(config, nanoff: FakeNanoff(), dryRun: true, port: "COM3", target: "ESP8266"));

        Assert.Equal(Guard.Usage, portCode);
        Assert.Contains("no serial port", portError, StringComparison.Ordinal);
        Assert.Equal(Guard.Usage, targetCode);
        Assert.Contains("--target 'ESP8266': expected one of ESP32_REV0", targetError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_line_wires_the_options_through()
    {
        var config = WriteConfig(ExampleConfig.Replace("${RIG_WIFI_PASSWORD}", "plain", StringComparison.Ordinal).Replace("${RIG_MQTT_PASSWORD}", "plain", StringComparison.Ordinal));

        var (code, output, _) = await CommandLine.Invoke("flash", "--config", config.FullName, "--dry-run", "--skip-firmware", "--port", "COM9", "--nanoff", FakeNanoff().FullName);

        Assert.Equal(0, code);
        Assert.DoesNotContain("--update", output, StringComparison.Ordinal);
        Assert.Contains("--serialport COM9 --deploy --image", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Nanoff_is_found_on_path_or_in_the_dotnet_tools_folder()
    {
        string onPath = Directory.CreateDirectory(Path.Combine(_folder.FullName, "bin")).FullName;
        string home = Directory.CreateDirectory(Path.Combine(_folder.FullName, "home")).FullName;
        Directory.CreateDirectory(Path.Combine(home, ".dotnet", "tools"));
        File.WriteAllText(Path.Combine(home, ".dotnet", "tools", "nanoff"), string.Empty);

        Assert.Equal(Path.Combine(home, ".dotnet", "tools", "nanoff"), NanoffLocator.Find($"/nonexistent{Path.PathSeparator}{onPath}", home, windows: false));
        File.WriteAllText(Path.Combine(onPath, "nanoff"), string.Empty);
        Assert.Equal(Path.Combine(onPath, "nanoff"), NanoffLocator.Find($"/nonexistent{Path.PathSeparator}{onPath}", home, windows: false));
        Assert.Null(NanoffLocator.Find("/nonexistent", "/nonexistent", windows: false));
    }

    [Fact]
    public void Expansion_fills_values_leaves_comments_alone_and_reports_every_missing_variable()
    {
        string text = "# write ${NAME} for secrets\n[link]\nwifi_password = ${A}\npassword = x${B}y\nusername = ${C}\n";

        string expanded = SecretExpansion.Expand(text, n => n switch { "A" => "one", "B" => "two", "C" => "three", _ => null });
        var missing = Assert.Throws<MissingVariablesException>(() => SecretExpansion.Expand(text, n => n == "B" ? "two" : null));

        Assert.Equal("# write ${NAME} for secrets\n[link]\nwifi_password = one\npassword = xtwoy\nusername = three\n", expanded);
        Assert.Equal(["line 3: link.wifi_password uses ${A}, but A is not set in the environment", "line 5: link.username uses ${C}, but C is not set in the environment"], missing.Problems);
    }

    [Fact]
    public void The_default_image_is_found_in_the_checkout_that_holds_the_config_not_beside_the_config()
    {
        var root = Directory.CreateTempSubdirectory("closedloop-checkout");
        try
        {
            File.WriteAllText(Path.Combine(root.FullName, "ClosedLoop.sln"), string.Empty);
            var rigs = root.CreateSubdirectory("rigs");

            Assert.Equal(root.FullName, FlashCommand.ProjectRoot(rigs));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }
}
