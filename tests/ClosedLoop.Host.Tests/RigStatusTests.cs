namespace ClosedLoop.Host.Tests;

/// <summary>The logger reads a rig's status once into what the log, the gap trackers and the duplicate-id watch need.</summary>
public sealed class RigStatusTests
{
    [Fact]
    public void An_online_status_gives_its_boot_clock_next_sequence_and_newest_frame()
    {
        const string json = """{"v":1,"rig":"rig-01","online":true,"boot":7,"t_us":93000000,"config":"bf0e25556afdff88","armed":true,"estop":false,"session":true,"mode":"closed_loop","next_seq":412,"frames":930,"per_phase":4.2,"reading_us":640,"start_us":85}""";

        Assert.Null(RigStatus.TryParse("rig-01", json, out var status));

        Assert.Equal(new RigStatus("rig-01", true, 7, 93_000_000, 412, 930), status);
    }

    [Theory]
    [InlineData("""{"v":1,"rig":"rig-01","online":false,"boot":-3}""")]
    [InlineData("""{"v":1,"rig":"rig-01","online":true,"boot":3,"t_us":5,"next_seq":0}""")]
    public void A_status_with_a_negative_boot_or_no_first_event_is_refused(string json)
    {
        Assert.Contains("negative 'boot'", RigStatus.TryParse("rig-01", json, out var status), StringComparison.Ordinal);
        Assert.Null(status);
    }

    [Fact]
    public void An_offline_status_needs_only_its_boot_and_a_status_without_frames_announces_none()
    {
        Assert.Null(RigStatus.TryParse("rig-01", """{"v":1,"rig":"rig-01","online":false,"boot":3}""", out var offline));
        Assert.Null(RigStatus.TryParse("rig-01", """{"v":1,"rig":"rig-01","online":true,"boot":3,"t_us":5,"next_seq":2}""", out var unnumbered));

        Assert.Equal(new RigStatus("rig-01", false, 3), offline);
        Assert.Null(unnumbered!.NewestFrame);
    }
}
