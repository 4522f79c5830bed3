using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Wharf.Engine.Distribution;

/// <summary>
/// A registry's own certificate directory, as Docker reads <c>/etc/docker/certs.d/&lt;host:port&gt;/</c>: every
/// <c>*.crt</c> is a CA trusted for that registry on top of the system's, and a <c>*.cert</c> with the
/// <c>*.key</c> of the same name is a client certificate presented to it.
/// </summary>
public sealed class RegistryCertificates
{
    private RegistryCertificates(string directory, X509Certificate2Collection authorities, X509Certificate2Collection clientCertificates)
    {
        Directory = directory;
        Authorities = authorities;
        ClientCertificates = clientCertificates;
    }

    public string Directory { get; }
    public X509Certificate2Collection Authorities { get; }
    public X509Certificate2Collection ClientCertificates { get; }

    /// <summary>The first of <paramref name="roots"/> that has a directory for <paramref name="host"/> (host[:port]), or null.</summary>
    public static string? FindDirectory(IEnumerable<string> roots, string host)
    {
        foreach (var root in roots)
        {
            var dir = Path.Combine(root, host);
            if (System.IO.Directory.Exists(dir)) return dir;
        }
        return null;
    }

    /// <summary>Reads a certificate directory; a file that is not a certificate is a clear error naming it.</summary>
    public static RegistryCertificates Load(string directory)
    {
        var authorities = new X509Certificate2Collection();
        var clients = new X509Certificate2Collection();
        foreach (var file in System.IO.Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            try
            {
                if (file.EndsWith(".crt", StringComparison.Ordinal))
                {
                    int before = authorities.Count;
                    authorities.ImportFromPemFile(file);
                    if (authorities.Count == before) throw new WharfException($"loading {file}: no PEM certificate in it");
                }
                else if (file.EndsWith(".cert", StringComparison.Ordinal))
                {
                    var key = Path.ChangeExtension(file, ".key");
                    if (!File.Exists(key)) throw new WharfException($"missing key {Path.GetFileName(key)} for client certificate {file}");
                    clients.Add(X509Certificate2.CreateFromPemFile(file, key));
                }
                else if (file.EndsWith(".key", StringComparison.Ordinal) && !File.Exists(Path.ChangeExtension(file, ".cert")))
                    throw new WharfException($"missing client certificate {Path.GetFileNameWithoutExtension(file)}.cert for key {file}");
            }
            catch (CryptographicException e)
            {
                throw new WharfException($"loading {file}: {e.Message}", 500, e);
            }
        }
        return new RegistryCertificates(directory, authorities, clients);
    }

    /// <summary>
    /// TLS options for this registry: the system's trust, and where that fails only for an unknown root, a chain
    /// to one of the directory's CAs. A name mismatch is never forgiven.
    /// </summary>
    public SslClientAuthenticationOptions SslOptions()
    {
        var options = new SslClientAuthenticationOptions();
        if (ClientCertificates.Count > 0) options.ClientCertificates = ClientCertificates;
        if (Authorities.Count == 0) return options;
        var authorities = Authorities;
        options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
        {
            if (errors == SslPolicyErrors.None) return true;
            if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null) return false;
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(authorities);
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null)
                foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            return custom.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
        return options;
    }

    /// <summary>What identifies the directory's content: its files' names, sizes and times (a changed CA takes effect at once).</summary>
    public static string Fingerprint(string directory) => string.Join('|',
        System.IO.Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal)
            .Select(f => new FileInfo(f)).Select(f => $"{f.Name}:{f.Length}:{f.LastWriteTimeUtc.Ticks}"));
}
