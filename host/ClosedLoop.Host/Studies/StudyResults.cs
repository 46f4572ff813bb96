using ClosedLoop.Engine.Detection;
using ClosedLoop.Host.Logging;

namespace ClosedLoop.Host.Studies;

/// <summary>What one animal did in one logged session of the plan, with its condition as the experimenter may see it.</summary>
public sealed record AnimalSession(
    string AnimalId,
    string Group,
    string Treatment,
    string Condition,
    string Session,
    string Rig,
    long Boot,
    IReadOnlyList<double> DeltaZ,
    int Deficits,
    int TrainsDriven,
    int TrainsSham,
    int Refusals,
    double ContactS)
{
    public int Encounters => DeltaZ.Count;

    /// <summary>The animal's mean encounter Δz in the session (NaN without encounters): the unit the group statistics average.</summary>
    public double MeanDeltaZ => DeltaZ.Count > 0 ? DeltaZ.Average() : double.NaN;

    /// <summary>
    /// For a yoked session, how long after its partner's train each yoked train started, in session time (µs): the
    /// yoked train's offset after this session's start less the partner train's offset after the partner's (the
    /// rig's yoke origins, in order). Empty for a session that took no yoke trigger.
    /// </summary>
    public IReadOnlyList<long> YokeDelaysUs { get; init; } = [];

    /// <summary>Every encounter of the session with the partner its mark named (unmarked where the tracker named none).</summary>
    public IReadOnlyList<PartnerEncounter> Partners { get; init; } = [];

    /// <summary>Novel against familiar partners (Δz and contact), or null unless the session met both.</summary>
    public Discrimination? Recognition => Discrimination.Of(Partners);

    /// <summary>
    /// Whether the session had ended when the log was read: its rig journaled a session stop, or a later session
    /// began on the same boot. A session without either was still running (or its rig went away mid-session).
    /// </summary>
    public bool Ended { get; init; } = true;

    /// <summary>The yoked trains that started more than <paramref name="boundUs"/> after their partner's.</summary>
    public int LateYokedTrains(long boundUs) => YokeDelaysUs.Count(d => d > boundUs);

    /// <summary>What broke the yoke, in words, or null when every yoked train kept to the bound.</summary>
    public string? YokeBroken(long boundUs)
    {
        int late = LateYokedTrains(boundUs);
        if (late == 0)
        {
            return null;
        }

        var sorted = YokeDelaysUs.Order().ToList();
        return string.Create(CultureInfo.InvariantCulture,
            $"{late} of {sorted.Count} yoked trains started more than {boundUs / 1000} ms after their partner's (median {sorted[(sorted.Count - 1) / 2] / 1000.0:F0} ms, latest {sorted[^1] / 1000.0:F0} ms)");
    }
}

/// <summary>
/// Reads every logged session of a study's animals from the log (by subject and note, as `session start` and the
/// study runner record them), each measured from its session start to the next session on that boot or the boot's
/// end: the whole-window Δz of each encounter decided, the deficits, trains driven and sham, refusals and the
/// time in social contact.
/// </summary>
public static class StudyResults
{
    /// <summary>The condition a baseline session's runs are shown with: every animal runs it in sham, whatever its condition.</summary>
    public const string BaselineLabel = "baseline";

    /// <summary>
    /// Each yoked train's delay after the partner train it came from. With as many trains as triggers taken, the n-th
    /// train is the n-th trigger's. A trigger the yoked rig's own limits refused leaves no train, and its refusal does
    /// not say it was yoked: then each train is paired with the latest trigger at or before it (a train later than
    /// the next trigger is then measured from that one, so such a delay is a floor).
    /// </summary>
    internal static long[] YokeDelays(List<long> yokedOffsets, List<long> partnerOffsets) =>
        yokedOffsets.Count == partnerOffsets.Count
            ? [.. yokedOffsets.Zip(partnerOffsets, (yoked, partner) => yoked - partner)]
            : [.. yokedOffsets.Select(yoked => (Yoked: yoked, Partner: partnerOffsets.LastOrDefault(p => p <= yoked, long.MinValue)))
                .Where(pair => pair.Partner != long.MinValue).Select(pair => pair.Yoked - pair.Partner)];

    public static IReadOnlyList<AnimalSession> Read(EventStore store, Study study, Func<StudyAnimal, string> conditionLabel)
    {
        var animals = study.Animals.ToDictionary(a => a.Id);
        var sessionNames = study.Sessions.SelectMany(s => s.Occurrences).ToHashSet();
        var baselines = study.Sessions.Where(s => s.Kind == SessionKind.Baseline).SelectMany(s => s.Occurrences).ToHashSet();
        var results = new List<AnimalSession>();
        foreach (string rig in store.Rigs())
        {
            foreach (long boot in store.Boots(rig))
            {
                var sessions = store.Sessions(rig, boot);
                var ours = sessions.Where(s => animals.ContainsKey(s.Subject) && s.Note is not null && sessionNames.Contains(s.Note)).ToList();
                if (ours.Count == 0)
                {
                    continue;
                }

                var events = LoggedEvents.Read(store, rig, boot);
                var wholeWindow = events.Scores.ToDictionary(s => s.OnsetUs, s => s.DeltaZ);
                foreach (var session in ours)
                {
                    long from = session.RigTimeUs;
                    long to = sessions.Where(s => s.RigTimeUs > from).Select(s => s.RigTimeUs).DefaultIfEmpty(long.MaxValue).Min();
                    bool Within(long t) => t >= from && t < to;
                    var decided = events.Decisions.Where(d => Within(d.OnsetUs) && d.Outcome is DecisionOutcome.Response or DecisionOutcome.Deficit).ToList();
                    var trains = events.Trains.Where(t => Within(t.TimeUs)).DistinctBy(t => t.TimeUs).ToList();
                    var animal = animals[session.Subject];
                    var yokedOffsets = trains.Where(t => t.Yoked).Select(t => t.TimeUs - from).Order().ToList();
                    var partnerOffsets = store.YokeOrigins(rig, boot).Select(o => o.OffsetUs).Where(o => o < to - from).Order().ToList();
                    results.Add(new AnimalSession(
                        animal.Id,
                        animal.Group,
                        animal.Treatment,
                        baselines.Contains(session.Note!) ? BaselineLabel : conditionLabel(animal),
                        session.Note!,
                        rig,
                        boot,
                        [.. decided.Select(d => d.Early ? wholeWindow.GetValueOrDefault(d.OnsetUs, double.NaN) : d.DeltaZ).Where(double.IsFinite)],
                        decided.Count(d => d.Outcome == DecisionOutcome.Deficit),
                        trains.Count(t => !t.Sham),
                        trains.Count(t => t.Sham),
                        events.Refusals.Count(r => Within(r.TimeUs)),
                        events.EncounterEnds.Where(e => Within(e.OnsetUs)).Sum(e => (e.OffsetUs - e.OnsetUs) / 1e6))
                    {
                        YokeDelaysUs = YokeDelays(yokedOffsets, partnerOffsets),
                        Partners = PartnerEncounters.Read(events, Within),
                        Ended = to != long.MaxValue || events.All.Any(e => e.Kind == EventKind.SessionStopped && Within(e.TimeUs)),
                    });
                }
            }
        }

        var order = study.Sessions.SelectMany(s => s.Occurrences).Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i);
        return [.. results.OrderBy(r => order[r.Session]).ThenBy(r => r.AnimalId, StringComparer.Ordinal)];
    }
}
