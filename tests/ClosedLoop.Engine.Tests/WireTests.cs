using System.Text;
using System.Text.Json;

namespace ClosedLoop.Engine.Tests;

public sealed class WireTests
{
    private static readonly EventKind[] Kinds = Enum.GetValues<EventKind>();

    private static Gen<JournalEvent> Events =>
        from kind in Gen.Int[0, Kinds.Length - 1].Select(i => Kinds[i])
        from sequence in Gen.Long[1, long.MaxValue]
        from time in Gen.Long[0, long.MaxValue / 2]
        from code in Gen.Int[0, 11]
        from flags in Gen.Int[0, 25]
        from ref1 in Gen.Long
        from ref2 in EventJson.LayoutOf(kind)?.Ref2IsSender == true ? Gen.OneOf(Gen.Const(0L), Gen.String[Gen.Char["abcz09._-@"], 1, SenderName.MaxLength].Select(SenderName.Pack)) : Gen.Long
        from value1 in Gen.OneOf(Gen.Double[-1e6, 1e6], Gen.Const(double.NaN), Gen.Double[-1e12, 1e12])
        from value2 in Gen.Double[-100, 100]
        select new JournalEvent
        {
            Kind = kind,
            Sequence = sequence,
            TimeUs = time,
            Code = code,
            Flags = flags,
            Ref1 = ref1,
            Ref2 = ref2,
            Value1 = value1,
            Value2 = value2,
        };

