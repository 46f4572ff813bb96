namespace ClosedLoop.Host.WebConsole;

/// <summary>
/// Who may start a tuning run now. A sweep replays a recording up to <see cref="Tuning.ReplayAnalysis.MaxSweepValues"/>
/// times (seconds of CPU on an hour's recording), and any logged-in person, viewers included, may tune: so each person
/// has one run at a time, and the console as many as it has cores, so that tuning never starves the monitoring.
/// </summary>
public sealed class TuningAdmission(int maxRuns)
{
    private readonly HashSet<string> _running = new(StringComparer.Ordinal);

    /// <summary>A ticket to dispose when the run ends, or null with why there is none.</summary>
    public IDisposable? TryEnter(string user, out string? refusal)
    {
        lock (_running)
        {
            if (_running.Contains(user))
            {
                refusal = $"{user} already has a tuning run going: one at a time each; wait for its result";
                return null;
            }

            if (_running.Count >= maxRuns)
            {
                refusal = $"the console is running {_running.Count} tuning runs, as many as it has cores: try again when one ends";
                return null;
            }

            _running.Add(user);
            refusal = null;
            return new Ticket(this, user);
        }
    }

    private void Leave(string user)
    {
        lock (_running)
        {
            _running.Remove(user);
        }
    }

    private sealed class Ticket(TuningAdmission admission, string user) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                admission.Leave(user);
            }
        }
    }
}
