// Compile-only declaration: nanoFramework.System.Net 1.11.60 (nanoframework/System.Net: System.Security.Cryptography.X509Certificates/X509Certificate.cs).
// Signatures as in the public nanoFramework sources, no behaviour. Never deployed: the .nfproj uses the real package.

namespace System.Security.Cryptography.X509Certificates
{
    public class X509Certificate
    {
        public X509Certificate(byte[] certificate) => throw null;
    }
}
