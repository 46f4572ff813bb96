using ClosedLoop.Engine.Journal;
using ClosedLoop.Engine.Wire;

namespace ClosedLoop.Host.Tests;

/// <summary>A console audit record against the rig's journal: what an operator publishing a fake one can and cannot make it say.</summary>
public sealed class CommandAuditTests
{
    private static JournalEvent Answered(long commandId, string sender) =>
        new() { Kind = EventKind.Command, Ref1 = commandId, Ref2 = SenderName.Pack(sender) };

    private static CommandAudit Audit(long commandId, string account, string user = "alice") =>
        new("rig-01", 7, commandId, "disarm", user, "10.0.0.5", "accepted", "2026-12-07T10:00:00.0000000Z", account);

    [Fact]
    public void A_record_is_confirmed_only_when_the_rig_answered_that_command_from_the_account_that_published_it()
    {
        JournalEvent[] journal = [Answered(41, "console"), Answered(42, "bob")];

        Assert.True(Audit(41, "console").ConfirmedBy(journal));

        // Bob (an operator) publishes under his own account only: claiming the console's command, or one never sent, or
        // alice's name for his own, is seen for what it is (the account stays his).
        Assert.False(Audit(41, "bob").ConfirmedBy(journal));
        Assert.False(Audit(99, "bob").ConfirmedBy(journal));
        Assert.True(Audit(42, "bob", user: "alice").ConfirmedBy(journal));
        Assert.Equal("bob", Audit(42, "bob", user: "alice").Account);

        // A record from before audits named their account, and a config (no id).
        Assert.False(Audit(41, string.Empty).ConfirmedBy(journal));
        Assert.Null(Audit(0, "console").ConfirmedBy(journal));
    }

    [Fact]
    public void The_account_comes_from_the_topic_not_the_payload()
    {
        byte[] payload = Audit(41, "console").ToJson();

        Assert.Null(CommandAudit.TryRead("rig-01", "bob", payload, out var audit));

        Assert.Equal("bob", audit!.Account);
        Assert.DoesNotContain("account", Encoding.UTF8.GetString(payload), StringComparison.Ordinal);
    }
}
