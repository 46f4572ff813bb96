using System.Diagnostics;
using ClosedLoop.Host.Flashing;

namespace ClosedLoop.Host.Commands;

/// <summary>
/// `closedloop flash`: validate nf.config with the engine, fill its ${NAME} secrets from the environment, and run
/// nanoff to update the board's nanoFramework firmware, read its native assemblies and refuse an image they cannot
/// load, deploy the application and put the configuration on its storage. `--dry-run` prints the exact commands and
/// the file deployment manifest and touches nothing (with `--device-report`, it checks the image against a saved report).
/// </summary>
public static class FlashCommand
{
    public const int InvalidConfig = ExitCodes.Refused;
    public const int NanoffMissing = ExitCodes.ToolMissing;
    public const int NanoffFailed = ExitCodes.ToolFailed;
    public const int BoardCannotLoadImage = ExitCodes.Refused;

    /// <summary>Where the nanoFramework extension writes the deployable image, relative to the repository root.</summary>
    public const string DefaultImage = "firmware/ClosedLoop.Firmware/bin/Release/ClosedLoop.Firmware.bin";

    public static Command Create()
    {
        var config = new Option<FileInfo>("--config") { Description = "The rig's nf.config", DefaultValueFactory = _ => new FileInfo("nf.config") };
        var image = new Option<FileInfo?>("--image") { Description = $"The application image built by the nanoFramework extension (default: {DefaultImage} in the ClosedLoop checkout that holds nf.config, or the current folder's)" };
        var port = new Option<string?>("--port") { Description = "Serial port of the board (default: rig.serial_port)" };
        var target = new Option<string?>("--target") { Description = "nanoFramework firmware target (default: rig.board)" };
        var skipFirmware = new Option<bool>("--skip-firmware") { Description = "Deploy the application and configuration only (the board already runs nanoFramework)" };
        var configOnly = new Option<bool>("--config-only") { Description = "Only put the configuration on the board (e.g. a new Wi-Fi password)" };
        var nanoff = new Option<FileInfo?>("--nanoff") { Description = "The nanoff executable (default: found on PATH or in ~/.dotnet/tools)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the nanoff commands and the file deployment manifest; run nothing, write nothing" };
        var deviceReport = new Option<FileInfo?>("--device-report") { Description = "A saved `nanoff --nanodevice --serialport PORT --devicedetails` output to check the image against instead of asking the board (with --dry-run: check without a board)" };
        var command = new Command("flash", "Flash a rig board: nanoFramework firmware, the ClosedLoop application and its nf.config")
        {
            config, image, port, target, skipFirmware, configOnly, nanoff, dryRun, deviceReport,
        };
        command.SetAction((parse, cancellationToken) => Guard.RunAsync(parse, () =>
        {
            var steps = parse.GetValue(configOnly) ? FlashSteps.Configuration
                : parse.GetValue(skipFirmware) ? FlashSteps.Application | FlashSteps.Configuration
                : FlashSteps.All;
            var request = new FlashRequest(parse.GetValue(config)!, parse.GetValue(image), parse.GetValue(port), parse.GetValue(target), steps, parse.GetValue(nanoff), parse.GetValue(dryRun), parse.GetValue(deviceReport));
            return FlashAsync(parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, request, Environment.GetEnvironmentVariable, cancellationToken);
        }));
        return command;
    }

    public sealed record FlashRequest(FileInfo Config, FileInfo? Image, string? Port, string? Target, FlashSteps Steps, FileInfo? Nanoff, bool DryRun, FileInfo? DeviceReport = null);

