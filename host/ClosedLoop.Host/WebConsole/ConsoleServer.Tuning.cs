using System.Globalization;
using ClosedLoop.Data;
using ClosedLoop.Host.Tuning;
using Microsoft.AspNetCore.Http;

namespace ClosedLoop.Host.WebConsole;

/// <summary>Tuning: a logged session or an uploaded recording replayed through the engine with candidate settings, and swept.</summary>
public sealed partial class ConsoleServer
{
    /// <summary>
    /// Replays the chosen recording (a logged session, an uploaded .ppd, or uploaded GuPPy signal and control CSVs
    /// with an optional event CSV) with the settings typed on the page, sweeping one setting when asked; the answer
    /// is the per-encounter table and the sweep, or what is wrong with the request, named.
    /// </summary>
    private async Task<IResult> TuningAsync(HttpContext context)
    {
        // Replaying sends nothing to a rig: viewers may tune too, from the console's own page.
        var caller = CallerOf(context);
        if (ForeignPageRefusal(context, caller) is IResult refused)
        {
            return refused;
        }

        using var ticket = _tuning.TryEnter(caller.User, out string? busy);
        if (ticket is null)
        {
            return Results.Json(new { errors = new[] { busy } }, Json, statusCode: StatusCodes.Status429TooManyRequests);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        string folder = Directory.CreateTempSubdirectory("closedloop-console-tuning").FullName;
        try
        {
            var (loaded, problem) = await LoadRecordingAsync(form, folder, context.RequestAborted).ConfigureAwait(false);
            if (loaded is null)
            {
                return Results.Json(new { errors = new[] { problem } }, Json);
            }

            var settings = form["settings"].ToString().Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#')).ToList();
            string? key = form["sweep_key"].ToString() is { Length: > 0 } named ? named : null;
            IReadOnlyList<double> values = [];
            if (key is not null)
            {
                bool parsed = double.TryParse(form["sweep_from"], CultureInfo.InvariantCulture, out double from)
                    & double.TryParse(form["sweep_to"], CultureInfo.InvariantCulture, out double to)
                    & double.TryParse(form["sweep_step"], CultureInfo.InvariantCulture, out double step);
                if (!parsed || ReplayAnalysis.Steps(from, to, step, ReplayAnalysis.MaxSweepValues) is not { } steps)
                {
                    return Results.Json(new { errors = new[] { $"sweep of {key}: from '{form["sweep_from"]}' to '{form["sweep_to"]}' in steps of '{form["sweep_step"]}': expected numbers with from <= to and a step above 0 giving at most {ReplayAnalysis.MaxSweepValues} values" } }, Json);
                }

                values = steps;
            }

            var (result, errors) = await Task.Run(() => TuningRun.Run(loaded.Recording, loaded.SessionConfig, settings, key, values), context.RequestAborted).ConfigureAwait(false);
            return Results.Json(result is null ? new { errors, notes = loaded.Notes } : new { result, notes = loaded.Notes }, Json);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// The recording a tuning form names, read as the replay command reads it (<see cref="RecordingLoader"/>), with
    /// what was read and assumed and the logged session's own config; or why there is none.
    /// </summary>
    private async Task<(LoadedRecording? Loaded, string? Problem)> LoadRecordingAsync(IFormCollection form, string folder, CancellationToken cancellationToken)
    {
        // Where each upload was saved, and the name it came with: errors name the latter, not the server's folders.
        // Each is saved under the extension its field stands for, which is how the reader tells the formats apart.
        var uploads = new Dictionary<string, string>();
        async Task<FileInfo?> Saved(string field, string extension)
        {
            if (form.Files.GetFile(field) is not { Length: > 0 } file)
            {
                return null;
            }

            // The name it came with (the recording is named after it), under its field's own folder.
            string name = Path.GetFileNameWithoutExtension(Path.GetFileName(file.FileName));
            string path = Path.Combine(Directory.CreateDirectory(Path.Combine(folder, field)).FullName, (name.Length > 0 ? name : field) + extension);
            uploads[path] = Path.GetFileName(file.FileName);
            await using var stream = File.Create(path);
            await file.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
            return new FileInfo(path);
        }

        RecordingRequest request;
        switch (form["source"].ToString())
        {
            case "logged" when _blind:
                return (null, "blinded console: a logged session's replay would tell its rig's condition; upload a recording instead, or replay after unblinding");
            case "logged":
                string[] chosen = form["session"].ToString().Split('|');
                if (_log is null || chosen.Length != 2 || !long.TryParse(chosen[1], CultureInfo.InvariantCulture, out long boot) || !_log.Holds(chosen[0], boot))
                {
                    return (null, _log is null ? "this console was started without the logger's log (--db): upload a recording instead" : $"session '{form["session"]}': expected one of the log's sessions");
                }

                request = new RecordingRequest(new FileInfo(_log.Path)) { Rig = chosen[0], Boot = boot };
                break;
            case "ppd":
                if (await Saved("ppd", ".ppd").ConfigureAwait(false) is not { } ppd)
                {
                    return (null, "choose a .ppd file to upload");
                }

                request = new RecordingRequest(ppd);
                break;
            case "guppy":
                var signal = await Saved("signal", ".csv").ConfigureAwait(false);
                var control = await Saved("control", ".csv").ConfigureAwait(false);
                var events = await Saved("events", ".csv").ConfigureAwait(false);
                if (signal is null || control is null)
                {
                    return (null, "GuPPy: choose the signal and the control channel's CSV files (the event CSV is optional)");
                }

                int eventMs = int.TryParse(form["event_ms"], CultureInfo.InvariantCulture, out int ms) && ms > 0 ? ms : 1000;
                request = new RecordingRequest(signal) { Control = control, Events = events, EventMs = eventMs };
                break;
            default:
                return (null, $"source '{form["source"]}': expected logged, ppd or guppy");
        }

        try
        {
            return (RecordingLoader.Load(request), null);
        }
        catch (Exception e) when (e is RecordingFormatException or InputException)
        {
            return (null, uploads.Aggregate(e.Message, (message, upload) => message.Replace(upload.Key, upload.Value, StringComparison.Ordinal)));
        }
    }
}
