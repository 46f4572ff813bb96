using System.Buffers;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace ClosedLoop.Host.Mqtt;

/// <summary>The embedded broker's retained messages on disk: a JSON array of topic, QoS and base64 payload, replaced atomically.</summary>
public sealed class RetainedMessageFile(string path)
{
    private readonly Lock _gate = new();

    public List<MqttApplicationMessage> Load()
    {
        if (!File.Exists(path))
        {
            return [];
        }

        var saved = JsonSerializer.Deserialize<List<Saved>>(File.ReadAllText(path)) ?? [];
        return [.. saved.Select(m => new MqttApplicationMessageBuilder()
            .WithTopic(m.Topic)
            .WithPayload(Convert.FromBase64String(m.Payload))
            .WithQualityOfServiceLevel((MqttQualityOfServiceLevel)m.Qos)
            .WithRetainFlag(true)
            .Build())];
    }

    public void Save(IEnumerable<MqttApplicationMessage> messages)
    {
        var saved = messages.Select(m => new Saved(m.Topic, (int)m.QualityOfServiceLevel, Convert.ToBase64String(m.Payload.ToArray()))).ToList();
        lock (_gate)
        {
            string temporary = path + ".tmp";
            // Retained messages include desired configs: readable by the broker's user alone.
            PrivateFile.Write(temporary, JsonSerializer.Serialize(saved));
            File.Move(temporary, path, overwrite: true);
        }
    }

    private sealed record Saved(string Topic, int Qos, string Payload);
}
