namespace ClosedLoop.Host.Monitor;

/// <summary>
/// A rig's refusal of a command in words a newcomer can act on: the engine's reason word (docs/protocol.md), and
/// for the refusals a person meets at a rig, what stands in the way and what to do first.
/// </summary>
public static class RefusalDescription
{
    /// <summary>What to do about a refusal, or null where its word says all there is.</summary>
    public static string? Advice(string reason) => reason switch
    {
        "estop_latched" => "the e-stop is latched: reset it first",
        "estop_input_active" => "the e-stop button is pressed: release it first",
        "not_armed" => "the rig is disarmed: arm it first",
        "no_session" => "no session is running: start one first",
        "armed" => "the rig is armed: disarm it first",
        "in_session" => "a session is running: stop it first",
        "self_test_running" => "the output self-test is running: wait for it to end",
        "interlock_mismatch" => "the hardware arm chain disagrees with the firmware: check the key switch and the e-stop wiring",
        "acquisition_too_slow" => "the converter cannot meet the acquisition plan: see the rig's acquisition_measured event",
        "rate_limited" => "too many commands at once: try again in a moment",
        "other_boot" => "the command was meant for an earlier boot of this rig",
        "stale" => "the command arrived after its deadline",
        _ => null,
    };

    /// <summary>The reason word with its advice, e.g. "in_session (a session is running: stop it first)".</summary>
    public static string Describe(string reason) => Advice(reason) is string advice ? $"{reason} ({advice})" : reason;
}
