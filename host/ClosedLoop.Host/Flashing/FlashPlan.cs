using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClosedLoop.Host.Flashing;

/// <summary>What to put on the board, in order.</summary>
[Flags]
public enum FlashSteps
{
    None = 0,

    /// <summary>nanoFramework itself (nanoBooter and nanoCLR) for the board target.</summary>
    Firmware = 1,

    /// <summary>The ClosedLoop application image.</summary>
    Application = 2,

    /// <summary>The rig's nf.config (secrets filled in) and, with TLS, its CA certificate, onto drive I:.</summary>
    Configuration = 4,

    All = Firmware | Application | Configuration,
}

/// <summary>One nanoff invocation: what it does, and its arguments exactly as passed.</summary>
/// <param name="ReadsDevice">It prints the board's details (native assemblies), which are checked against the image before deploying.</param>
public sealed record NanoffStep(string Purpose, IReadOnlyList<string> Arguments, bool ReadsDevice = false)
{
    /// <summary>The command line as a shell would need it typed (arguments with spaces or quotes are quoted).</summary>
    public string CommandLine(string nanoff) => string.Join(' ', new[] { nanoff }.Concat(Arguments).Select(Quote));

    private static string Quote(string argument) =>
        argument.Length > 0 && argument.All(c => char.IsLetterOrDigit(c) || "-_./:\\=,+@".Contains(c, StringComparison.Ordinal))
            ? argument
            : "\"" + argument.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}

/// <summary>A file nanoff puts on the board's storage.</summary>
public sealed record DeployedFile(string SourceFilePath, string DestinationFilePath);

/// <summary>
/// The nanoff commands that take a new board to a running rig: (1) update the nanoFramework firmware for the
/// target, (2) read the board's native assemblies (over the wire protocol, nanoff's --nanodevice), so that an image
/// they cannot load is refused before it is deployed, (3) deploy the application image, (4) write the rig's files to
/// its internal storage (nanoff's file deployment: a JSON list of source and destination paths).
/// </summary>
public sealed class FlashPlan
{
    public const string BoardConfigPath = "I:\\nf.config";

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public FlashPlan(string target, string serialPort, string imagePath, string stagingFolder, IReadOnlyList<DeployedFile> files, FlashSteps steps, string firmwareVersion = "")
    {
        Target = target;
        FirmwareVersion = firmwareVersion;
        SerialPort = serialPort;
        ImagePath = imagePath;
        ManifestPath = Path.Combine(stagingFolder, "filedeployment.json");
        Files = files;
        Steps = steps;
        var commands = new List<NanoffStep>();
        if (steps.HasFlag(FlashSteps.Firmware))
        {
            string[] update = ["--update", "--target", target, "--serialport", serialPort];
            commands.Add(new NanoffStep(
                firmwareVersion.Length == 0 ? "update the nanoFramework firmware (newest: not pinned, set rig.firmware_version)" : $"update the nanoFramework firmware to {firmwareVersion}",
                firmwareVersion.Length == 0 ? update : [.. update, "--fwversion", firmwareVersion]));
        }

        if (steps.HasFlag(FlashSteps.Application))
        {
            commands.Add(new NanoffStep("read the board's native assemblies", ["--nanodevice", "--serialport", serialPort, "--devicedetails"], ReadsDevice: true));
            commands.Add(new NanoffStep("deploy the ClosedLoop application", ["--target", target, "--serialport", serialPort, "--deploy", "--image", imagePath]));
        }

        if (steps.HasFlag(FlashSteps.Configuration))
        {
            commands.Add(new NanoffStep("put the rig's configuration on the board's storage", ["--serialport", serialPort, "--filedeployment", ManifestPath]));
        }

        Commands = commands;
    }

    public string Target { get; }

    /// <summary>The nanoFramework firmware version to install (rig.firmware_version); empty for the newest.</summary>
    public string FirmwareVersion { get; }

    public string SerialPort { get; }

    public string ImagePath { get; }

    public string ManifestPath { get; }

    public IReadOnlyList<DeployedFile> Files { get; }

    public FlashSteps Steps { get; }

    public IReadOnlyList<NanoffStep> Commands { get; }

    /// <summary>nanoff's file deployment manifest (its FileDeploymentConfiguration: serial port and files).</summary>
    public string Manifest() => JsonSerializer.Serialize(
        new Dictionary<string, object>
        {
            ["serialport"] = SerialPort,
            ["files"] = Files.Select(f => new Dictionary<string, string> { ["DestinationFilePath"] = f.DestinationFilePath, ["SourceFilePath"] = f.SourceFilePath }).ToList(),
        },
        s_json);
}