    public static async Task<int> FlashAsync(TextWriter output, TextWriter error, FlashRequest request, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        if (!request.Config.Exists)
        {
            throw new CommandLineException($"{request.Config.FullName}: no such file");
        }

        string text = await File.ReadAllTextAsync(request.Config.FullName, cancellationToken).ConfigureAwait(false);
        var unexpanded = ConfigLoader.LoadForRig(text);
        if (!unexpanded.IsValid)
        {
            ConfigInput.WriteErrors(error, request.Config.FullName, unexpanded);
            return InvalidConfig;
        }

        string expandedText;
        try
        {
            expandedText = SecretExpansion.Expand(text, environment);
        }
        catch (MissingVariablesException missing)
        {
            error.WriteLine($"error: {request.Config.FullName} needs environment variables that are not set:");
            foreach (var problem in missing.Problems)
            {
                error.WriteLine($"  {problem}");
            }

            return InvalidConfig;
        }

        var expanded = ConfigLoader.LoadForRig(expandedText);
        if (!expanded.IsValid)
        {
            ConfigInput.WriteErrors(error, request.Config.FullName + " (with the environment's values)", expanded);
            return InvalidConfig;
        }

        var values = expanded.Config.Values;
        string target = request.Target ?? values.GetText("rig", "board");
        if (Array.IndexOf(ConfigSchema.Boards, target) < 0)
        {
            throw new CommandLineException($"--target '{target}': expected one of {string.Join(", ", ConfigSchema.Boards)}");
        }

        string port = request.Port ?? values.GetText("rig", "serial_port");
        if (port.Length == 0)
        {
            throw new CommandLineException("no serial port: set rig.serial_port in nf.config or pass --port (list ports with `nanoff --listports`)");
        }

        string configFolder = request.Config.Directory!.FullName;
        string imagePath = (request.Image ?? new FileInfo(Path.Combine(ProjectRoot(request.Config.Directory!), DefaultImage))).FullName;
        string rig = expanded.Config.RigId;
        string staging = Path.Combine(Path.GetTempPath(), $"closedloop-flash-{rig}");
        var files = new List<DeployedFile> { new(Path.Combine(staging, "nf.config"), FlashPlan.BoardConfigPath) };
        string caFile = values.GetText("link", "ca_file");
        string? caSource = null;
        if (values.GetBoolean("link", "tls"))
        {
            if (caFile.Length == 0)
            {
                error.WriteLine("warning: link.tls is on but link.ca_file is empty: the board cannot check the broker's certificate");
            }
            else
            {
                caSource = Path.Combine(configFolder, caFile);
                if (!File.Exists(caSource))
                {
                    throw new CommandLineException($"link.ca_file '{caFile}': no such file at {caSource}");
                }

                files.Add(new DeployedFile(caSource, "I:\\" + Path.GetFileName(caFile)));
            }
        }

        var plan = new FlashPlan(target, port, imagePath, staging, files, request.Steps, values.GetText("rig", "firmware_version"));
        bool imageMissing = request.Steps.HasFlag(FlashSteps.Application) && !File.Exists(imagePath);
        string? nanoff = request.Nanoff?.FullName ?? NanoffLocator.FindInEnvironment();
        bool nanoffMissing = nanoff is null || !File.Exists(nanoff);
        var assemblies = imageMissing || !request.Steps.HasFlag(FlashSteps.Application) ? null : ReadImage(imagePath);
        if (request.DeviceReport is { Exists: false })
        {
            throw new CommandLineException($"--device-report {request.DeviceReport.FullName}: no such file");
        }

        if (request.DryRun)
        {
            output.WriteLine($"# rig {rig}: target {target}, port {port}, config hash {expanded.Config.Hash}");
            foreach (var step in plan.Commands)
            {
                output.WriteLine($"# {step.Purpose}");
                output.WriteLine(step.CommandLine(nanoffMissing ? "nanoff" : nanoff!));
            }

            if (request.Steps.HasFlag(FlashSteps.Configuration))
            {
                output.WriteLine($"# {plan.ManifestPath} (nf.config is written beside it with the secrets filled in, and removed afterwards):");
                output.WriteLine(plan.Manifest());
            }

            if (imageMissing)
            {
                error.WriteLine($"note: no application image at {imagePath} yet: {BuildHint}");
            }

            if (nanoffMissing)
            {
                error.WriteLine($"note: nanoff was not found: {NanoffLocator.InstallHint}");
            }

            if (request.DeviceReport is not null && assemblies is not null)
            {
                string report = await File.ReadAllTextAsync(request.DeviceReport.FullName, cancellationToken).ConfigureAwait(false);
                return CheckBoard(report, request.DeviceReport.FullName, assemblies, output, error) ? 0 : BoardCannotLoadImage;
            }

            return 0;
        }

        if (nanoffMissing)
        {
            error.WriteLine($"error: nanoff is not installed{(request.Nanoff is null ? string.Empty : $" at {request.Nanoff.FullName}")}: {NanoffLocator.InstallHint}");
            return NanoffMissing;
        }

        if (imageMissing)
        {
            throw new CommandLineException($"no application image at {imagePath}: {BuildHint}");
        }

        try
        {
            Stage(staging, expandedText, plan);
            foreach (var step in plan.Commands)
            {
                string report;
                if (step.ReadsDevice && request.DeviceReport is not null)
                {
                    output.WriteLine($"{step.Purpose}: from {request.DeviceReport.FullName}");
                    report = await File.ReadAllTextAsync(request.DeviceReport.FullName, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    output.WriteLine($"{step.Purpose}: {step.CommandLine(nanoff!)}");
                    var printed = new StringWriter();
                    int code = await RunAsync(nanoff!, step.Arguments, step.ReadsDevice ? printed : output, error, cancellationToken).ConfigureAwait(false);
                    report = printed.ToString();
                    if (code != 0)
                    {
                        output.Write(report);
                        error.WriteLine($"error: nanoff could not {step.Purpose} (exit code {code}); nothing after this step was done");
                        return NanoffFailed;
                    }
                }

                if (step.ReadsDevice && !CheckBoard(report, $"the board on {port}", assemblies!, output, error))
                {
                    error.WriteLine("nothing was deployed");
                    return BoardCannotLoadImage;
                }
            }
        }
        finally
        {
            // The staged nf.config holds the secrets: never leave it behind.
            if (Directory.Exists(staging))
            {
                Directory.Delete(staging, recursive: true);
            }
        }

        output.WriteLine($"rig {rig} flashed (config hash {expanded.Config.Hash}); watch it come online with `closedloop monitor`");
        return 0;
    }

    /// <summary>
    /// The ClosedLoop checkout the image is built in: the nearest folder holding ClosedLoop.sln above the config
    /// (e.g. rigs/rig-01.nf.config in a checkout), else above the current folder, else the config's own folder.
    /// </summary>
    public static string ProjectRoot(DirectoryInfo configFolder)
    {
        foreach (var start in new[] { configFolder, new DirectoryInfo(Environment.CurrentDirectory) })
        {
            for (var folder = start; folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "ClosedLoop.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        return configFolder.FullName;
    }

    private static IReadOnlyList<ImageAssembly> ReadImage(string imagePath)
    {
        try
        {
            return DeploymentImage.Read(imagePath);
        }
        catch (InvalidDataException e)
        {
            throw new CommandLineException($"{e.Message}. {BuildHint}");
        }
    }

    /// <summary>Checks the image's native needs against a device report; says what matches or each mismatch.</summary>
    private static bool CheckBoard(string report, string source, IReadOnlyList<ImageAssembly> assemblies, TextWriter output, TextWriter error)
    {
        DeviceReport device;
        try
        {
            device = DeviceReport.Parse(report, source);
        }
        catch (InvalidDataException e)
        {
            error.WriteLine($"error: {e.Message}");
            return false;
        }

        var mismatches = NativeCompatibility.Check(assemblies, device);
        int native = assemblies.Count(a => a.NativeChecksum != 0);
        if (mismatches.Count == 0)
        {
            output.WriteLine($"  the board's firmware ({device.Target}, CLR {device.ClrVersion}) has the native code of all {native} assemblies of the image that need it");
            return true;
        }

        error.WriteLine($"error: the board's firmware ({device.Target}, CLR {device.ClrVersion}) cannot load {mismatches.Count} of the image's {assemblies.Count} assemblies (the interpreter compares native checksums and refuses any that differ):");
        foreach (var mismatch in mismatches)
        {
            error.WriteLine($"  {mismatch}");
        }

        return false;
    }

    private const string BuildHint = "build firmware/ClosedLoop.Firmware/ClosedLoop.Firmware.nfproj (Release) with the nanoFramework extension for Visual Studio or VS Code, or pass --image (docs/flashing.md)";

    private static void Stage(string staging, string expandedText, FlashPlan plan)
    {
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(staging);
        }
        else
        {
            Directory.CreateDirectory(staging, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        string config = plan.Files[0].SourceFilePath;
        // Sealed, so that the board refuses a file cut short on its way to flash (ConfigSeal).
        File.WriteAllBytes(config, SealedConfig.Bytes(expandedText));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(config, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.WriteAllText(plan.ManifestPath, plan.Manifest());
    }

    private static async Task<int> RunAsync(string nanoff, IReadOnlyList<string> arguments, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(nanoff) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new CommandLineException($"could not start {nanoff}");
        var copyOut = CopyAsync(process.StandardOutput, output, cancellationToken);
        var copyErr = CopyAsync(process.StandardError, error, cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(copyOut, copyErr).ConfigureAwait(false);
        return process.ExitCode;
    }

    private static async Task CopyAsync(StreamReader from, TextWriter to, CancellationToken cancellationToken)
    {
        while (await from.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            to.WriteLine($"  {line}");
        }
    }
}
