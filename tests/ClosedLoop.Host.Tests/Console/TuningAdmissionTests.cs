using ClosedLoop.Host.WebConsole;

namespace ClosedLoop.Host.Tests.Console;

public sealed class TuningAdmissionTests
{
    [Fact]
    public void Each_person_has_one_tuning_run_at_a_time_and_the_console_at_most_its_limit()
    {
        var admission = new TuningAdmission(maxRuns: 2);

        var alice = admission.TryEnter("alice", out _);
        var again = admission.TryEnter("alice", out string? refusal);
        var bob = admission.TryEnter("bob", out _);
        var carol = admission.TryEnter("carol", out string? full);

        Assert.NotNull(alice);
        Assert.Null(again);
        Assert.Equal("alice already has a tuning run going: one at a time each; wait for its result", refusal);
        Assert.NotNull(bob);
        Assert.Null(carol);
        Assert.Contains("running 2 tuning runs", full, StringComparison.Ordinal);

        // A finished run frees its place, once however often it is disposed.
        alice!.Dispose();
        alice.Dispose();
        Assert.NotNull(admission.TryEnter("carol", out _));
        Assert.Null(admission.TryEnter("alice", out _));
    }
}
