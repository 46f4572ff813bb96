namespace ClosedLoop.Host;

/// <summary>Files that hold secrets or configs with secrets in them: created readable and writable by their owner alone.</summary>
public static class PrivateFile
{
    public static void Write(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        // The mode applies only when the file is created: start from none.
        File.Delete(path);
        using var writer = new StreamWriter(new FileStream(path, options));
        writer.Write(text);
    }
}
