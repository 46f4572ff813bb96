namespace ClosedLoop.Engine.Tests.Support;

/// <summary>An output that records what the engine asked of it, and whether the pin would be high now.</summary>
public sealed class RecordingOutput(IClock clock) : IOutputChannel
{
    public List<(long TimeUs, long TotalUs, int Items)> Starts { get; } = [];

    /// <summary>How long a start keeps the caller waiting (a manual clock is moved on by it), as the board's SendData does.</summary>
    public long StartCostUs { get; set; }

    public int ForceLowCalls { get; private set; }

    private long _activeUntilUs = long.MinValue;

    /// <summary>True while a started train has not ended or been forced low.</summary>
    public bool IsDriving => clock.NowMicros < _activeUntilUs;

    public void Start(RmtPlan plan)
    {
        Starts.Add((clock.NowMicros, plan.TotalUs, plan.ItemCount));
        _activeUntilUs = clock.NowMicros + plan.TotalUs;
        if (StartCostUs > 0 && clock is ManualClock manual)
        {
            manual.Advance(StartCostUs);
        }
    }

    public void ForceLow()
    {
        ForceLowCalls++;
        _activeUntilUs = long.MinValue;
    }
}

/// <summary>LEDs that start when told, at the clock's now.</summary>
public sealed class FakeExcitation(IClock clock) : IExcitation
{
    public int Starts { get; private set; }

    public long Start(AcquisitionSettings settings)
    {
        Starts++;
        return clock.NowMicros;
    }

    public void Stop()
    {
    }
}

public static class TestConfig
{
    /// <summary>
    /// nf.config text a rig accepts: <paramref name="text"/>, then every output setting and safety limit it does
    /// not state, at its default (a rig refuses a config that leaves them out).
    /// </summary>
    public static string ForRig(string text)
    {
        var stated = ConfigParser.Parse(text, new ConfigErrorList());
        var more = new System.Text.StringBuilder(text);
        foreach (var key in Enumerable.Range(0, ConfigSchema.Count).Select(ConfigSchema.KeyAt).Where(k => k.IsSafety && stated.Find(k.Section, k.Name) is null))
        {
            more.Append('[').Append(key.Section).Append("]\n").Append(key.Name).Append(" = ").Append(key.DefaultValue).Append('\n');
        }

        return more.ToString();
    }

    /// <summary>The UTF-8 bytes of <see cref="ForRig"/>.</summary>
    public static byte[] BytesForRig(string text) => System.Text.Encoding.UTF8.GetBytes(ForRig(text));

    /// <summary>The defaults with some keys changed; fails the test on an invalid override.</summary>
    public static RigConfig With(params string[] assignments)
    {
        var errors = new ConfigErrorList();
        var document = ConfigParser.Parse(string.Empty, errors);
        foreach (var assignment in assignments)
        {
            document.TrySet(assignment, errors);
        }

        var result = ConfigLoader.FromDocument(document, errors);
        if (!result.IsValid)
        {
            throw new InvalidOperationException("test config invalid: " + string.Join("; ", result.Errors.Select(e => e.ToString())));
        }

        return result.Config;
    }
}
