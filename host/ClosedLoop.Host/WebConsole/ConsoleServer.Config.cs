using ClosedLoop.Host.Mqtt;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ClosedLoop.Host.WebConsole;

/// <summary>The config form and presets: the engine's schema, checking a form, sending a config, saving and loading presets.</summary>
public sealed partial class ConsoleServer
{
    /// <summary>
    /// Every key of the engine's schema, as the form shows it: its section, name, kind, allowed values and default, and
    /// whether it is an experiment's setting (a section a preset carries) rather than the rig's hardware or link.
    /// The experiment's sections come first, in the presets' order (detector, encounter, output, ...).
    /// </summary>
    private static IEnumerable<object> Schema() => Enumerable.Range(0, ConfigSchema.Count).Select(ConfigSchema.KeyAt).Where(k => !k.IsSecret)
        .OrderBy(k => ConfigPresets.Sections.Contains(k.Section) ? ConfigPresets.Sections.TakeWhile(s => s != k.Section).Count() : ConfigPresets.Sections.Count)
        .Select(k => new
    {
        k.Section,
        k.Name,
        k.Field,
        Kind = k.Kind.ToString().ToLowerInvariant(),
        k.Choices,
        k.DefaultValue,
        k.Help,
        Allowed = k.Describe(),
        Experiment = ConfigPresets.Sections.Contains(k.Section),
    });

    /// <summary>The engine's schema, a rig's config, checking and applying a form, and the presets.</summary>
    private void MapConfig(IEndpointRouteBuilder watched)
    {
        watched.MapGet("/api/schema", () => Results.Json(Schema(), Json));
        watched.MapGet("/api/rigs/{rig}/config", (string rig) => BlindedRefusal("the config") ?? (_watch.AppliedConfig(rig) is string text
            ? Results.Json(Fields(text), Json)
            : Results.Json(new { error = $"{rig} has not said which config it runs" }, Json, statusCode: StatusCodes.Status404NotFound)));
        watched.MapPost("/api/rigs/{rig}/config/check", (HttpContext context, string rig) => ConfigAsync(context, rig, apply: false));
        watched.MapPost("/api/rigs/{rig}/config/apply", (HttpContext context, string rig) => ConfigAsync(context, rig, apply: true));
        watched.MapGet("/api/presets", PresetNames);
        watched.MapGet("/api/presets/{name}", Preset);
        watched.MapPost("/api/presets/{name}", SavePresetAsync);
        watched.MapPost("/api/presets/{name}/apply", ApplyPresetAsync);
    }

    /// <summary>A config's values by field (section.key).</summary>
    private static Dictionary<string, string> Fields(string text)
    {
        var document = ConfigParser.Parse(text, new ConfigErrorList());
        var fields = new Dictionary<string, string>();
        for (int i = 0; i < document.Count; i++)
        {
            fields[document[i].Field] = document[i].Value;
        }

        return fields;
    }

