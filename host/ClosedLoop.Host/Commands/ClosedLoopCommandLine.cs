using System.CommandLine;

namespace ClosedLoop.Host.Commands;

/// <summary>The `closedloop` command tree.</summary>
public static class ClosedLoopCommandLine
{
    public static RootCommand Build() => new("closedloop: configure, run and watch ClosedLoop photometry rigs")
    {
        DemoCommand.Create(),
        ConfigCommand.Create(),
    };
}
