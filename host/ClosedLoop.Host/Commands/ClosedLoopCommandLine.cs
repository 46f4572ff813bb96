namespace ClosedLoop.Host.Commands;

/// <summary>The `closedloop` command tree.</summary>
public static class ClosedLoopCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("closedloop: configure, run and watch ClosedLoop photometry rigs")
        {
            DemoCommand.Create(),
            BrokerCommand.Create(),
            RigCommand.Create(),
            ConfigureCommand.Create(),
            LogCommand.Create(),
            MonitorCommand.Create(),
            ReplayCommand.Create(),
            ExportCommand.Create(),
            ReportCommand.Create(),
            ConfigCommand.Create(),
            FlashCommand.Create(),
            StudyCommand.Create(),
            ConsoleCommand.Create(),
        };
        foreach (var command in ControlCommands.Create())
        {
            root.Subcommands.Add(command);
        }

        return root;
    }
}
