using System.Text;

namespace ClosedLoop.Engine.Tests;

/// <summary>Commands act only when fresh, and every one is answered with a <c>command</c> event naming its id and sender.</summary>
public sealed class CommandFreshnessTests
{
    private const long Boot = 7;
    private readonly RigHarness _rig = new(RigConfig.Default());
    private readonly CommandDispatcher _dispatcher;
    private readonly Effects _effects = new();
    private long _nextId = 100;

    public CommandFreshnessTests() => _dispatcher = new CommandDispatcher(_rig.Engine, _effects);

    private long Now => _rig.Clock.NowMicros;

    /// <summary>A command as <paramref name="from"/> writes it, arriving on the topic of broker user <paramref name="topicSender"/> (by default the same).</summary>
    private RefusalReason Send(CommandKind kind, long? boot = null, long? untilUs = null, long? id = null, bool retained = false, long argument = 0, string from = "alice", string? topicSender = null, bool replayTopic = false)
    {
        var buffer = new byte[CommandJson.MaxBytes];
        int length = new CommandJson().Write(kind, argument, id ?? _nextId++, from, boot ?? Boot, untilUs ?? Now + 5_000_000, buffer, 0);
        return _dispatcher.Dispatch(buffer, 0, length, retained, topicSender ?? from, replayTopic);
    }

