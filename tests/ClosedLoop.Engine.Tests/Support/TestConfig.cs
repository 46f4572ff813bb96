using ClosedLoop.Engine.Config;

namespace ClosedLoop.Engine.Tests.Support;

/// <summary>Configs for tests: nf.config's defaults with some keys set, and nf.config text a rig accepts.</summary>
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

    /// <summary>The UTF-8 bytes of <see cref="ForRig"/>, sealed as the host's tools hand a rig its config (<see cref="ConfigSeal"/>).</summary>
    public static byte[] BytesForRig(string text) => Sealed(ForRig(text));

    /// <summary>The UTF-8 bytes of <paramref name="text"/> with the seal line a rig asks for.</summary>
    public static byte[] Sealed(string text)
    {
        byte[] content = System.Text.Encoding.UTF8.GetBytes(text.EndsWith('\n') ? text : text + "\n");
        return [.. content, .. System.Text.Encoding.ASCII.GetBytes(ConfigSeal.LineFor(content, content.Length))];
    }

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
