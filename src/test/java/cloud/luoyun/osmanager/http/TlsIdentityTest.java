package cloud.luoyun.osmanager.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.luoyun.osmanager.TestTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A self-signed certificate made with the JDK alone, as other tools read it; PEM files as operators have them. */
class TlsIdentityTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  @TempDir Path dir;

  private static TlsIdentity make() throws Exception {
    return TlsIdentity.selfSigned("LuoYun instance 42", List.of("app.example.com", "localhost", "not a name!"),
        List.of(InetAddress.getByName("10.0.0.5"), InetAddress.getByName("::1")), NOW.minus(1, ChronoUnit.DAYS),
        NOW.plus(825, ChronoUnit.DAYS), new SecureRandom());
  }

  @Test
  void aSelfSignedCertificateIsAServersWithTheGivenNamesAndValidity() throws Exception {
    TlsIdentity id = make();
    X509Certificate c = id.certificate();
    assertThat(c.getVersion()).isEqualTo(3);
    assertThat(c.getSigAlgName()).isEqualTo("SHA256withECDSA");
    assertThat(c.getPublicKey().getAlgorithm()).isEqualTo("EC");
    assertThat(c.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(c.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(c.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(c.getSubjectAlternativeNames()).extracting(n -> n.get(1).toString())
        .containsExactly("app.example.com", "localhost", "10.0.0.5", "0:0:0:0:0:0:0:1");
    assertThat(c.getNotBefore().toInstant()).isEqualTo(NOW.minus(1, ChronoUnit.DAYS));
    assertThat(c.getNotAfter().toInstant()).isEqualTo(NOW.plus(825, ChronoUnit.DAYS));
    assertThat(id.isSelfSigned()).isTrue();
    assertThat(id.hasSubject("LuoYun instance 42")).isTrue();
    assertThat(id.hasSubject("LuoYun instance 43")).isFalse();
    assertThat(id.fingerprint()).matches("([0-9A-F]{2}:){31}[0-9A-F]{2}");
    assertThat(id.toString()).contains(id.fingerprint()).contains("****");
  }

  @Test
  void opensslReadsTheCertificateAndComputesTheSameFingerprint() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "needs openssl");
    TlsIdentity id = make();
    Path cert = dir.resolve("c.crt");
    Path key = dir.resolve("c.key");
    id.write(cert, key);
    String text = run("openssl", "x509", "-in", cert.toString(), "-noout", "-text", "-fingerprint", "-sha256");
    assertThat(text).contains("Subject: CN = LuoYun instance 42", "CA:FALSE", "TLS Web Server Authentication",
        "DNS:app.example.com", "IP Address:10.0.0.5", "sha256 Fingerprint=" + id.fingerprint());
    assertThat(run("openssl", "pkey", "-in", key.toString(), "-noout", "-text")).contains("NIST CURVE: P-256");
  }

  @Test
  void writtenFilesReadBackTheKeyOnlyForItsOwner() throws Exception {
    TlsIdentity id = make();
    Path cert = dir.resolve("c.crt");
    Path key = dir.resolve("c.key");
    Files.writeString(key, "an old key, world-readable");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    id.write(cert, key);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cert))).isEqualTo("rw-r--r--");
    TlsIdentity back = TlsIdentity.read(cert, key);
    assertThat(back.fingerprint()).isEqualTo(id.fingerprint());
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n");
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefusedNamingTheFiles() throws Exception {
    Path cert = dir.resolve("c.crt");
    Path key = dir.resolve("c.key");
    make().write(cert, dir.resolve("other.key"));
    make().write(dir.resolve("other.crt"), key);
    assertThatThrownBy(() -> TlsIdentity.read(cert, key)).isInstanceOf(IOException.class)
        .hasMessage(key + ": not the private key of the certificate in " + cert);
  }

  @Test
  void keysInOtherFormatsAreRefusedWithTheWayToConvertThem() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "needs openssl");
    Path cert = dir.resolve("c.crt");
    make().write(cert, dir.resolve("unused.key"));
    Path sec1 = dir.resolve("sec1.key");
    run("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", sec1.toString());
    assertThatThrownBy(() -> TlsIdentity.read(cert, sec1)).hasMessageContaining("older format")
        .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in " + sec1);
    Path encrypted = dir.resolve("enc.key");
    run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256", "-pass",
        "pass:secret-pass", "-out", encrypted.toString());
    assertThatThrownBy(() -> TlsIdentity.read(cert, encrypted)).hasMessageContaining("encrypted")
        .hasMessageNotContaining("secret-pass");
    Path empty = dir.resolve("empty.key");
    Files.writeString(empty, "");
    assertThatThrownBy(() -> TlsIdentity.read(cert, empty)).hasMessageContaining(empty + ": no private key");
    assertThatThrownBy(() -> TlsIdentity.read(empty, sec1)).hasMessage(empty + ": no certificate in it "
        + "(expected PEM: -----BEGIN CERTIFICATE-----)");
  }

  @Test
  void anOperatorsRsaCertificateAndChainMadeByOpensslAreRead() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")), "needs openssl");
    Path key = dir.resolve("rsa.key");
    Path leaf = dir.resolve("rsa.crt");
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key.toString(), "-out", leaf.toString(),
        "-days", "30", "-subj", "/CN=term.example.com", "-addext", "subjectAltName=DNS:term.example.com");
    Path chain = dir.resolve("two.pem"); // a chain file: the server's certificate first, then another
    Files.writeString(chain, Files.readString(leaf) + Files.readString(leaf));
    TlsIdentity id = TlsIdentity.read(chain, key);
    assertThat(id.certificate().getPublicKey().getAlgorithm()).isEqualTo("RSA");
    assertThat(TlsIdentity.readChain(chain)).hasSize(2);
    assertThat(id.fingerprint()).isEqualTo(
        run("openssl", "x509", "-in", leaf.toString(), "-noout", "-fingerprint", "-sha256").strip()
            .replaceFirst("^sha256 Fingerprint=", "").replaceFirst("^SHA256 Fingerprint=", ""));
  }

  @Test
  void aTlsClientThatTrustsTheCertificateCompletesAHandshakeToAnAddressItNames() throws Exception {
    TlsIdentity id = make();
    SSLContext server = id.sslContext();
    SSLContext client = TestTls.trusting(id.certificate());
    try (SSLServerSocket listening = (SSLServerSocket) server.getServerSocketFactory()
        .createServerSocket(0, 1, InetAddress.getByName("::1"))) {
      Thread accept = new Thread(() -> {
        try (SSLSocket s = (SSLSocket) listening.accept()) {
          s.getOutputStream().write('!');
        } catch (IOException e) {
          // the client's side fails the test
        }
      });
      accept.start();
      try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket("::1", listening.getLocalPort())) {
        SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // as a browser: the address must be in the certificate
        s.setSSLParameters(p);
        assertThat(s.getInputStream().read()).isEqualTo('!');
        assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
      }
      accept.join(TimeUnit.SECONDS.toMillis(10));
    }
  }

  private static String run(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", argv) + ": " + out).isZero();
    return out;
  }
}
