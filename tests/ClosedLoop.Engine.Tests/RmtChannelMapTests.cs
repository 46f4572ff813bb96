namespace ClosedLoop.Engine.Tests;

/// <summary>RMT channels and memory blocks as the ESP32 driver shares them (docs/configuration.md, [rmt]).</summary>
public sealed class RmtChannelMapTests
{
    [Fact]
    public void The_default_channels_own_all_eight_blocks_without_sharing_one()
    {
        var config = ConfigLoader.Load(string.Empty);
        Assert.True(config.IsValid, string.Join("; ", config.Errors.Select(e => e.ToString())));

        var owners = new int[RmtChannelMap.Channels];
        for (int source = 0; source < RmtChannelMap.Count; source++)
        {
            int first = RmtChannelMap.ChannelOf(config.Config.Values, source);
            for (int block = first; block < first + RmtChannelMap.BlocksOf(config.Config.Values, source); block++)
            {
                owners[block]++;
            }
        }

        Assert.All(owners, count => Assert.Equal(1, count));
    }

    [Fact]
    public void Outputs_on_neighbouring_channels_with_two_blocks_are_refused_naming_both_keys()
    {
        // What the driver's "first free channel" gave: opto on 0 (blocks 0-1), dose on 1 (blocks 1-2).
        var config = ConfigLoader.Load("[rmt]\nopto_channel = 0\ndose_channel = 1\nsignal_channel = 3\n");

        Assert.False(config.IsValid);
        var error = Assert.Single(config.Errors, e => e.Field == "rmt.dose_channel");
        Assert.Equal("1", error.Value);
        Assert.Contains("rmt.opto_channel", error.Expected);
        Assert.Contains("0-1", error.Expected);
        Assert.Contains("1-2", error.Expected);
    }

    [Fact]
    public void More_blocks_per_output_push_the_channels_apart()
    {
        var overlapping = ConfigLoader.Load("[rmt]\nmemory_blocks = 3\n");
        Assert.Contains(overlapping.Errors, e => e.Field == "rmt.dose_channel");

        var apart = ConfigLoader.Load("[rmt]\nmemory_blocks = 3\nopto_channel = 0\ndose_channel = 3\nsignal_channel = 6\ncontrol_channel = 7\n[sync]\nenabled = false\n");
        Assert.Contains(apart.Errors, e => e.Field == "rmt.selftest_channel");

        var fits = ConfigLoader.Load("[rmt]\nmemory_blocks = 1\nopto_channel = 0\ndose_channel = 1\nsignal_channel = 2\ncontrol_channel = 3\nsync_channel = 4\nselftest_channel = 5\n");
        Assert.True(fits.IsValid);
    }

    [Fact]
    public void A_channel_whose_blocks_run_past_the_last_is_refused()
    {
        var config = ConfigLoader.Load("[rmt]\nopto_channel = 7\ndose_channel = 0\nsignal_channel = 2\ncontrol_channel = 3\nsync_channel = 4\nselftest_channel = 5\n");

        var error = Assert.Single(config.Errors);
        Assert.Equal("rmt.opto_channel", error.Field);
        Assert.Contains("7-8", error.Expected);
    }

    [Fact]
    public void The_sync_channel_is_free_for_other_use_when_sync_is_off()
    {
        var on = ConfigLoader.Load("[rmt]\nsync_channel = 4\n");
        Assert.Contains(on.Errors, e => e.Field == "rmt.sync_channel");

        var off = ConfigLoader.Load("[rmt]\nsync_channel = 4\n[sync]\nenabled = false\n");
        Assert.True(off.IsValid);
    }

    [Fact]
    public void Looping_patterns_leave_the_drivers_stop_item_room_in_their_block()
    {
        // rmt_write_items turns looping off for a pattern of a whole block or more: it would play once.
        Assert.True(ExcitationPattern.MaxItems < RmtPlan.ItemsPerBlock);
        Assert.True(SyncPulse.MaxItems < RmtPlan.ItemsPerBlock);
        Assert.Equal(63, RmtPlan.LoopItemsPerBlock);
    }
}
