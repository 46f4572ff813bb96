using ClosedLoop.Engine.Journal;
using ClosedLoop.Host.Studies;

namespace ClosedLoop.Host.Tests.Studies;

/// <summary>The classic yoked design on virtual rigs: a rig yoked to a recording replays its partner's logged session.</summary>
public sealed class RecordedYokeTests : IDisposable
{
    private readonly StudyFixture _study = new();

    public void Dispose() => _study.Dispose();

    [Fact]
    public async Task A_rig_yoked_to_a_recording_starts_its_trains_at_its_partners_offsets()
    {
        var animals = Enumerable.Range(1, 4).Select(i => ($"m{i:00}", "isolation-reared", "saline"));
        string file = _study.Write(StudyFixture.Text(animals, yoke: "recorded").Replace("minutes = 20", "minutes = 4", StringComparison.Ordinal).Replace("repeat = 2", "repeat = 1", StringComparison.Ordinal));
        Assert.Equal(0, (await CommandLine.Invoke("study", "plan", file)).Code);
        var folder = new StudyFolder(file);
        var key = folder.ReadKey(folder.ReadPlan());
        var yoked = key.Assignments.Single(a => a.Partner is not null);
        string log = Path.Combine(_study.Folder, "log");

        var slots = await new VirtualStudyRun(StudyFileReader.Read(file), key, null, log, 30, TextWriter.Null).RunAsync("stim", CancellationToken.None);

        var partnerSlot = slots.Single(s => s.Runs.Any(r => r.AnimalId == yoked.Partner));
        var yokedSlot = slots.Single(s => s.Runs.Any(r => r.AnimalId == yoked.Animal));
        Assert.True(yokedSlot.Slot > partnerSlot.Slot);
        string partnerRig = partnerSlot.Runs.Single(r => r.AnimalId == yoked.Partner).Rig;
        string yokedRig = yokedSlot.Runs.Single(r => r.AnimalId == yoked.Animal).Rig;

        using var store = EventStore.OpenReadOnly(Path.Combine(log, "closedloop.sqlite"));
        static (List<long> Offsets, long Length) Trains(EventStore store, string rig, long boot, int flag)
        {
            var events = LoggedEvents.Read(store, rig, boot).All;
            long start = events.Single(e => e.Kind == EventKind.SessionStarted).TimeUs;
            long length = events.Single(e => e.Kind == EventKind.SessionStopped).TimeUs - start;
            return ([.. events.Where(e => e.Kind == EventKind.OutputStarted && (e.Flags & (OutputFlags.Sham | OutputFlags.Yoked)) == flag).Select(e => e.TimeUs - start).Order()], length);
        }

        var (yokedOffsets, yokedLength) = Trains(store, yokedRig, yokedSlot.Boots[yokedRig], OutputFlags.Yoked);
        var (partnerAll, _) = Trains(store, partnerRig, partnerSlot.Boots[partnerRig], 0);

        // Every partner train that falls within the yoked session (sessions end a step or two apart) started there.
        var partnerOffsets = partnerAll.Where(o => o < yokedLength).ToList();
        Assert.True(partnerOffsets.Count >= 2, $"the closed-loop partner drove {partnerOffsets.Count} trains");
        Assert.Equal(partnerOffsets.Count, yokedOffsets.Count);
        Assert.All(partnerOffsets.Zip(yokedOffsets), p => Assert.InRange(p.Second - p.First, 0, 2 * 20_000));
        var origins = store.YokeOrigins(yokedRig, yokedSlot.Boots[yokedRig]);
        Assert.Equal(partnerAll, origins.Select(o => o.OffsetUs));
        Assert.All(origins, o => Assert.Equal((partnerRig, partnerSlot.Boots[partnerRig]), (o.PartnerRig, o.PartnerBoot)));
    }
}
