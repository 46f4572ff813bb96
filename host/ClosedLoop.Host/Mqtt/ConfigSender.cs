using System.Text.Json;

namespace ClosedLoop.Host.Mqtt;

/// <summary>What a rig answered to a config: applied (its hash), or rejected with the rig's own errors; null answer when none came.</summary>
public sealed record ConfigAnswer(bool Applied, string Hash, IReadOnlyList<string> Errors);

/// <summary>
/// Sends a validated config to a rig as its retained desired config and waits for the rig's answer to this config
/// (a rig may first answer for the config it held before: that answer is not taken for this one's).
/// </summary>
public static class ConfigSender
{
    public static async Task<ConfigAnswer?> SendAsync(BrokerClient client, string rig, ConfigInput input, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string hash = input.Result.Config.Hash;
        var topics = client.TopicsOf(rig);
        byte[] payload = SealedConfig.Bytes(ConfigInput.Render(input.Document));
        bool IsOurs(byte[] ack)
        {
            using var document = JsonDocument.Parse(ack);
            return document.RootElement.GetProperty("config").GetString() == hash || !document.RootElement.GetProperty("applied").GetBoolean();
        }

        byte[]? answer = await client.WaitForAsync(topics.ConfigAck, IsOurs, timeout,
            () => client.PublishAsync(topics.Config, payload, retain: true, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (answer is null)
        {
            return null;
        }

        using var ack = JsonDocument.Parse(answer);
        var root = ack.RootElement;
        return new ConfigAnswer(root.GetProperty("applied").GetBoolean(), root.GetProperty("config").GetString() ?? string.Empty,
            root.TryGetProperty("errors", out var errors) && errors.ValueKind == System.Text.Json.JsonValueKind.Array
                ? [.. errors.EnumerateArray().Select(e => $"{e.GetProperty("field").GetString()} = '{e.GetProperty("value").GetString()}': {e.GetProperty("expected").GetString()}")]
                : []);
    }
}
