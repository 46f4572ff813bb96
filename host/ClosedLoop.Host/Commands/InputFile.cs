namespace ClosedLoop.Host.Commands;

/// <summary>Files an operator names on the command line: a folder or a missing file is one clear line, not a stack trace.</summary>
public static class InputFile
{
    /// <summary>Throws a usage error unless <paramref name="file"/> is an existing file; <paramref name="role"/> says what it should be.</summary>
    public static FileInfo Require(FileInfo file, string role)
    {
        if (Directory.Exists(file.FullName))
        {
            throw new CommandLineException($"{file.FullName}: is a folder; expected {role}");
        }

        if (!file.Exists)
        {
            throw new CommandLineException($"{file.FullName}: no such file; expected {role}");
        }

        return file;
    }
}
