// Compile-only declaration: nanoFramework.System.Net 1.11.60 (nanoframework/System.Net, newest stored v1.11.54: nanoFramework.System.Net/X509Certificates/X509Certificate.cs).
// Signatures, type kinds, base types and enum values as in those sources; no behaviour. Never deployed: the .nfproj uses the real package.

namespace System.Security.Cryptography.X509Certificates
{
    public class X509Certificate
    {
        public X509Certificate(byte[] certificate) => throw null;
    }
}
