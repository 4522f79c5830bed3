using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Wharf.Engine.Configuration;
using Wharf.Engine.Distribution;

namespace Wharf.Engine.Tests.Distribution;

public sealed class RegistryCertificatesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "wharf-certsd-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private static (string CertPem, string KeyPem) SelfSigned(string cn)
    {
        using var key = RSA.Create(2048);
        var req = new CertificateRequest($"CN={cn}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    private string HostDir(string root, string host)
    {
        var d = Path.Combine(_dir, root, host);
        Directory.CreateDirectory(d);
        return d;
    }

    [Fact]
    public void The_first_root_with_a_directory_for_the_host_wins_and_insecure_registries_need_none()
    {
        var wharf = HostDir("wharf", "reg.example:5000");
        HostDir("docker", "reg.example:5000");
        var other = HostDir("docker", "other.example");
        string[] roots = [Path.Combine(_dir, "wharf"), Path.Combine(_dir, "docker")];
        Assert.Equal(wharf, RegistryCertificates.FindDirectory(roots, "reg.example:5000"));
        Assert.Equal(other, RegistryCertificates.FindDirectory(roots, "other.example"));
        Assert.Null(RegistryCertificates.FindDirectory(roots, "reg.example:5001"));

        HostDir("wharf", "127.0.0.1:5000");
        var hosts = new RegistryHosts(new DaemonOptions { RegistryCertsDirs = [.. roots] });
        Assert.Equal(wharf, hosts.Endpoint("reg.example:5000").CertsDirectory);
        Assert.Null(hosts.Endpoint("127.0.0.1:5000").CertsDirectory);
    }

    [Fact]
    public void Cas_and_client_certificates_are_loaded_and_a_bad_file_is_named()
    {
        var d = HostDir("docker", "reg.example:5000");
        var (ca, _) = SelfSigned("test ca");
        File.WriteAllText(Path.Combine(d, "ca.crt"), ca);
        var (client, clientKey) = SelfSigned("client");
        File.WriteAllText(Path.Combine(d, "client.cert"), client);
        File.WriteAllText(Path.Combine(d, "client.key"), clientKey);
        var loaded = RegistryCertificates.Load(d);
        Assert.Equal("CN=test ca", Assert.Single(loaded.Authorities).Subject);
        Assert.True(Assert.Single(loaded.ClientCertificates).HasPrivateKey);
        Assert.NotNull(loaded.SslOptions().RemoteCertificateValidationCallback);

        var before = RegistryCertificates.Fingerprint(d);
        File.WriteAllText(Path.Combine(d, "ca.crt"), "not a certificate\n");
        Assert.NotEqual(before, RegistryCertificates.Fingerprint(d));
        var e = Assert.Throws<WharfException>(() => RegistryCertificates.Load(d));
        Assert.Contains(Path.Combine(d, "ca.crt"), e.Message);

        File.WriteAllText(Path.Combine(d, "ca.crt"), ca);
        File.Delete(Path.Combine(d, "client.key"));
        e = Assert.Throws<WharfException>(() => RegistryCertificates.Load(d));
        Assert.Contains("missing key client.key", e.Message);
    }
}
