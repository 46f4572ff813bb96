using System.Text.Json;
using JsonValueKind = System.Text.Json.JsonValueKind;

namespace ClosedLoop.Host.Logging;

/// <summary>
/// A rig's retained status as the logger reads it (docs/protocol.md), parsed once and checked: the log stores it,
/// the gap trackers learn from it which events and frames exist, and the duplicate-id watch which boots are live.
/// </summary>
/// <param name="Rig">The rig it was published under and names.</param>
/// <param name="Online">False for the offline will or goodbye.</param>
/// <param name="Boot">The boot that wrote it.</param>
/// <param name="TimeUs">The rig's clock (online statuses).</param>
/// <param name="NextSequence">The sequence its next event will have (online statuses): all before it exist.</param>
/// <param name="NewestFrame">The newest sample frame made, when the rig numbers frames.</param>
public sealed record RigStatus(string Rig, bool Online, long Boot, long? TimeUs = null, long? NextSequence = null, long? NewestFrame = null)
{
    /// <summary>Reads a status published under <paramref name="rig"/>; returns why it is not one a rig writes, or null.</summary>
    public static string? TryParse(string rig, string json, out RigStatus? status)
    {
        status = null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return "status: not a JSON object";
            }

            if (!root.TryGetProperty("v", out var v) || v.ValueKind != JsonValueKind.Number || v.GetInt32() != ClosedLoop.Engine.Wire.StatusJson.Version)
            {
                return "status: missing or unknown schema version 'v'";
            }

            if (!root.TryGetProperty("rig", out var id) || id.ValueKind != JsonValueKind.String || id.GetString() != rig)
            {
                return $"status: its 'rig' is not '{rig}', the rig it was published under";
            }

            if (!root.TryGetProperty("online", out var online) || online.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return "status: missing true/false 'online'";
            }

            bool isOnline = online.GetBoolean();
            string[] required = isOnline ? ["boot", "t_us", "next_seq"] : ["boot"];
            foreach (string name in required)
            {
                if (WholeNumber(root, name) is null)
                {
                    return $"status: missing whole-number '{name}'";
                }
            }

            if (WholeNumber(root, "boot") < 0 || WholeNumber(root, "next_seq") < 1)
            {
                return "status: a negative 'boot' or a 'next_seq' below 1 (boots are numbered from 0, events from 1)";
            }

            status = new RigStatus(rig, isOnline, WholeNumber(root, "boot")!.Value, WholeNumber(root, "t_us"), WholeNumber(root, "next_seq"), WholeNumber(root, "frames"));
            return null;
        }
        catch (JsonException e)
        {
            return $"status: not JSON ({e.Message})";
        }
    }

    private static long? WholeNumber(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long number) ? number : null;
}
