using ClosedLoop.Engine.Core;

namespace ClosedLoop.Host.Studies;

/// <summary>One animal's run in one session: which session, in which slot (slots run one after another), on which rig.</summary>
public sealed record ScheduledRun(string Session, SessionKind Kind, int Minutes, int Slot, string Rig, string AnimalId)
{
    /// <summary>A social recognition session (<see cref="StudySession.Recognition"/>).</summary>
    public bool Recognition { get; init; }
}

/// <summary>
/// The order animals run in. Each session's animals are packed into slots, as many per slot as the study has rigs,
/// from a fresh random order per session; then the session's slots are put in the order that spreads each condition
/// most evenly over the positions of the day (the first slot, the second, ...) across the study's sessions, so that
/// time of day (circadian state, the experimenter's fatigue, the room warming up) is not confounded with condition.
/// Within a slot each
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
        var atPosition = new Dictionary<(string Condition, int Slot), int>();
        foreach (var session in study.Sessions)
        {
            foreach (string name in session.Occurrences)
            {
                runs.AddRange(Pack(study, session, name, assignments, random, onRig, atPosition));
            }
        }

        return runs;
    }

    private static List<ScheduledRun> Pack(Study study, StudySession session, string name, IReadOnlyList<AnimalAssignment> assignments, SeededRandom random,
        Dictionary<(string Condition, string Rig), int> onRig, Dictionary<(string Condition, int Slot), int> atPosition)
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

        // Units and, below, each slot's animals are shuffled from an order by animal id, not by role: which animal of a
        // pair is the partner and which is yoked must change nothing shown, or the plan itself would tell a blinded
        // experimenter which code is which (a study whose codes' conditions are swapped plans the same; PermutedBlindingTests).
        var queue = new Queue<List<AnimalAssignment>>(random.Shuffled(units.OrderBy(FirstId, StringComparer.Ordinal)));
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

        // Which slot must come before which: a recorded-yoked animal's partner's before its own.
        var before = new List<(int First, int Then)>();
        foreach (var unit in slots.SelectMany(s => s).Where(a => YokeOf(a) == YokeSource.Recorded))
        {
            before.Add((slotOf[unit.Partner!], slotOf[unit.AnimalId]));
        }

        slots = OrderByTimeOfDay(slots, before, atPosition);
        foreach (var (slot, position) in slots.Select((s, i) => (s, i)))
        {
            foreach (var member in slot)
            {
                atPosition[(member.Condition, position)] = atPosition.GetValueOrDefault((member.Condition, position)) + 1;
            }
        }

        var runs = new List<ScheduledRun>();
        for (int slot = 0; slot < slots.Count; slot++)
        {
            var members = random.Shuffled(slots[slot].OrderBy(a => a.AnimalId, StringComparer.Ordinal));
            var rigsOf = RigsFor(members, random.Shuffled(study.Rigs), onRig);
            for (int i = 0; i < members.Count; i++)
            {
                onRig[(members[i].Condition, rigsOf[i])] = onRig.GetValueOrDefault((members[i].Condition, rigsOf[i])) + 1;
                runs.Add(new ScheduledRun(name, session.Kind, session.Minutes, slot + 1, rigsOf[i], members[i].AnimalId) { Recognition = session.Recognition });
            }
        }

        // In slot order, each slot's runs in the order of the study's rigs, as the schedule is read.
        return [.. runs.OrderBy(r => r.Slot).ThenBy(r => study.Rigs.ToList().IndexOf(r.Rig))];
    }

    private static string FirstId(List<AnimalAssignment> unit) => unit.Select(a => a.AnimalId).Min(StringComparer.Ordinal)!;

    /// <summary>
    /// The session's slots in the order that adds least to the sum over conditions and positions of the day of the
    /// squared run counts (a run costs 2n + 1 at a position where its condition has run n times), keeping every
    /// partner's slot before its recorded-yoked follower's. Every order is tried up to eight slots; past that each
    /// position in turn takes the cheapest slot that may go there. Ties keep the packed (random) order.
    /// </summary>
    private static List<List<AnimalAssignment>> OrderByTimeOfDay(List<List<AnimalAssignment>> slots, List<(int First, int Then)> before,
        Dictionary<(string Condition, int Slot), int> atPosition)
    {
        int Cost(int slot, int position) => slots[slot].Sum(a => (2 * atPosition.GetValueOrDefault((a.Condition, position))) + 1);
        bool MayGo(int slot, IReadOnlyCollection<int> placed) => before.All(b => b.Then != slot || placed.Contains(b.First));
        var order = new List<int>();
        if (slots.Count > 8)
        {
            var left = Enumerable.Range(0, slots.Count).ToList();
            for (int position = 0; position < slots.Count; position++)
            {
                int chosen = left.Where(s => MayGo(s, order)).MinBy(s => Cost(s, position));
                order.Add(chosen);
                left.Remove(chosen);
            }

            return [.. order.Select(i => slots[i])];
        }

        var best = Enumerable.Range(0, slots.Count).ToList();
        int bestCost = int.MaxValue;
        void Place(int cost)
        {
            if (cost >= bestCost)
            {
                return;
            }

            if (order.Count == slots.Count)
            {
                bestCost = cost;
                best = [.. order];
                return;
            }

            for (int slot = 0; slot < slots.Count; slot++)
            {
                if (!order.Contains(slot) && MayGo(slot, order))
                {
                    int position = order.Count;
                    order.Add(slot);
                    Place(cost + Cost(slot, position));
                    order.RemoveAt(order.Count - 1);
                }
            }
        }

        Place(0);
        return [.. best.Select(i => slots[i])];
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
