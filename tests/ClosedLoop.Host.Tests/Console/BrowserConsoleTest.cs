using ClosedLoop.Host.WebConsole;

namespace ClosedLoop.Host.Tests.Console;

/// <summary>A console test in a real browser: an embedded broker, the console served as <see cref="Options"/> says, and headless Chromium.</summary>
public abstract class BrowserConsoleTest : EmbeddedBrokerTest
{
    protected ConsoleServer Server { get; private set; } = null!;

    protected Chromium Chromium { get; private set; } = null!;

    protected abstract ConsoleOptions Options { get; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Server = await ConsoleServer.StartAsync(TestBroker.Endpoint, Options, CancellationToken.None);
        Chromium = await Chromium.LaunchAsync();
    }

    public override async Task DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }

        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
