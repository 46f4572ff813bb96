namespace ClosedLoop.Host.Tests;

public sealed class OnlineBootsTests
{
    private static RigStatus Status(long boot, bool online, string rig = "rig-01") => new(rig, online, boot);

    private static readonly DateTime T0 = new(2026, 11, 29, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Two_live_boots_of_one_rig_are_warned_about_once()
    {
        var boots = new OnlineBoots();

        Assert.Null(boots.Warning(Status(3, true), T0));
        string? warning = boots.Warning(Status(4, true), T0.AddSeconds(1));
        Assert.NotNull(warning);
        Assert.Contains("boots 3 and 4", warning, StringComparison.Ordinal);
        Assert.Null(boots.Warning(Status(3, true), T0.AddSeconds(2)));
        Assert.Null(boots.Warning(Status(4, true), T0.AddSeconds(3)));
    }

    [Fact]
    public void A_reboot_is_not_two_boards_whether_or_not_the_old_boot_said_offline()
    {
        var boots = new OnlineBoots();

        Assert.Null(boots.Warning(Status(3, true), T0));
        Assert.Null(boots.Warning(Status(3, false), T0.AddSeconds(1)));
        Assert.Null(boots.Warning(Status(4, true), T0.AddSeconds(2)));

        // A crash leaves no offline status; the new boot comes up well after the old one's last word.
        Assert.Null(boots.Warning(Status(5, true), T0.AddSeconds(60)));
        Assert.Null(boots.Warning(Status(5, true, "rig-02"), T0.AddSeconds(60)));
    }
}
