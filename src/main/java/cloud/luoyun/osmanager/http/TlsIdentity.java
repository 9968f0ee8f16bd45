package cloud.luoyun.osmanager.http;

import cloud.luoyun.osmanager.util.AtomicFile;
import cloud.luoyun.osmanager.util.Errors;
import cloud.luoyun.osmanager.util.Redact;
import cloud.luoyun.osmanager.util.Sha256;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.security.auth.x500.X500Principal;

/**
 * A TLS server's private key and its certificate chain (the server's own certificate first),
 * immutable and thread-safe. Either made here, self-signed ({@link #selfSigned}), or read from the
 * PEM files an operator points to ({@link #read}); written as PEM ({@link #write}).
 *
 * <p>Made with the JDK's own APIs: an EC P-256 key pair, a certificate built by {@link Der} and
 * signed with SHA256withECDSA, then parsed back by the JDK's X.509 parser, which is what checks
 * it. No keytool process (a second JVM start, ~1 s here and many under an emulated CPU) and no
 * library: none on the classpath makes certificates.
 *
 * <p>The key is never in {@code toString}, a message or a log; the file holding it is 0600.
 */
public final class TlsIdentity {
  public static final Set<PosixFilePermission> KEY_MODE = PosixFilePermissions.fromString("rw-------");
  public static final Set<PosixFilePermission> CERT_MODE = PosixFilePermissions.fromString("rw-r--r--");
  private static final int MAX_PEM_BYTES = 1 << 20;
  private static final Pattern PEM = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
  private static final Pattern DNS_NAME = Pattern.compile("(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.?)+");
  private static final String ALIAS = "tls";

  private final PrivateKey key;
  private final List<X509Certificate> chain;

  private TlsIdentity(PrivateKey key, List<X509Certificate> chain) {
    this.key = key;
    this.chain = List.copyOf(chain);
  }

