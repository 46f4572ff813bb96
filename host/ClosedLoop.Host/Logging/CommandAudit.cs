using System.Text.Json;
using JsonValueKind = System.Text.Json.JsonValueKind;

namespace ClosedLoop.Host.Logging;

/// <summary>
/// One command sent from the console, as the log keeps it: which rig and boot, the command's id (0 for a config),
/// what it was, who sent it (the console login, or the account running a console without logins) and from which
/// address, and what the rig answered. Published by the console on <c>PREFIX/RIG/audit/ACCOUNT</c>, ACCOUNT being its
/// broker user, which the broker proves as it proves a command's sender (docs/protocol.md); <see cref="Account"/> is
/// that level as the logger received it, empty for a record from before audits named it.
/// </summary>
public sealed record CommandAudit(string Rig, long Boot, long CommandId, string Command, string User, string Address, string Result, string Utc, string Account = "")
{
    /// <summary>
    /// Whether the rig's own journal bears the record out: it answered command <see cref="CommandId"/> from the broker
    /// account that published the record. An operator can publish records under their own account only, so one
    /// claiming a command the console never sent is not confirmed. Null for a config (id 0: configs carry no id).
    /// </summary>
    public bool? ConfirmedBy(IEnumerable<JournalEvent> journal)
    {
        if (CommandId == 0)
        {
            return null;
        }

        long account = ClosedLoop.Engine.Wire.SenderName.Pack(Account);
        return account >= 0 && journal.Any(e => e.Kind == EventKind.Command && e.Ref1 == CommandId && e.Ref2 == account);
    }

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
    {
        ["v"] = 1,
        ["rig"] = Rig,
        ["boot"] = Boot,
        ["command_id"] = CommandId,
        ["command"] = Command,
        ["user"] = User,
        ["address"] = Address,
        ["result"] = Result,
        ["utc"] = Utc,
    });

    /// <summary>Reads an audit record published for <paramref name="rig"/>; the reason it is unusable otherwise.</summary>
    public static string? TryRead(string rig, string account, byte[] payload, out CommandAudit? audit)
    {
        audit = null;
        try
        {
            using var document = JsonDocument.Parse(payload);
            var root = document.RootElement;
            long? Whole(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) ? n : null;
            string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            if (Text("rig") != rig || Whole("boot") is not long boot || Whole("command_id") is not long id || Text("command") is not { Length: > 0 } command
                || Text("user") is not { Length: > 0 } user || Text("address") is not string address || Text("result") is not string result || Text("utc") is not string utc)
            {
                return $"audit: expected rig '{rig}', whole-number boot and command_id, and command, user, address, result and utc texts";
            }

            audit = new CommandAudit(rig, boot, id, command, user, address, result, utc, account);
            return null;
        }
        catch (JsonException e)
        {
            return $"audit: not JSON ({e.Message})";
        }
    }
}
