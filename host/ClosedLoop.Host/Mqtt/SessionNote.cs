namespace ClosedLoop.Host.Mqtt;

/// <summary>Who and what a session is about, published once the rig has accepted its start.</summary>
public sealed record SessionNote(string Subject, string Experimenter, string? Note)
{
    /// <summary>The longest text field kept (the logger refuses larger messages).</summary>
    public const int MaxField = 256;

    public byte[] Json(string rig, long boot, long rigTimeUs, DateTime utc) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new
    {
        v = 1,
        rig,
        boot,
        rig_t_us = rigTimeUs,
        utc = utc.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        subject = Subject.Length > MaxField ? Subject[..MaxField] : Subject,
        experimenter = Experimenter.Length > MaxField ? Experimenter[..MaxField] : Experimenter,
        note = Note is { Length: > MaxField } ? Note[..MaxField] : Note,
    });

    /// <summary>Tells the logger who and what the session the rig just started (at <paramref name="rigTimeUs"/>) is about.</summary>
    public Task PublishAsync(BrokerClient client, string rig, long boot, long rigTimeUs, CancellationToken cancellationToken) =>
        client.PublishAsync(client.TopicsOf(rig).Sessions, Json(rig, boot, rigTimeUs, DateTime.UtcNow), retain: false, cancellationToken);
}
