using ClosedLoop.Host.Commands;

return await ClosedLoopCommandLine.Build().Parse(args).InvokeAsync().ConfigureAwait(false);