    /// <summary>What survives the trip: only the slots the kind's layout names.</summary>
    private static bool SameOnTheWire(JournalEvent a, JournalEvent b)
    {
        var layout = EventJson.LayoutOf(a.Kind);
        static bool Close(double x, double y) => (double.IsNaN(x) && double.IsNaN(y)) || Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Abs(x));
        int flagMask = layout.FlagBitNames is null ? (layout.FlagsName is null ? 0 : -1) : (1 << layout.FlagBitNames.Length) - 1;
        return a.Kind == b.Kind
            && a.Sequence == b.Sequence
            && a.TimeUs == b.TimeUs
            && (layout.CodeName is null ? b.Code == 0 : a.Code == b.Code)
            && (a.Flags & flagMask) == b.Flags
            && (layout.Ref1Name is null ? b.Ref1 == 0 : a.Ref1 == b.Ref1)
            && (layout.Ref2Name is null ? b.Ref2 == 0 : a.Ref2 == b.Ref2)
            && (layout.Value1Name is null || Close(a.Value1, b.Value1))
            && (layout.Value2Name is null || Close(a.Value2, b.Value2));
    }

    [Fact]
    public void Every_event_kind_round_trips_through_json() =>
        Events.Sample(e =>
        {
            var codec = new EventJson();
            var buffer = new byte[EventJson.MaxEventBytes];
            int end = codec.Write("rig-07", 99, e, buffer, 0);
            var back = new JournalEvent();
            var identity = new EventIdentity();
            string? problem = codec.TryRead(buffer, 0, end, back, identity);
            return problem is null && identity.RigId == "rig-07" && identity.BootId == 99 && SameOnTheWire(e, back);
        });

    [Fact]
    public void Events_are_valid_json_that_any_tool_reads()
    {
        var codec = new EventJson();
        var buffer = new byte[EventJson.MaxEventBytes];
        var e = new JournalEvent { Kind = EventKind.Decision, Sequence = 42, TimeUs = 183_500_000, Code = 1, Ref1 = 180_400_000, Ref2 = 3_100_000, Value1 = -0.21, Value2 = 0.05 };

        int end = codec.Write("rig-01", 7, e, buffer, 0);
        string json = Encoding.UTF8.GetString(buffer, 0, end);

        Assert.Equal("""{"v":1,"rig":"rig-01","boot":7,"seq":42,"t_us":183500000,"kind":"decision","outcome":"deficit","early":false,"onset_us":180400000,"latency_us":3100000,"dz":-0.21,"pre_z":0.05}""", json);
        using var document = JsonDocument.Parse(json);
        Assert.Equal(-0.21, document.RootElement.GetProperty("dz").GetDouble());
    }

    [Fact]
    public void An_early_decision_and_its_score_spell_out_both_verdicts()
    {
        var codec = new EventJson();
        var buffer = new byte[EventJson.MaxEventBytes];
        var early = new JournalEvent { Kind = EventKind.Decision, Sequence = 5, TimeUs = 10_500_000, Code = 1, Flags = (int)DecisionFlags.Early, Ref1 = 10_000_000, Ref2 = 500_000, Value1 = 0.25, Value2 = -0.1 };
        var scored = new JournalEvent { Kind = EventKind.DecisionScored, Sequence = 6, TimeUs = 13_000_000, Code = 0, Flags = 1, Ref1 = 10_000_000, Ref2 = 500_000, Value1 = 1.5, Value2 = 1 };

        string a = Encoding.UTF8.GetString(buffer, 0, codec.Write("r", 1, early, buffer, 0));
        string b = Encoding.UTF8.GetString(buffer, 0, codec.Write("r", 1, scored, buffer, 0));

        Assert.Contains("\"kind\":\"decision\",\"outcome\":\"deficit\",\"early\":true,\"onset_us\":10000000,\"latency_us\":500000", a, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"decision_scored\",\"outcome\":\"response\",\"early_outcome\":\"deficit\",\"onset_us\":10000000,\"early_latency_us\":500000,\"dz\":1.5,\"early_boundary\":1", b, StringComparison.Ordinal);
    }

    [Fact]
    public void A_decision_logged_before_the_early_rule_reads_as_a_window_decision()
    {
        byte[] old = Encoding.UTF8.GetBytes("""{"v":1,"rig":"rig-01","boot":7,"seq":42,"t_us":183500000,"kind":"decision","outcome":"deficit","onset_us":180400000,"latency_us":3100000,"dz":-0.21,"pre_z":0.05}""");
        var back = new JournalEvent();

        Assert.Null(new EventJson().TryRead(old, 0, old.Length, back, new EventIdentity()));
        Assert.Equal((EventKind.Decision, 1, 0, -0.21), (back.Kind, back.Code, back.Flags, back.Value1));
    }

    [Fact]
    public void Output_events_spell_out_their_flags_and_reasons()
    {
        var codec = new EventJson();
        var buffer = new byte[EventJson.MaxEventBytes];
        var refused = new JournalEvent { Kind = EventKind.OutputRefused, Sequence = 1, Code = 1, Flags = 9, Value1 = 2, Value2 = 2 };
        var started = new JournalEvent { Kind = EventKind.OutputStarted, Sequence = 2, Code = 0, Flags = OutputFlags.Sham };

        string a = Encoding.UTF8.GetString(buffer, 0, codec.Write("r", 1, refused, buffer, 0));
        string b = Encoding.UTF8.GetString(buffer, 0, codec.Write("r", 1, started, buffer, 0));

        Assert.Contains("\"channel\":\"dose\",\"reason\":\"max_trains_per_hour\",\"value\":2,\"limit\":2", a, StringComparison.Ordinal);
        Assert.Contains("\"sham\":true,\"yoked\":false,\"scheduled\":false,\"aborted\":false", b, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_event_fits_the_maximum_size() =>
        Events.Sample(e =>
        {
            var buffer = new byte[4096];
            return new EventJson().Write(new string('r', 32), long.MinValue, e, buffer, 0) <= EventJson.MaxEventBytes;
        });

    [Theory]
    [InlineData("""{"v":2,"rig":"r","boot":1,"seq":1,"t_us":0,"kind":"boot","config":"0000000000000000"}""", "unknown schema version 2; this reader knows version 1")]
    [InlineData("""{"rig":"r"}""", "missing schema version field 'v'")]
    [InlineData("""{"v":1,"rig":"r","boot":1,"seq":1,"t_us":0,"kind":"teleport"}""", "unknown event kind 'teleport'")]
    [InlineData("""{"v":1,"rig":"r","boot":1,"t_us":0,"kind":"boot"}""", "missing whole-number field 'seq'")]
    [InlineData("""{"v":1,"rig":"r","boot":1,"seq":1,"t_us":0,"kind":"decision","outcome":"maybe","onset_us":0,"latency_us":0,"dz":0,"pre_z":0}""", "unknown outcome 'maybe'")]
    [InlineData("""{"v":1,"rig":"r","boot":1,"seq":0,"t_us":0,"kind":"boot","config":"0000000000000000"}""", "'seq' is below 1: a rig numbers its events from 1")]
    [InlineData("""{"v":1,"rig":"r","boot":1,"seq":-5,"t_us":0,"kind":"boot","config":"0000000000000000"}""", "'seq' is below 1: a rig numbers its events from 1")]
    [InlineData("""{"v":1,"rig":"r","boot":-1,"seq":1,"t_us":0,"kind":"boot","config":"0000000000000000"}""", "'boot' is negative: boots are numbered from 0")]
    [InlineData("""[1,2]""", "not a flat JSON object: expected '{' at byte 0")]
    [InlineData("""{"v":1,"rig":{"nested":true}}""", "not a flat JSON object: expected a string, number, true, false or null at byte 13")]
    [InlineData("""{"v":01}""", "not a flat JSON object: expected a string, number, true, false or null at byte 5")]
    [InlineData("""{"v":1} trailing""", "not a flat JSON object: unexpected text after the object at byte 8")]
    public void Malformed_or_unknown_events_are_refused_with_a_reason(string json, string expected)
    {
        var bytes = Encoding.UTF8.GetBytes(json);

        string? problem = new EventJson().TryRead(bytes, 0, bytes.Length, new JournalEvent(), new EventIdentity());

        Assert.Equal(expected, problem);
    }

    [Fact]
    public void Arbitrary_bytes_never_throw_from_the_event_reader() =>
        Gen.Byte.Array[0, 200].Sample(bytes =>
        {
            new EventJson().TryRead(bytes, 0, bytes.Length, new JournalEvent(), new EventIdentity());
            return true;
        });

    [Fact]
    public void Single_bits_match_the_framework_conversion() =>
        Gen.OneOf(Gen.Double, Gen.Double[-1e6, 1e6], Gen.Double[-1e-40, 1e-40]).Sample(x =>
        {
            int mine = SingleBits.FromDouble(x);
            float expected = (float)x;
            bool subnormal = Math.Abs(expected) < 1.17549435e-38f && expected != 0;
            int expectedBits = subnormal ? BitConverter.SingleToInt32Bits(expected) & unchecked((int)0x80000000) : BitConverter.SingleToInt32Bits(expected);
            bool same = float.IsNaN(expected) ? float.IsNaN(BitConverter.Int32BitsToSingle(mine)) : mine == expectedBits;
            double back = SingleBits.ToDouble(mine);
            bool backSame = float.IsNaN(expected) ? double.IsNaN(back) : back == (double)BitConverter.Int32BitsToSingle(mine);
            return same && backSame;
        });

    [Fact]
    public void Sample_frames_round_trip()
    {
        var writer = new SampleFrameWriter(13, bootId: 5, periodUs: 7692);
        var sample = new ProcessedSample();
        for (int i = 0; i < 13; i++)
        {
            sample.CycleIndex = 1000 + i;
            sample.TimeUs = 50_000 + i * 7692L;
            sample.RawSignal = 2000.5 + i;
            sample.RawControl = 1000.25;
            sample.Signal = -1;
            sample.Dff = 0.01 * i;
            sample.Z = i - 6;
            sample.IsValid = i != 3;
            sample.IsReady = true;
            sample.ProcessedAfterUs = i == 7 ? 100_000 : i * 37;
            Assert.True(writer.TryAdd(sample));
        }

        Assert.False(writer.TryAdd(sample));
        var read = Enumerable.Range(0, 13).Select(_ => new ProcessedSample()).ToArray();

        string? problem = SampleFrameReader.TryRead(writer.Buffer, writer.Length, out long boot, read, out int count);

        Assert.Null(problem);
        Assert.Equal((5L, 13), (boot, count));
        Assert.Equal(50_000 + 12 * 7692L, read[12].TimeUs);
        Assert.Equal(1012, read[12].CycleIndex);
        Assert.Equal(6, read[12].Z);
        Assert.Equal((2012.5, 1000.25), (read[12].RawSignal, read[12].RawControl));
        Assert.Equal((float)0.05, (float)read[5].Dff);
        Assert.False(read[3].IsValid);
        Assert.Equal(12 * 37, read[12].ProcessedAfterUs);
        Assert.Equal(65_535, read[7].ProcessedAfterUs); // 100 ms late is stated as "65.5 ms or later"
        Assert.Equal(44 + 13 * 21, writer.Length);
        Assert.Equal(1, SampleFrameReader.SequenceOf(writer.Buffer, writer.Length));
    }

    [Fact]
    public void Frames_are_numbered_one_after_another_and_version_1_and_2_frames_are_still_read()
    {
        var writer = new SampleFrameWriter(2, 5, 7692);
        var numbers = new List<long>();
        for (int cycle = 0; cycle < 6; cycle++)
        {
            var sample = new ProcessedSample { CycleIndex = cycle, TimeUs = cycle * 7692L, Z = cycle, ProcessedAfterUs = 640 };
            if (!writer.TryAdd(sample))
            {
                numbers.Add(SampleFrameReader.SequenceOf(writer.Buffer, writer.Length));
                writer.Clear();
                writer.TryAdd(sample);
            }
        }

        Assert.Equal([1L, 2L], numbers);
        Assert.Equal(3, writer.Sequence);

        // The same frame as version 2 wrote it (19-byte samples, no processing time) and as version 1 did (also 36
        // header bytes, no number).
        byte[] samples19 = [.. writer.Buffer[44..(44 + 19)], .. writer.Buffer[(44 + 21)..(44 + 21 + 19)]];
        byte[] v2 = [.. writer.Buffer[..44], .. samples19];
        v2[3] = 2;
        byte[] v1 = [.. writer.Buffer[..36], .. samples19];
        v1[3] = 1;
        var read = new[] { new ProcessedSample(), new ProcessedSample() };
        Assert.Null(SampleFrameReader.TryRead(v2, v2.Length, out long boot, read, out int count));
        Assert.Equal((5L, 2, 5L, 5.0, 0L), (boot, count, read[1].CycleIndex, read[1].Z, read[1].ProcessedAfterUs));
        Assert.Equal(3, SampleFrameReader.SequenceOf(v2, v2.Length));
        Assert.Null(SampleFrameReader.TryRead(v1, v1.Length, out boot, read, out count));
        Assert.Equal((5L, 2, 5L, 5.0), (boot, count, read[1].CycleIndex, read[1].Z));
        Assert.Equal(0, SampleFrameReader.SequenceOf(v1, v1.Length));
        Assert.Null(SampleFrameReader.TryRead(writer.Buffer, writer.Length, out _, read, out _));
        Assert.Equal(640, read[1].ProcessedAfterUs);
    }

    [Fact]
    public void A_new_cycle_period_starts_a_new_frame_that_carries_it_so_every_sample_keeps_its_time()
    {
        // 130 Hz, then a config at cycle 5 switches to 100 Hz: cycle numbers go on, times follow the new period.
        var writer = new SampleFrameWriter(13, 5, 7692);
        var frames = new List<byte[]>();
        var times = new List<long>();
        long t = 1_000_000;
        for (int cycle = 0; cycle < 12; cycle++)
        {
            var sample = new ProcessedSample { CycleIndex = cycle, TimeUs = t };
            times.Add(t);
            t += cycle < 5 ? 7692 : 10_000;
            if (!writer.TryAdd(sample))
            {
                frames.Add(writer.Buffer[..writer.Length]);
                writer.Clear();
                writer.TryAdd(sample);
            }
        }

        frames.Add(writer.Buffer[..writer.Length]);
        var read = new List<long>();
        var samples = Enumerable.Range(0, 13).Select(_ => new ProcessedSample()).ToArray();
        foreach (var frame in frames)
        {
            Assert.Null(SampleFrameReader.TryRead(frame, frame.Length, out _, samples, out int count));
            read.AddRange(samples.Take(count).Select(s => s.TimeUs));
        }

        Assert.Equal(times, read);
        Assert.Equal(2, frames.Count);
    }

    [Fact]
    public void Damaged_sample_frames_are_refused()
    {
        var writer = new SampleFrameWriter(4, 1, 7692);
        writer.TryAdd(new ProcessedSample { CycleIndex = 1 });
        var read = new[] { new ProcessedSample() };
        byte[] bytes = writer.Buffer[..writer.Length];

        Assert.Equal("frame says 1 samples but has 64 bytes", SampleFrameReader.TryRead(bytes, bytes.Length - 1, out _, read, out _));
        bytes[0] = (byte)'X';
        Assert.Equal("not a sample frame (magic is not CLS)", SampleFrameReader.TryRead(bytes, bytes.Length, out _, read, out _));
    }
}
