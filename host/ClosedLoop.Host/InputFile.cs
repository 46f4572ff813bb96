namespace ClosedLoop.Host;

/// <summary>Files a person names (on the command line or in the console): a folder or a missing file is one clear line, not a stack trace.</summary>
public static class InputFile
{
    /// <summary>Throws a usage error unless <paramref name="file"/> is an existing file; <paramref name="role"/> says what it should be.</summary>
    public static FileInfo Require(FileInfo file, string role)
    {
        if (Directory.Exists(file.FullName))
        {
            throw new InputException($"{file.FullName}: is a folder; expected {role}");
        }

        if (!file.Exists)
        {
            throw new InputException($"{file.FullName}: no such file; expected {role}");
        }

        return file;
    }

    /// <summary>
    /// The file's bytes when it holds at most <paramref name="maxBytes"/>; a larger one (or an endless one, such as
    /// /dev/zero) is refused after reading one byte more, never read whole.
    /// </summary>
    public static byte[] ReadBounded(string path, int maxBytes, string role)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 4096, FileOptions.SequentialScan);
        var buffer = new byte[maxBytes + 1];
        int total = 0;
        int read;
        while (total < buffer.Length && (read = stream.Read(buffer, total, buffer.Length - total)) > 0)
        {
            total += read;
        }

        if (total > maxBytes)
        {
            throw new InputException($"{path}: larger than {maxBytes:N0} bytes; expected {role}");
        }

        return buffer[..total];
    }
}
