using ClosedLoop.Engine.Detection;
using ClosedLoop.Host.Logging;

namespace ClosedLoop.Host.Studies;

/// <summary>A logged session of one animal: the rig, boot and device µs it started at, as `session start` recorded it.</summary>
public sealed record LoggedStudySession(string Rig, long Boot, long StartUs, string Utc);

/// <summary>One animal's encounter responses in its logged sessions of one plan session (e.g. its baseline).</summary>
public sealed record AnimalResponses(string AnimalId, IReadOnlyList<double> DeltaZ, IReadOnlyList<LoggedStudySession> Sessions);

/// <summary>
/// Finds each animal's logged sessions of a plan session in the log, by the subject and the note that
/// `closedloop session RIG start --subject ID --note NAME` records, and reads the whole-window Δz of every encounter
/// the rig decided on in them (an early decision's from its later score), from the session's start to the next
/// session on that boot or the boot's end.
/// </summary>
public static class BaselineResponses
{
    public static IReadOnlyList<AnimalResponses> Read(EventStore store, Study study, string sessionName)
    {
        var found = study.Animals.ToDictionary(a => a.Id, _ => (DeltaZ: new List<double>(), Sessions: new List<LoggedStudySession>()));
        foreach (string rig in store.Rigs())
        {
            foreach (long boot in store.Boots(rig))
            {
                var sessions = store.Sessions(rig, boot);
                var chosen = sessions.Where(s => s.Note == sessionName && found.ContainsKey(s.Subject)).ToList();
                if (chosen.Count == 0)
                {
                    continue;
                }

                var events = LoggedEvents.Read(store, rig, boot);
                var wholeWindow = events.Scores.ToDictionary(s => s.OnsetUs, s => s.DeltaZ);
                var decided = events.Decisions.Where(d => d.Outcome is DecisionOutcome.Response or DecisionOutcome.Deficit).ToList();
                foreach (var session in chosen)
                {
                    long end = sessions.Where(s => s.RigTimeUs > session.RigTimeUs).Select(s => s.RigTimeUs).DefaultIfEmpty(long.MaxValue).Min();
                    var (deltaZ, used) = found[session.Subject];
                    used.Add(new LoggedStudySession(rig, boot, session.RigTimeUs, session.Utc));
                    deltaZ.AddRange(decided.Where(d => d.OnsetUs >= session.RigTimeUs && d.OnsetUs < end)
                        .Select(d => d.Early ? wholeWindow.GetValueOrDefault(d.OnsetUs, double.NaN) : d.DeltaZ)
                        .Where(double.IsFinite));
                }
            }
        }

        return [.. study.Animals.Select(a => new AnimalResponses(a.Id, found[a.Id].DeltaZ, found[a.Id].Sessions))];
    }
}
