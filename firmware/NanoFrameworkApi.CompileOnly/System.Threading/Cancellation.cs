// Compile-only declaration: nanoFramework.System.Threading 1.1.52 (nanoframework/System.Threading at v1.1.52: nanoFramework.System.Threading/Threading/CancellationTokenSource.cs, CancellationToken.cs).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.

namespace System.Threading
{
    public class CancellationTokenSource : IDisposable
    {
        public CancellationTokenSource(int millisecondsDelay) => throw null;

        public CancellationToken Token => throw null;

        public void Dispose() => throw null;
    }

    public struct CancellationToken
    {
    }
}