  /**
   * A new key pair and a certificate signed by itself, for {@code commonName}, valid for the
   * given DNS names and addresses (names that are not plain DNS names are left out).
   */
  public static TlsIdentity selfSigned(String commonName, Collection<String> dnsNames,
      Collection<InetAddress> addresses, Instant notBefore, Instant notAfter, SecureRandom random)
      throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), random);
    KeyPair pair = generator.generateKeyPair();
    byte[] serial = new byte[16];
    random.nextBytes(serial);
    byte[] algorithm = Der.sequence(Der.oid("1.2.840.10045.4.3.2")); // ecdsa-with-SHA256, no parameters
    byte[] name = Der.sequence(Der.set(Der.sequence(Der.oid("2.5.4.3"), Der.utf8(commonName))));
    byte[] tbs = Der.sequence(
        Der.explicit(0, Der.integer(BigInteger.TWO)), // v3
        Der.integer(new BigInteger(1, serial)),
        algorithm,
        name,
        Der.sequence(Der.time(notBefore), Der.time(notAfter)),
        name,
        pair.getPublic().getEncoded(), // SubjectPublicKeyInfo, as X.509 has it
        Der.explicit(3, Der.sequence(extensions(dnsNames, addresses))));
    Signature signer = Signature.getInstance("SHA256withECDSA");
    signer.initSign(pair.getPrivate(), random);
    signer.update(tbs);
    byte[] der = Der.sequence(tbs, algorithm, Der.bits(signer.sign()));
    X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
        .generateCertificate(new ByteArrayInputStream(der));
    certificate.verify(pair.getPublic());
    return new TlsIdentity(pair.getPrivate(), List.of(certificate));
  }

  /** A server's certificate: not a CA, for signatures, for TLS servers, with these names. */
  private static byte[] extensions(Collection<String> dnsNames, Collection<InetAddress> addresses) {
    List<byte[]> names = new ArrayList<>();
    for (String n : dnsNames) {
      if (DNS_NAME.matcher(n).matches()) {
        names.add(Der.implicit(2, n.getBytes(StandardCharsets.US_ASCII))); // dNSName
      }
    }
    for (InetAddress a : addresses) {
      names.add(Der.implicit(7, a.getAddress())); // iPAddress
    }
    byte[] digitalSignature = Der.element(Der.BIT_STRING, new byte[] {7, (byte) 0x80});
    return Der.concat(
        Der.sequence(Der.oid("2.5.29.19"), Der.bool(true), Der.octets(Der.sequence())), // basicConstraints: CA false
        Der.sequence(Der.oid("2.5.29.15"), Der.bool(true), Der.octets(digitalSignature)), // keyUsage
        Der.sequence(Der.oid("2.5.29.37"), Der.octets(Der.sequence(Der.oid("1.3.6.1.5.5.7.3.1")))), // serverAuth
        Der.sequence(Der.oid("2.5.29.17"), Der.octets(Der.sequence(names.toArray(byte[][]::new))))); // names
  }

  /**
   * Reads a certificate chain (PEM {@code CERTIFICATE} blocks, the server's own first) and its
   * unencrypted private key (PEM {@code PRIVATE KEY}, PKCS#8; RSA or EC), and checks that they
   * belong together. Messages name the file and what is wrong with it, never the key.
   */
  public static TlsIdentity read(Path certFile, Path keyFile) throws IOException {
    List<X509Certificate> chain = readChain(certFile);
    PrivateKey key = readKey(keyFile);
    if (!belongTogether(key, chain.get(0).getPublicKey())) {
      throw new IOException(keyFile + ": not the private key of the certificate in " + certFile);
    }
    return new TlsIdentity(key, chain);
  }

  /** The certificates in a PEM file, the first one first; at least one. */
  public static List<X509Certificate> readChain(Path certFile) throws IOException {
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory x509 = CertificateFactory.getInstance("X.509");
      for (byte[] der : certificateBlocks(certFile)) {
        chain.add((X509Certificate) x509.generateCertificate(new ByteArrayInputStream(der)));
      }
    } catch (GeneralSecurityException e) {
      throw new IOException(certFile + ": not a readable X.509 certificate: " + Errors.reason(e), e);
    }
    return chain;
  }

  /** The DER of each PEM {@code CERTIFICATE} block in the file, in order; at least one. */
  private static List<byte[]> certificateBlocks(Path certFile) throws IOException {
    List<byte[]> blocks = blocks(certFile, "CERTIFICATE");
    if (blocks.isEmpty()) {
      throw new IOException(certFile + ": no certificate in it (expected PEM: -----BEGIN CERTIFICATE-----)");
    }
    return blocks;
  }

  private static PrivateKey readKey(Path keyFile) throws IOException {
    List<byte[]> keys = blocks(keyFile, "PRIVATE KEY");
    if (keys.size() != 1) {
      String text = read(keyFile);
      String convert = "; convert it with: openssl pkcs8 -topk8 -nocrypt -in " + keyFile + " -out NEW-FILE";
      if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
        throw new IOException(keyFile + ": the private key is encrypted; the terminal starts unattended and needs it "
            + "unencrypted (mode 0600)" + convert);
      }
      if (text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----")) {
        throw new IOException(keyFile + ": the private key is in an older format (expected PKCS#8: -----BEGIN "
            + "PRIVATE KEY-----)" + convert);
      }
      throw new IOException(keyFile + ": " + (keys.isEmpty() ? "no" : keys.size()) + " private key(s) in it "
          + "(expected one, PEM PKCS#8: -----BEGIN PRIVATE KEY-----)");
    }
    for (String algorithm : List.of("EC", "RSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(keys.get(0)));
      } catch (GeneralSecurityException e) {
        // not this kind: the next one
      }
    }
    throw new IOException(keyFile + ": not an EC or RSA private key");
  }

  private static boolean belongTogether(PrivateKey key, PublicKey certified) {
    try {
      String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
      byte[] probe = "osmanager: does this key sign for that certificate?".getBytes(StandardCharsets.US_ASCII);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(probe);
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certified);
      verifier.update(probe);
      return verifier.verify(signer.sign());
    } catch (GeneralSecurityException e) {
      return false; // e.g. an RSA key for an EC certificate
    }
  }

  private static List<byte[]> blocks(Path file, String label) throws IOException {
    List<byte[]> out = new ArrayList<>();
    Matcher m = PEM.matcher(read(file));
    while (m.find()) {
      if (m.group(1).equals(label)) {
        try {
          out.add(Base64.getMimeDecoder().decode(m.group(2)));
        } catch (IllegalArgumentException e) {
          throw new IOException(file + ": a " + label + " block is not valid base64");
        }
      }
    }
    return out;
  }

  private static String read(Path file) throws IOException {
    if (Files.size(file) > MAX_PEM_BYTES) {
      throw new IOException(file + ": larger than " + MAX_PEM_BYTES + " bytes: not a PEM file");
    }
    return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
  }

  /**
   * Writes the key (mode 0600) and then the certificate chain, each file replaced atomically
   * ({@link AtomicFile}). A power cut between the two leaves a new key beside the old
   * certificate, which {@link #read} refuses as not belonging together: a caller that made them
   * makes them again.
   */
  public void write(Path certFile, Path keyFile) throws IOException {
    narrowToOwner(keyFile);
    AtomicFile.write(keyFile, pem("PRIVATE KEY", key.getEncoded()), KEY_MODE);
    StringBuilder certs = new StringBuilder();
    try {
      for (X509Certificate c : chain) {
        certs.append(new String(pem("CERTIFICATE", c.getEncoded()), StandardCharsets.US_ASCII));
      }
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot encode the certificate: " + Errors.reason(e), e);
    }
    AtomicFile.write(certFile, certs.toString().getBytes(StandardCharsets.US_ASCII), CERT_MODE);
  }

  /** An existing key file keeps its mode on replacement: make sure that mode is 0600 first. */
  private static void narrowToOwner(Path keyFile) throws IOException {
    try {
      PosixFileAttributes old = Files.readAttributes(keyFile, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (old.isRegularFile() && !old.permissions().equals(KEY_MODE)) {
        Files.setPosixFilePermissions(keyFile, KEY_MODE);
      }
    } catch (NoSuchFileException e) {
      // a new file: AtomicFile creates it 0600
    }
  }

  private static byte[] pem(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
    return ("-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The server's own certificate (the first of the chain). */
  public X509Certificate certificate() {
    return chain.get(0);
  }

  /** Whether the server's certificate is signed by its own key, so no browser trusts it by itself. */
  public boolean isSelfSigned() {
    X509Certificate c = certificate();
    if (!c.getIssuerX500Principal().equals(c.getSubjectX500Principal())) {
      return false;
    }
    try {
      c.verify(c.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** Whether the certificate's subject is exactly {@code CN=commonName}, compared as X.500 names are. */
  public boolean hasSubject(String commonName) {
    return certificate().getSubjectX500Principal().equals(new X500Principal("CN=" + escape(commonName)));
  }

  private static String escape(String rdnValue) {
    return rdnValue.replaceAll("([,+\"\\\\<>;=#])", "\\\\$1");
  }

  /** The SHA-256 fingerprint of the server's certificate, as browsers show it: {@link #fingerprint(X509Certificate)}. */
  public String fingerprint() {
    return fingerprint(certificate());
  }

  /**
   * SHA-256 of the certificate's DER encoding, as upper-case hex pairs joined by colons (as
   * {@code openssl x509 -fingerprint -sha256} and Firefox show it; Chrome shows the same digits).
   */
  public static String fingerprint(X509Certificate certificate) {
    try {
      return fingerprint(certificate.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the certificate's encoding is missing", e);
    }
  }

  /**
   * The fingerprint of the first certificate in a PEM file, from its bytes alone: nothing parsed
   * but the PEM, so no X.509 code is loaded (a page that shows it needs no more). Whether the
   * certificate is valid is {@link #read}'s to say.
   */
  public static String fingerprint(Path certFile) throws IOException {
    return fingerprint(certificateBlocks(certFile).get(0));
  }

  private static String fingerprint(byte[] der) {
    return HexFormat.ofDelimiter(":").withUpperCase().formatHex(Sha256.of(der));
  }

  /**
   * A TLS context that serves this key and chain. A key manager of its own rather than a
   * KeyStore: a PKCS12 store encrypts the key on the way in and decrypts it on the way out
   * (~120 ms of PBKDF2 at every start here), for a key that never leaves this process's memory.
   * And no trust manager: a server that asks for no client certificate trusts nobody's, while the
   * JDK's default one would parse its whole CA store at the first connection and keep it (145
   * certificates here: 1.1 MiB of live heap, 0.3 MiB of class metadata).
   */
  public SSLContext sslContext() throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(new KeyManager[] {new OneKey()}, new TrustManager[0], null);
    return context;
  }

  @Override
  public String toString() {
    return "TlsIdentity[" + certificate().getSubjectX500Principal().getName() + ", SHA-256 " + fingerprint() + ", key " + Redact.MASK + "]";
  }

  /** Offers the one key and chain for every TLS handshake whose key type it fits. */
  private final class OneKey extends X509ExtendedKeyManager {
    private boolean fits(String keyType) {
      return key.getAlgorithm().equals(keyType); // "EC" or "RSA"; never an RSA key for RSASSA-PSS
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      return fits(keyType) ? ALIAS : null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return fits(keyType) ? ALIAS : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return fits(keyType) ? new String[] {ALIAS} : null;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return ALIAS.equals(alias) ? chain.toArray(X509Certificate[]::new) : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return ALIAS.equals(alias) ? key : null;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null; // a server only
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }

}
