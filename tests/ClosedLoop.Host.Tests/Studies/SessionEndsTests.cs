using ClosedLoop.Host.Studies;

namespace ClosedLoop.Host.Tests.Studies;

/// <summary>
/// When a slot's sessions end. The case that made the live study flaky on a busy machine: the yoked rig's clock ran
/// ahead of its partner's (or behind), the sessions were stopped when the last rig's minutes were up, and the partner's
/// last train, after the yoked session's end, was taken and never driven.
/// </summary>
public sealed class SessionEndsTests
{
    private const long Minute = 60_000_000;
    private static readonly DateTime T0 = new(2026, 12, 7, 10, 0, 0, DateTimeKind.Utc);
    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> Followers = new Dictionary<string, IReadOnlyList<string>> { ["rig-01"] = ["rig-02"] };

    [Fact]
    public void A_session_without_a_live_partner_ends_when_its_own_minutes_are_up()
    {
        var ends = new SessionEnds(4 * Minute, Followers, TimeSpan.FromSeconds(30));

        Assert.Equal(SessionEnd.Run, ends.Judge("rig-01", 4 * Minute - 1, _ => null, T0));
        Assert.Equal(SessionEnd.Stop, ends.Judge("rig-01", 4 * Minute, _ => null, T0));
        Assert.Equal(SessionEnd.Stop, ends.Judge("rig-03", 5 * Minute, _ => null, T0));
    }

    [Fact]
    public void A_yoked_session_runs_on_until_its_partners_session_is_over_relayed_and_no_longer_than_its_own()
    {
        var ends = new SessionEnds(4 * Minute, Followers, TimeSpan.FromSeconds(30));
        long? partnerLength = null;

        // Its minutes are up, but the partner still runs.
        Assert.Equal(SessionEnd.Run, ends.Judge("rig-02", 4 * Minute + 1_000_000, _ => partnerLength, T0));

        // The partner is stopped, but the relay has not yet passed its end (a train may still be on its way).
        ends.MarkStopped("rig-01");
        Assert.Equal(SessionEnd.Run, ends.Judge("rig-02", 4 * Minute + 2_000_000, _ => partnerLength, T0.AddSeconds(1)));

        // The partner's session lasted 4 min 5 s (its last train at 4 min 4.9 s): the yoked one runs as long.
        partnerLength = 4 * Minute + 5_000_000;
        Assert.Equal(SessionEnd.Run, ends.Judge("rig-02", 4 * Minute + 3_000_000, _ => partnerLength, T0.AddSeconds(2)));
        Assert.Equal(SessionEnd.Stop, ends.Judge("rig-02", 4 * Minute + 5_000_000, _ => partnerLength, T0.AddSeconds(3)));
    }

    [Fact]
    public void A_yoked_session_whose_partners_end_never_comes_is_stopped_after_the_patience_with_a_warning()
    {
        var ends = new SessionEnds(4 * Minute, Followers, TimeSpan.FromSeconds(30));
        ends.MarkStopped("rig-01");

        Assert.Equal(SessionEnd.Run, ends.Judge("rig-02", 4 * Minute, _ => null, T0));
        Assert.Equal(SessionEnd.Run, ends.Judge("rig-02", 5 * Minute, _ => null, T0.AddSeconds(29)));
        Assert.Equal(SessionEnd.StopUnfed, ends.Judge("rig-02", 5 * Minute, _ => null, T0.AddSeconds(30)));
        Assert.Equal(["rig-01"], ends.PartnersOf("rig-02"));
    }
}
