using System.CommandLine;
using Spectre.Console;

namespace ClosedLoop.Host.Commands;

/// <summary>A Spectre console writing where the invocation says (the real terminal, or a test's writer).</summary>
public static class Terminal
{
    public static IAnsiConsole For(ParseResult parse)
    {
        var writer = parse.InvocationConfiguration.Output;
        if (ReferenceEquals(writer, Console.Out))
        {
            return AnsiConsole.Console;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
            Ansi = AnsiSupport.No,
        });

        // A writer has no window: give tables room rather than wrapping every cell.
        console.Profile.Width = 160;
        return console;
    }
}
