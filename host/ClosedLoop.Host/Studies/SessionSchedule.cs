using ClosedLoop.Engine.Core;

namespace ClosedLoop.Host.Studies;

/// <summary>One animal's run in one session: which session, in which slot (slots run one after another), on which rig.</summary>
public sealed record ScheduledRun(string Session, SessionKind Kind, int Minutes, int Slot, string Rig, string AnimalId);

/// <summary>
/// The order animals run in. Each session's animals are packed into slots, as many per slot as the study has rigs,
/// in a fresh random order per session so that time of day and rig are not confounded with condition. In a
/// stimulation session an animal yoked live runs in the same slot as its partner (on another rig, receiving its
/// trains as they happen); one yoked to a recording runs in a later slot than its partner, whose session it replays.
/// </summary>
public static class SessionSchedule
{
    public static IReadOnlyList<ScheduledRun> Build(Study study, IReadOnlyList<AnimalAssignment> assignments, SeededRandom random)
    {
        var runs = new List<ScheduledRun>();
        foreach (var session in study.Sessions)
        {
            foreach (string name in session.Occurrences)
            {
                runs.AddRange(Pack(study, session, name, assignments, random));
            }
        }

        return runs;
    }

    private static List<ScheduledRun> Pack(Study study, StudySession session, string name, IReadOnlyList<AnimalAssignment> assignments, SeededRandom random)
    {
        bool stimulation = session.Kind == SessionKind.Stimulation;
        YokeSource? YokeOf(AnimalAssignment a) =>
            stimulation && study.Condition(a.Condition).Kind == ConditionKind.Yoked ? study.Condition(a.Condition).Yoke : null;

        // Units run together: a partner with its live-yoked followers, or one animal.
        var units = new List<List<AnimalAssignment>>();
        foreach (var assignment in assignments.Where(a => YokeOf(a) != YokeSource.Live))
        {
            units.Add([assignment, .. assignments.Where(a => YokeOf(a) == YokeSource.Live && a.Partner == assignment.AnimalId)]);
        }

        int rigs = study.Rigs.Count;
        if (units.FirstOrDefault(u => u.Count > rigs) is { } tooWide)
        {
            throw new StudyFileException(study.SourcePath, [new StudyError(0, "rigs", rigs.ToString(CultureInfo.InvariantCulture),
                $"at least {tooWide.Count} rigs: animal {tooWide[0].AnimalId} and the {tooWide.Count - 1} animal(s) yoked live to it run at the same time")]);
        }

        var queue = new Queue<List<AnimalAssignment>>(random.Shuffled(units));
        var slots = new List<List<AnimalAssignment>>();
        var slotOf = new Dictionary<string, int>();
        int deferred = 0;
        while (queue.Count > 0)
        {
            var unit = queue.Dequeue();
            int earliest = 0;
            if (YokeOf(unit[0]) == YokeSource.Recorded)
            {
                // It replays its partner's session, so it runs after it.
                if (!slotOf.TryGetValue(unit[0].Partner!, out int partnerSlot))
                {
                    queue.Enqueue(unit);
                    if (++deferred > queue.Count * 2 + 2)
                    {
                        throw new InvalidOperationException("a recorded-yoked animal's partner is never scheduled");
                    }

                    continue;
                }

                earliest = partnerSlot + 1;
            }

            int slot = earliest;
            while (slot < slots.Count && slots[slot].Count + unit.Count > rigs)
            {
                slot++;
            }

            if (slot == slots.Count)
            {
                slots.Add([]);
            }

            slots[slot].AddRange(unit);
            foreach (var member in unit)
            {
                slotOf[member.AnimalId] = slot;
            }
        }

        return [.. slots.SelectMany((members, slot) => members.Select((m, i) =>
            new ScheduledRun(name, session.Kind, session.Minutes, slot + 1, study.Rigs[i], m.AnimalId)))];
    }
}
