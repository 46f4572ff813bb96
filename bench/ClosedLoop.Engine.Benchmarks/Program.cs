using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(ClosedLoop.Engine.Benchmarks.EngineBenchmarks).Assembly).Run(args);