    private RefusalReason SendRaw(string json, bool retained = false)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(json);
        return _dispatcher.Dispatch(bytes, 0, bytes.Length, retained, "alice", replayTopic: false);
    }

    private JournalEvent LastAnswer() => _rig.Events(EventKind.Command).Last();

    [Fact]
    public void A_fresh_command_acts_and_its_answer_names_the_command_its_id_and_its_sender()
    {
        Assert.Equal(RefusalReason.None, Send(CommandKind.Arm, id: 4242));

        Assert.True(_rig.Engine.Gate.IsArmed);
        var answer = LastAnswer();
        Assert.Equal((int)CommandKind.Arm, answer.Code);
        Assert.Equal((int)RefusalReason.None, answer.Flags);
        Assert.Equal(4242, answer.Ref1);
        Assert.Equal("alice", SenderName.Unpack(answer.Ref2));
    }

    [Fact]
    public void The_sender_journaled_is_the_topics_which_the_broker_proved_not_the_one_the_payload_claims()
    {
        Assert.Equal(RefusalReason.None, Send(CommandKind.Arm, from: "alice", topicSender: "mallory"));

        Assert.Equal("mallory", SenderName.Unpack(LastAnswer().Ref2));
    }

    [Fact]
    public void A_topic_whose_sender_level_is_not_a_sender_name_is_refused()
    {
        Assert.Equal(RefusalReason.Malformed, Send(CommandKind.Arm, topicSender: "Not A Name"));

        Assert.False(_rig.Engine.Gate.IsArmed);
        Assert.Contains("sender level", _dispatcher.LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CommandKind.Arm)]
    [InlineData(CommandKind.EStopReset)]
    [InlineData(CommandKind.SessionStart)]
    [InlineData(CommandKind.EStop)]
    public void The_replay_topic_takes_replay_requests_and_nothing_that_acts(CommandKind kind)
    {
        Assert.Equal(RefusalReason.WrongTopic, Send(kind, from: "logger", replayTopic: true));

        Assert.False(_rig.Engine.Gate.IsArmed);
        Assert.False(_rig.Engine.Gate.IsEStopLatched);
        Assert.Equal(RefusalReason.None, Send(CommandKind.Replay, argument: 5, from: "logger", replayTopic: true));
        Assert.Equal([5L], _effects.Replays);
    }

    [Fact]
    public void Replay_requests_are_answered_by_the_replay_not_journaled_so_they_cannot_make_gaps_of_their_own()
    {
        long before = _rig.Engine.Journal.NextSequence;

        Assert.Equal(RefusalReason.None, Send(CommandKind.Replay, argument: 1, replayTopic: true));
        Assert.Equal(RefusalReason.RateLimited, Send(CommandKind.Replay, argument: 1, replayTopic: true));
        Assert.Equal(RefusalReason.OtherBoot, Send(CommandKind.ReplayFrames, argument: 1, boot: 3, replayTopic: true));

        Assert.Equal(before, _rig.Engine.Journal.NextSequence);
    }

    [Fact]
    public void A_flood_of_refused_commands_journals_one_a_second_and_counts_the_rest_in_the_status()
    {
        int before = _rig.Events(EventKind.Command).Count();
        int Answers() => _rig.Events(EventKind.Command).Count() - before;
        for (int i = 0; i < 300; i++)
        {
            Assert.Equal(RefusalReason.Stale, Send(CommandKind.Arm, untilUs: Now - 1));
        }

        Assert.Equal(1, Answers());
        Assert.Equal(299, _rig.Engine.UnjournaledRefusals);
        var status = new StatusChanges();
        Assert.True(status.Check(_rig.Engine));
        Assert.Contains("\"refused\":299", Encoding.UTF8.GetString(status.Buffer, 0, status.Length), StringComparison.Ordinal);

        _rig.RunFor(CommandDispatcher.RefusalJournalIntervalUs);
        Assert.Equal(RefusalReason.Stale, Send(CommandKind.Arm, untilUs: Now - 1));
        Assert.Equal(2, Answers());

        // Accepted commands are journaled whatever came before.
        Assert.Equal(RefusalReason.None, Send(CommandKind.Arm));
        Assert.Equal(3, Answers());
    }

    [Fact]
    public void A_retained_arm_is_never_obeyed()
    {
        Assert.Equal(RefusalReason.Retained, Send(CommandKind.Arm, retained: true));
        Assert.False(_rig.Engine.Gate.IsArmed);
        Assert.Equal((int)RefusalReason.Retained, LastAnswer().Flags);
    }

    [Fact]
    public void A_command_past_its_deadline_is_refused_as_stale()
    {
        long until = Now + 1_000_000;
        _rig.RunFor(1_000_001);

        Assert.Equal(RefusalReason.Stale, Send(CommandKind.Arm, untilUs: until));
        Assert.False(_rig.Engine.Gate.IsArmed);
    }

    [Fact]
    public void A_deadline_further_ahead_than_a_command_may_live_is_refused()
    {
        Assert.Equal(RefusalReason.DeadlineTooFar, Send(CommandKind.Arm, untilUs: Now + CommandDispatcher.MaxLifetimeUs + 1));
        Assert.Equal(RefusalReason.None, Send(CommandKind.Arm, untilUs: Now + CommandDispatcher.MaxLifetimeUs));
    }

    [Fact]
    public void A_command_for_another_boot_is_refused()
    {
        Assert.Equal(RefusalReason.OtherBoot, Send(CommandKind.Arm, boot: Boot - 1));
        Assert.False(_rig.Engine.Gate.IsArmed);
    }

    [Fact]
    public void A_redelivered_command_acts_once()
    {
        Assert.Equal(RefusalReason.None, Send(CommandKind.SessionStart, id: 9));
        _rig.Engine.StopSession();

        Assert.Equal(RefusalReason.Duplicate, Send(CommandKind.SessionStart, id: 9));
        Assert.False(_rig.Engine.Gate.InSession);
    }

    [Fact]
    public void Stop_commands_act_whatever_their_age_origin_or_form()
    {
        _rig.Engine.Arm();
        Assert.Equal(RefusalReason.None, SendRaw("""{"v":1,"cmd":"disarm"}""", retained: true));
        Assert.False(_rig.Engine.Gate.IsArmed);

        Assert.Equal(RefusalReason.None, Send(CommandKind.EStop, boot: 1, untilUs: 0));
        Assert.True(_rig.Engine.Gate.IsEStopLatched);
    }

    [Fact]
    public void A_command_without_id_sender_boot_or_deadline_is_malformed_and_does_nothing()
    {
        Assert.Equal(RefusalReason.Malformed, SendRaw("""{"v":1,"cmd":"arm"}"""));
        Assert.Equal(RefusalReason.Malformed, SendRaw("""{"v":1,"cmd":"arm","id":5,"from":"Alice!","boot":7,"until_us":99999999}"""));
        Assert.False(_rig.Engine.Gate.IsArmed);
        Assert.Equal(2, _dispatcher.Rejected);
        Assert.All(_rig.Events(EventKind.Command), e => Assert.Equal((int)RefusalReason.Malformed, e.Flags));
    }

    [Fact]
    public void A_command_with_a_key_twice_is_refused_whichever_comes_first()
    {
        long until = Now + 5_000_000;
        Assert.Equal(RefusalReason.Malformed, SendRaw($$"""{"v":1,"cmd":"arm","cmd":"estop","id":1,"from":"a","boot":7,"until_us":{{until}}}"""));
        Assert.Equal(RefusalReason.Malformed, SendRaw($$"""{"v":1,"cmd":"estop","cmd":"arm","id":2,"from":"a","boot":7,"until_us":{{until}}}"""));

        Assert.False(_rig.Engine.Gate.IsArmed);
        Assert.False(_rig.Engine.Gate.IsEStopLatched);
        Assert.Equal("duplicate field name", _dispatcher.LastError);
    }

    [Fact]
    public void An_arm_after_an_estop_is_refused_until_the_estop_is_reset_and_the_reset_arms_nothing()
    {
        Send(CommandKind.EStop);

        Assert.Equal(RefusalReason.EStopLatched, Send(CommandKind.Arm));
        Assert.Equal(RefusalReason.EStopLatched, Send(CommandKind.SessionStart));
        Assert.Equal(RefusalReason.None, Send(CommandKind.EStopReset));
        Assert.False(_rig.Engine.Gate.IsArmed);
        Assert.False(_rig.Engine.Gate.InSession);
        Assert.Equal(RefusalReason.None, Send(CommandKind.Arm));
        Assert.True(_rig.Engine.Gate.IsArmed);
    }

    [Fact]
    public void An_estop_reset_is_refused_while_the_estop_button_is_held()
    {
        _rig.Engine.OnEStopInput(true);
        Assert.Equal(RefusalReason.EStopInputActive, Send(CommandKind.EStopReset));
        Assert.True(_rig.Engine.Gate.IsEStopLatched);

        _rig.Engine.OnEStopInput(false);
        Assert.True(_rig.Engine.Gate.IsEStopLatched);
        Assert.Equal(RefusalReason.None, Send(CommandKind.EStopReset));
        Assert.False(_rig.Engine.Gate.IsEStopLatched);
    }

    [Fact]
    public void The_arm_key_does_not_rearm_a_latched_rig()
    {
        _rig.Engine.OnArmInput(true);
        _rig.Engine.EStop();
        _rig.Engine.OnArmInput(false);
        _rig.Engine.OnArmInput(true);

        Assert.False(_rig.Engine.Gate.IsArmed);
        Assert.Equal((int)RefusalReason.EStopLatched, _rig.Events(EventKind.ArmRefused).Single().Flags);
    }

    [Fact]
    public void A_second_session_start_cannot_reset_the_per_session_limits()
    {
        Assert.Equal(RefusalReason.None, Send(CommandKind.SessionStart));
        Assert.Equal(RefusalReason.InSession, Send(CommandKind.SessionStart));
        Assert.Single(_rig.Events(EventKind.SessionStarted));
    }

    [Fact]
    public void A_self_test_is_refused_while_armed_and_reaches_the_link_when_disarmed()
    {
        _rig.Engine.Arm();
        Assert.Equal(RefusalReason.Armed, Send(CommandKind.SelfTest));
        Assert.Equal(0, _effects.SelfTests);

        _rig.Engine.Disarm();
        Assert.Equal(RefusalReason.None, Send(CommandKind.SelfTest));
        Assert.Equal(1, _effects.SelfTests);
    }

    [Fact]
    public void A_yoke_to_a_rig_that_is_not_yoked_is_answered_as_such()
    {
        Assert.Equal(RefusalReason.NotYoked, Send(CommandKind.Yoke, argument: 1_000_000));
    }

    [Fact]
    public void Replay_requests_name_the_boot_and_are_passed_to_the_link()
    {
        Assert.Equal(RefusalReason.None, Send(CommandKind.Replay, argument: 3));
        Assert.Equal(RefusalReason.OtherBoot, Send(CommandKind.Replay, argument: 4, boot: 3));
        Assert.Equal([3L], _effects.Replays);
    }

    [Fact]
    public void Replays_are_served_at_most_once_a_second()
    {
        Assert.Equal(RefusalReason.None, Send(CommandKind.Replay, argument: 1));
        _rig.RunFor(CommandDispatcher.MinReplayIntervalUs - 10_000);
        Assert.Equal(RefusalReason.RateLimited, Send(CommandKind.Replay, argument: 1));
        _rig.RunFor(20_000);
        Assert.Equal(RefusalReason.None, Send(CommandKind.Replay, argument: 1));
        Assert.Equal([1L, 1L], _effects.Replays);
    }

    [Fact]
    public void Frame_replays_go_to_the_link_rate_limited_apart_from_event_replays()
    {
        Assert.Equal(RefusalReason.None, Send(CommandKind.Replay, argument: 1));
        Assert.Equal(RefusalReason.None, Send(CommandKind.ReplayFrames, argument: 40));
        Assert.Equal(RefusalReason.RateLimited, Send(CommandKind.ReplayFrames, argument: 41));
        _rig.RunFor(CommandDispatcher.MinReplayIntervalUs + 10_000);
        Assert.Equal(RefusalReason.None, Send(CommandKind.ReplayFrames, argument: 41));
        Assert.Equal([40L, 41L], _effects.FrameReplays);
    }

    [Fact]
    public void The_answer_reads_back_from_json_with_its_sender()
    {
        Send(CommandKind.Arm, id: 77, from: "console.lb2");
        var json = new EventJson();
        var buffer = new byte[EventJson.MaxEventBytes];
        int length = json.Write("rig", Boot, LastAnswer(), buffer, 0);
        string text = Encoding.UTF8.GetString(buffer, 0, length);
        Assert.Contains("\"kind\":\"command\",\"cmd\":\"arm\",\"result\":\"accepted\",\"id\":77,\"from\":\"console.lb2\"", text, StringComparison.Ordinal);

        var back = new JournalEvent();
        Assert.Null(json.TryRead(buffer, 0, length, back, new EventIdentity()));
        Assert.Equal("console.lb2", SenderName.Unpack(back.Ref2));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("logger")]
    [InlineData("alice@lab-2")]
    [InlineData("@@@@@@@@@@@")]
    [InlineData("zzzzzzzzzzz")]
    public void Sender_names_pack_into_one_slot_and_back(string name)
    {
        long bits = SenderName.Pack(name);
        Assert.True(bits > 0);
        Assert.Equal(name, SenderName.Unpack(bits));
    }

    [Theory]
    [InlineData("")]
    [InlineData("twelve-chars")]
    [InlineData("Alice")]
    [InlineData("a b")]
    public void Sender_names_outside_the_rule_do_not_pack(string name) => Assert.Equal(-1, SenderName.Pack(name));

    [Fact]
    public void Another_rig_online_under_this_id_is_a_fault_once_and_configs_are_refused_after_it()
    {
        _rig.Engine.Arm();
        byte[] Status(long boot, bool online) => Encoding.UTF8.GetBytes($$"""{"v":1,"rig":"rig-01","online":{{(online ? "true" : "false")}},"boot":{{boot}},"t_us":5}""");

        _rig.Engine.OnOwnStatus(Status(Boot, true), Status(Boot, true).Length, retained: false);
        _rig.Engine.OnOwnStatus(Status(3, true), Status(3, true).Length, retained: true);
        _rig.Engine.OnOwnStatus(Status(3, false), Status(3, false).Length, retained: false);
        Assert.Empty(_rig.Events(EventKind.Fault));
        Assert.True(_rig.Engine.Gate.IsArmed);

        _rig.Engine.OnOwnStatus(Status(3, true), Status(3, true).Length, retained: false);
        _rig.Engine.OnOwnStatus(Status(3, true), Status(3, true).Length, retained: false);

        var fault = Assert.Single(_rig.Events(EventKind.Fault));
        Assert.Equal(((int)FaultCode.DuplicateRigId, 3L), (fault.Code, fault.Ref1));
        Assert.False(_rig.Engine.Gate.IsArmed);
        byte[] config = TestConfig.BytesForRig("[detector]\npost_ms = 1500\n");
        var result = _rig.Engine.ApplyConfig(config, config.Length);
        Assert.Equal("rig.id", Assert.Single(result.Errors).Field);
    }

    [Fact]
    public void A_config_already_in_force_is_acknowledged_without_restarting_anything()
    {
        byte[] config = TestConfig.BytesForRig("[detector]\npost_ms = 1500\n");
        Assert.True(_rig.Engine.ApplyConfig(config, config.Length).IsValid);
        int starts = _rig.Excitation.Starts;

        Assert.True(_rig.Engine.ApplyConfig(config, config.Length).IsValid);

        Assert.Equal(starts, _rig.Excitation.Starts);
        Assert.Single(_rig.Events(EventKind.ConfigApplied));
    }

    private sealed class Effects : ICommandEffects
    {
        public List<long> Replays { get; } = [];

        public int SelfTests { get; private set; }

        public List<long> FrameReplays { get; } = [];

        public void Replay(long fromSequence) => Replays.Add(fromSequence);

        public void ReplayFrames(long fromFrame) => FrameReplays.Add(fromFrame);

        public void SelfTest() => SelfTests++;
    }
}
