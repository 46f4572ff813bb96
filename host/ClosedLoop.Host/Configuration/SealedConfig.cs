namespace ClosedLoop.Host.Configuration;

/// <summary>A config as a rig is handed it: its text, ending with the seal line that proves it arrived whole (<see cref="ConfigSeal"/>).</summary>
public static class SealedConfig
{
    public static byte[] Bytes(string text)
    {
        byte[] content = Encoding.UTF8.GetBytes(text.EndsWith('\n') ? text : text + "\n");
        return [.. content, .. Encoding.ASCII.GetBytes(ConfigSeal.LineFor(content, content.Length))];
    }

    public static string Text(string text) => Encoding.UTF8.GetString(Bytes(text));
}
