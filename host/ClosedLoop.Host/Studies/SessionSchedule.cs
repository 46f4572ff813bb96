using ClosedLoop.Engine.Core;

namespace ClosedLoop.Host.Studies;

/// <summary>One animal's run in one session: which session, in which slot (slots run one after another), on which rig.</summary>
public sealed record ScheduledRun(string Session, SessionKind Kind, int Minutes, int Slot, string Rig, string AnimalId);

/// <summary>
/// The order animals run in. Each session's animals are packed into slots, as many per slot as the study has rigs,
/// in a fresh random order per session so that time of day is not confounded with condition. Within a slot each
/// animal gets the rig on which its condition has run least so far in the study (ties at random), so that every
/// condition runs on every rig as evenly as the slots allow: a difference between rigs (LED power, fibre,
/// photoreceiver gain) must not become a difference between conditions. In a stimulation session an animal yoked
/// live runs in the same slot as its partner (on another rig, receiving its trains as they happen); one yoked to a
/// recording runs in a later slot than its partner, whose session it replays.
/// </summary>
public static class SessionSchedule
{
    public static IReadOnlyList<ScheduledRun> Build(Study study, IReadOnlyList<AnimalAssignment> assignments, SeededRandom random)
    {
        var runs = new List<ScheduledRun>();
        var onRig = new Dictionary<(string Condition, string Rig), int>();
        foreach (var session in study.Sessions)
        {
            foreach (string name in session.Occurrences)
            {
                runs.AddRange(Pack(study, session, name, assignments, random, onRig));
            }
        }

        return runs;
    }

    private static List<ScheduledRun> Pack(Study study, StudySession session, string name, IReadOnlyList<AnimalAssignment> assignments, SeededRandom random,
        Dictionary<(string Condition, string Rig), int> onRig)
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

        var runs = new List<ScheduledRun>();
        for (int slot = 0; slot < slots.Count; slot++)
        {
            var members = random.Shuffled(slots[slot]);
            var rigsOf = RigsFor(members, random.Shuffled(study.Rigs), onRig);
            for (int i = 0; i < members.Count; i++)
            {
                onRig[(members[i].Condition, rigsOf[i])] = onRig.GetValueOrDefault((members[i].Condition, rigsOf[i])) + 1;
                runs.Add(new ScheduledRun(name, session.Kind, session.Minutes, slot + 1, rigsOf[i], members[i].AnimalId));
            }
        }

        // In slot order, each slot's runs in the order of the study's rigs, as the schedule is read.
        return [.. runs.OrderBy(r => r.Slot).ThenBy(r => study.Rigs.ToList().IndexOf(r.Rig))];
    }

    /// <summary>
    /// A rig for each member of a slot, each a different one: of all ways to seat them, the one that adds least to the
    /// sum over conditions and rigs of the squared run counts (a run costs 2n + 1 on a rig where its condition has run n
    /// times), which evens each condition's runs out across the rigs. Every way is tried up to eight rigs (40,320); past
    /// that each member in turn takes its cheapest free rig. Ties go to the first way found in the shuffled order.
    /// </summary>
    private static List<string> RigsFor(List<AnimalAssignment> members, List<string> rigs, Dictionary<(string Condition, string Rig), int> onRig)
    {
        int Cost(AnimalAssignment member, string rig) => (2 * onRig.GetValueOrDefault((member.Condition, rig))) + 1;
        if (rigs.Count > 8)
        {
            var free = rigs.ToList();
            return [.. members.Select(m =>
            {
                string rig = free.MinBy(r => Cost(m, r))!;
                free.Remove(rig);
                return rig;
            })];
        }

        var best = new List<string>();
        int bestCost = int.MaxValue;
        var seated = new List<string>();
        void Seat(int next, int cost)
        {
            if (cost >= bestCost)
            {
                return;
            }

            if (next == members.Count)
            {
                bestCost = cost;
                best = [.. seated];
                return;
            }

            foreach (string rig in rigs)
            {
                if (!seated.Contains(rig))
                {
                    seated.Add(rig);
                    Seat(next + 1, cost + Cost(members[next], rig));
                    seated.RemoveAt(seated.Count - 1);
                }
            }
        }

        Seat(0, 0);
        return best;
    }
}
