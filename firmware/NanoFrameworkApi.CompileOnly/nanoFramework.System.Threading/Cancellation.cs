// Compile-only declaration: nanoFramework.System.Threading 1.1.52 (nanoframework/System.Threading: CancellationTokenSource.cs, CancellationToken.cs).
// Signatures as in the public nanoFramework sources, no behaviour. Never deployed: the .nfproj uses the real package.

namespace System.Threading
{
    public class CancellationTokenSource
    {
        public CancellationTokenSource(int millisecondsDelay) => throw null;

        public CancellationToken Token => throw null;
    }

    public readonly struct CancellationToken
    {
    }
}
