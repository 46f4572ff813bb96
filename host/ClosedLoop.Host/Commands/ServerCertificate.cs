using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace ClosedLoop.Host.Commands;

/// <summary>A lab's server certificate for the broker or the console (`--tls-cert` and `--tls-key`, both PEM).</summary>
public static class ServerCertificate
{
    /// <summary>The certificate with its key, or null to serve without TLS; either file without the other is a usage error.</summary>
    public static X509Certificate2? Load(FileInfo? certificate, FileInfo? key)
    {
        if (certificate is null && key is null)
        {
            return null;
        }

        if (certificate is null || key is null)
        {
            throw new CommandLineException("TLS needs both --tls-cert and --tls-key");
        }

        InputFile.Require(certificate, "a PEM server certificate");
        InputFile.Require(key, "the certificate's PEM private key");
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certificate.FullName, key.FullName);
            // SslStream wants the key in a form the platform's TLS can use: round-trip through PKCS#12.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException e)
        {
            throw new CommandLineException($"--tls-cert {certificate.FullName} with --tls-key {key.FullName}: {e.Message}");
        }
    }
}
