using Spectre.Console;

namespace ClosedLoop.Host.Commands;

/// <summary>
/// A Spectre console writing where the invocation says: the real terminal at its own width, or a file, pipe or
/// test's writer as plain text with room for whole rows.
/// </summary>
public static class Terminal
{
    /// <summary>Columns a table may use when the output is a file or a pipe, which has no width of its own.</summary>
    public const int UnboundedWidth = 240;

    public static IAnsiConsole For(ParseResult parse)
    {
        var writer = parse.InvocationConfiguration.Output;
        if (ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected)
        {
            return AnsiConsole.Console;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
            Ansi = AnsiSupport.No,
        });

        // A file, a pipe or a test's writer has no window: Spectre would assume 80 columns and wrap every cell.
        console.Profile.Width = UnboundedWidth;
        return console;
    }
}
