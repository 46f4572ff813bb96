using System.Runtime.CompilerServices;

// The engine's parts (gate, detector, journal layout, planners) are internal: the board and the host drive the engine
// through ClosedLoopEngine and the wire codecs. The test suites reach the parts directly: the .NET tests, the
// on-device suite (NFUnitTest on a board) and its .NET runner.
[assembly: InternalsVisibleTo("ClosedLoop.Engine.Tests")]
[assembly: InternalsVisibleTo("NFUnitTest")]
[assembly: InternalsVisibleTo("ClosedLoop.Engine.NanoTests.Tests")]
