using ClosedLoop.Engine.Encounters;

namespace ClosedLoop.Engine.Tests;

public sealed class EncounterTests
{
    private sealed class Recorder : IEncounterListener
    {
        public List<string> Log { get; } = [];

        public void OnEncounterOn(long onsetUs, long nowUs, ControlSource source, Novelty novelty, long partner) =>
            Log.Add($"on {onsetUs} at {nowUs} by {source}" + (novelty == Novelty.Unmarked && partner == 0 ? "" : $" with {SenderName.Unpack(partner)} ({novelty})"));

        public void OnEncounterOff(long onsetUs, long offsetUs, long nowUs) => Log.Add($"off {offsetUs} (onset {onsetUs}) at {nowUs}");
    }

    private static EncounterSettings Settings(long debounce = 20_000, long minDuration = 500_000, long minGap = 1_000_000) => new()
    {
        UseDigitalInput = true,
        UseMessages = true,
        ActiveHigh = true,
        DebounceUs = debounce,
        MinDurationUs = minDuration,
        MinGapUs = minGap,
    };

    private static (EncounterTracker Tracker, Recorder Recorder) Make(EncounterSettings settings)
    {
        var recorder = new Recorder();
        return (new EncounterTracker(settings, recorder), recorder);
    }

    [Fact]
    public void An_encounter_is_confirmed_after_its_minimum_duration_and_dated_at_its_edge()
    {
        var (tracker, recorder) = Make(Settings());

        tracker.OnInput(true, 1_000_000);
        tracker.Poll(1_400_000);
        Assert.Empty(recorder.Log);
        tracker.Poll(1_500_000);

        Assert.Equal(["on 1000000 at 1500000 by Input"], recorder.Log);
        Assert.True(tracker.IsActive);
    }

    [Fact]
    public void Contact_bounce_shorter_than_the_debounce_is_ignored()
    {
        var (tracker, recorder) = Make(Settings(minDuration: 0));

        tracker.OnInput(true, 1_000_000);
        tracker.OnInput(false, 1_005_000);
        tracker.OnInput(true, 1_008_000);
        tracker.OnInput(false, 1_010_000);
        tracker.Poll(2_000_000);

        Assert.Empty(recorder.Log);
    }

    [Fact]
    public void Bounce_at_the_start_of_real_contact_dates_the_onset_at_the_last_edge()
    {
        var (tracker, recorder) = Make(Settings(minDuration: 0));

        tracker.OnInput(true, 1_000_000);
        tracker.OnInput(false, 1_005_000);
        tracker.OnInput(true, 1_008_000);
        tracker.Poll(1_100_000);

        Assert.Equal(["on 1008000 at 1100000 by Input"], recorder.Log);
    }

    [Fact]
    public void Contact_shorter_than_the_minimum_duration_is_not_an_encounter()
    {
        var (tracker, recorder) = Make(Settings());

        tracker.OnInput(true, 1_000_000);
        tracker.OnInput(false, 1_300_000);
        tracker.Poll(5_000_000);

        Assert.Empty(recorder.Log);
    }

    [Fact]
    public void Contacts_separated_by_less_than_the_minimum_gap_are_one_encounter()
    {
        var (tracker, recorder) = Make(Settings());

        tracker.OnInput(true, 1_000_000);
        tracker.Poll(1_600_000);
        tracker.OnInput(false, 2_000_000);
        tracker.Poll(2_500_000);
        tracker.OnInput(true, 2_800_000);
        tracker.OnInput(false, 4_000_000);
        tracker.Poll(4_999_999);
        Assert.Single(recorder.Log);
        tracker.Poll(5_000_000);

        Assert.Equal(["on 1000000 at 1600000 by Input", "off 4000000 (onset 1000000) at 5000000"], recorder.Log);
    }

