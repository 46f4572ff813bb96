using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ClosedLoop.Host.WebConsole;

/// <summary>Sessions and data: the logged boots, their reports and export bundles.</summary>
public sealed partial class ConsoleServer
{
    /// <summary>The logged sessions with their reports and exports, and replaying a recording for tuning.</summary>
    private void MapData(IEndpointRouteBuilder watched)
    {
        watched.MapGet("/api/sessions", Sessions);
        watched.MapGet("/api/sessions/{rig}/{boot:long}/report", SessionReport);
        watched.MapGet("/api/sessions/{rig}/{boot:long}/export", SessionExportAsync);
        watched.MapPost("/api/tuning", (Func<HttpContext, Task<IResult>>)TuningAsync);
    }

    /// <summary>Every logged boot of every rig with its counts, newest first per rig; why there is none otherwise.</summary>
    private IResult Sessions()
    {
        if (_log is null)
        {
            return Results.Json(new { error = "this console was started without the logger's log (--db), so it lists no sessions" }, Json);
        }

        try
        {
            return Results.Json(new { log = _log.Path, boots = _log.List(_blind), blind = _blind }, Json);
        }
        catch (System.Data.Common.DbException e)
        {
            return Results.Json(new { error = $"{_log.Path}: not a closedloop log ({e.Message})" }, Json);
        }
    }

    private IResult SessionReport(string rig, long boot) => BlindedRefusal("a session's report") ?? (_log is not null && _log.Holds(rig, boot)
        ? Results.Text(_log.Report(rig, boot), "text/html; charset=utf-8")
        : Results.Text($"The log holds no boot {boot} of {WebUtility.HtmlEncode(rig)}.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound));

    private async Task<IResult> SessionExportAsync(string rig, long boot) => BlindedRefusal("a session's export") ?? (_log is not null && _log.Holds(rig, boot)
        ? Results.File(await _log.ExportZipAsync(rig, boot).ConfigureAwait(false), "application/zip", $"{rig}-boot{boot}.zip")
        : Results.Text($"The log holds no boot {boot} of {rig}.", "text/plain; charset=utf-8", statusCode: StatusCodes.Status404NotFound));
}
