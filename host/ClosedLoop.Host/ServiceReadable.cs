using System.Diagnostics;

namespace ClosedLoop.Host;

/// <summary>Files a service must read as its own user: given to its group and readable by it (640), by no one else.</summary>
public static class ServiceReadable
{
    /// <summary>Null when done; otherwise why not (no such group, not allowed, not a Unix system).</summary>
    public static string? Grant(string group, params string[] paths)
    {
        if (OperatingSystem.IsWindows())
        {
            return "file groups are a Unix matter";
        }

        try
        {
            // chgrp, the ordinary tool, rather than libc by hand: it names the group and says what went wrong.
            var start = new ProcessStartInfo("chgrp") { RedirectStandardError = true, RedirectStandardOutput = true };
            start.ArgumentList.Add(group);
            foreach (string path in paths)
            {
                start.ArgumentList.Add(path);
            }

            using var chgrp = Process.Start(start) ?? throw new InvalidOperationException("chgrp did not start");
            string error = chgrp.StandardError.ReadToEnd().Trim();
            chgrp.WaitForExit();
            if (chgrp.ExitCode != 0)
            {
                return error.Length > 0 ? error : $"chgrp {group} failed";
            }
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"chgrp could not run: {e.Message}";
        }

        foreach (string path in paths)
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        }

        return null;
    }
}