    [Fact]
    public void Transitions_due_before_an_edge_happen_even_without_polling_and_are_dated_when_noticed()
    {
        var (tracker, recorder) = Make(Settings(debounce: 0));

        tracker.OnInput(true, 1_000_000);
        tracker.OnInput(false, 3_000_000);
        tracker.OnInput(true, 9_000_000);

        Assert.Equal(["on 1000000 at 3000000 by Input", "off 3000000 (onset 1000000) at 9000000"], recorder.Log);
    }

    [Fact]
    public void A_release_noticed_late_does_not_confirm_a_contact_that_was_too_short()
    {
        var (tracker, recorder) = Make(Settings(debounce: 20_000));

        tracker.OnInput(true, 1_000_000);
        tracker.Poll(1_100_000);
        tracker.OnInput(false, 1_300_000);
        tracker.Poll(1_700_000);

        Assert.Empty(recorder.Log);
    }

    [Fact]
    public void Active_low_inputs_are_inverted()
    {
        var settings = Settings(debounce: 0, minDuration: 0);
        settings.ActiveHigh = false;
        var (tracker, recorder) = Make(settings);

        tracker.OnInput(true, 500_000);
        tracker.OnInput(false, 1_000_000);
        tracker.Poll(1_000_001);

        Assert.Equal(["on 1000000 at 1000000 by Input"], recorder.Log);
    }

    [Fact]
    public void Messages_start_and_stop_encounters_without_debouncing()
    {
        var (tracker, recorder) = Make(Settings(minDuration: 0, minGap: 0));

        tracker.OnMessage(true, 1_000_000, 0, Novelty.Unmarked);
        tracker.OnMessage(false, 4_000_000, 0, Novelty.Unmarked);

        Assert.Equal(["on 1000000 at 1000000 by Command", "off 4000000 (onset 1000000) at 4000000"], recorder.Log);
    }

    [Fact]
    public void A_message_names_the_partner_of_the_encounter_it_begins_and_contact_resumed_within_min_gap_keeps_it()
    {
        var (tracker, recorder) = Make(Settings(minDuration: 0, minGap: 1_000_000));

        tracker.OnMessage(true, 1_000_000, SenderName.Pack("stim-02"), Novelty.Novel);
        tracker.OnMessage(false, 3_000_000, 0, Novelty.Unmarked);
        tracker.OnMessage(true, 3_500_000, SenderName.Pack("cagemate"), Novelty.Familiar);
        tracker.OnMessage(false, 5_000_000, 0, Novelty.Unmarked);
        tracker.Poll(6_000_000);
        tracker.OnMessage(true, 9_000_000, 0, Novelty.Unmarked);

        Assert.Equal(
            ["on 1000000 at 1000000 by Command with stim-02 (Novel)", "off 5000000 (onset 1000000) at 6000000", "on 9000000 at 9000000 by Command"],
            recorder.Log);
    }

    [Fact]
    public void The_input_marks_its_encounters_with_the_configured_novelty_and_a_message_with_its_own()
    {
        var settings = Settings(debounce: 0, minDuration: 0, minGap: 0);
        settings.InputNovelty = Novelty.Familiar;
        var (tracker, recorder) = Make(settings);

        tracker.OnMessage(true, 1_000_000, SenderName.Pack("stim-03"), Novelty.Novel);
        tracker.OnMessage(false, 2_000_000, 0, Novelty.Unmarked);
        tracker.OnInput(true, 4_000_000);
        tracker.OnInput(false, 5_000_000);

        Assert.Equal(
            ["on 1000000 at 1000000 by Command with stim-03 (Novel)", "off 2000000 (onset 1000000) at 2000000",
             "on 4000000 at 4000000 by Input with  (Familiar)", "off 5000000 (onset 4000000) at 5000000"],
            recorder.Log);
    }

    [Fact]
    public void A_source_that_is_not_configured_is_ignored()
    {
        var settings = Settings(debounce: 0, minDuration: 0);
        settings.UseMessages = false;
        var (tracker, recorder) = Make(settings);

        tracker.OnMessage(true, 1_000_000, 0, Novelty.Unmarked);
        tracker.Poll(2_000_000);

        Assert.Empty(recorder.Log);
    }
}