    /// <summary>
    /// The page's form (field=value pairs) over the config the rig runs, checked by the engine as the rig will check
    /// it: every error at its field, and what would change. With <paramref name="apply"/> a valid config is sent and
    /// the rig's own answer returned; an invalid one is never sent.
    /// </summary>
    private async Task<IResult> ConfigAsync(HttpContext context, string rig, bool apply)
    {
        var caller = CallerOf(context);
        if ((Refusal(context, caller) ?? BlindedRefusal("the config")) is IResult refused)
        {
            return refused;
        }

        if (_watch.AppliedConfig(rig) is not string applied)
        {
            return Results.Json(new { error = $"{rig} has not said which config it runs" }, Json, statusCode: StatusCodes.Status404NotFound);
        }

        var form = context.Request.HasFormContentType ? await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false) : null;
        var overrides = form is null ? [] : form.Keys.Select(field => $"{field}={form[field]}").ToList();
        return Results.Json(await CheckOrSendAsync(rig, applied, overrides, apply ? caller : null, context.RequestAborted).ConfigureAwait(false), Json);
    }

    /// <summary>The outcome of checking (and perhaps sending) a config: the engine's errors at their fields, what changes, and the rig's answer.</summary>
    private sealed record ConfigOutcome(string Rig, bool Valid, bool Sent, bool Applied, string? Hash, IReadOnlyList<string> RigErrors, IReadOnlyList<ConfigFieldError> Errors, IReadOnlyList<ConfigChange> Changed);

    private sealed record ConfigFieldError(string Field, string Value, string Expected);

    private sealed record ConfigChange(string Field, string? From, string To);

    /// <summary>
    /// <paramref name="overrides"/> over the config the rig runs, checked by the engine as the rig will check it;
    /// with a <paramref name="sender"/>, a config that passes is sent, the rig's answer awaited and the sending audited.
    /// </summary>
    private async Task<ConfigOutcome> CheckOrSendAsync(string rig, string applied, IEnumerable<string> overrides, Caller? sender, CancellationToken cancellationToken)
    {
        var input = ConfigInput.Load(null, overrides, document => document.Set("rig", "id", rig), forRig: true, baseText: applied);
        var before = Fields(applied);
        var changed = Enumerable.Range(0, input.Document.Count).Select(i => input.Document[i])
            .Where(e => before.GetValueOrDefault(e.Field) != e.Value)
            .Select(e => new ConfigChange(e.Field, before.GetValueOrDefault(e.Field), e.Value)).ToList();
        var errors = input.Result.Errors.Select(e => new ConfigFieldError(e.Field, e.Value, e.Expected)).ToList();
        if (sender is null || errors.Count > 0)
        {
            return new ConfigOutcome(rig, errors.Count == 0, Sent: false, Applied: false, null, [], errors, changed);
        }

        await using var client = await BrokerClient.ConnectAsync(_broker, cancellationToken).ConfigureAwait(false);
        var answer = await ConfigSender.SendAsync(client, rig, input, TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
        var (boot, _) = await new RigCommander(client, sender.Sender).ReadClockAsync(rig, cancellationToken).ConfigureAwait(false);
        string result = answer is null ? "no answer" : answer.Applied ? $"applied {answer.Hash}" : $"rejected: {string.Join("; ", answer.Errors)}";
        await AuditAsync(client, rig, boot, 0, "config", sender, result, cancellationToken).ConfigureAwait(false);
        return new ConfigOutcome(rig, Valid: true, Sent: true, answer?.Applied == true, answer?.Hash, answer?.Errors ?? ["no answer from the rig"], errors, changed);
    }

    private IResult PresetNames() => BlindedRefusal("presets") ?? Results.Json(new { folder = _presets.Folder, names = _presets.Names(), sections = ConfigPresets.Sections }, Json);

    private IResult Preset(string name) => BlindedRefusal("presets") ?? (_presets.Read(name) is { } settings
        ? Results.Json(settings, Json)
        : Results.Json(new { error = $"no preset '{name}' in {_presets.Folder}" }, Json, statusCode: StatusCodes.Status404NotFound));

    /// <summary>Saves the form's experiment settings as a named preset, if the engine accepts them.</summary>
    private async Task<IResult> SavePresetAsync(HttpContext context, string name)
    {
        var caller = CallerOf(context);
        if ((Refusal(context, caller) ?? BlindedRefusal("presets")) is IResult refused)
        {
            return refused;
        }

        if (!ConfigPresets.IsName(name))
        {
            return Results.Json(new { saved = false, problem = $"preset name '{name}': expected {ConfigPresets.NameRule}" }, Json);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var settings = ConfigPresets.Carried(form.Select(f => new KeyValuePair<string, string>(f.Key, f.Value.ToString())));
        var errors = _presets.Save(name, settings);
        return Results.Json(new
        {
            saved = errors.Count == 0,
            name,
            settings = settings.Count,
            errors = errors.Select(e => new ConfigFieldError(e.Field, e.Value, e.Expected)),
        }, Json);
    }

    /// <summary>Loads a preset onto each rig named in the form, over the config each runs; each rig's own answer.</summary>
    private async Task<IResult> ApplyPresetAsync(HttpContext context, string name)
    {
        var caller = CallerOf(context);
        if ((Refusal(context, caller) ?? BlindedRefusal("presets")) is IResult refused)
        {
            return refused;
        }

        if (_presets.Read(name) is not { } settings)
        {
            return Results.Json(new { error = $"no preset '{name}' in {_presets.Folder}" }, Json, statusCode: StatusCodes.Status404NotFound);
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var outcomes = new List<ConfigOutcome>();
        foreach (string rig in form["rigs"].Select(r => r ?? string.Empty).Distinct(StringComparer.Ordinal))
        {
            outcomes.Add(_watch.AppliedConfig(rig) is string applied
                ? await CheckOrSendAsync(rig, applied, settings.Select(s => $"{s.Key}={s.Value}"), caller, context.RequestAborted).ConfigureAwait(false)
                : new ConfigOutcome(rig, false, false, false, null, [$"{rig} has not said which config it runs"], [], []));
        }

        return Results.Json(new { preset = name, outcomes }, Json);
    }
}
