package cloud.luoyun.osmanager;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * TLS clients for tests of the web terminal, which serves only TLS with a certificate of its
 * own. Most tests are about what travels inside and trust any certificate; those about the
 * certificate itself trust exactly one ({@link #trusting}), checking the address as browsers do.
 */
public final class TestTls {
  private TestTls() {}

  /** A TLS context that accepts any server certificate, with no host name check. */
  public static SSLContext trustingAnyCertificate() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new TrustAll()}, null);
      return context;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A TLS context that accepts only this certificate (and checks the host name against it, if asked). */
  public static SSLContext trusting(X509Certificate certificate) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("server", certificate);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return context;
  }

  /** The certificate a TLS server at {@code host:port} presents, whatever it is. */
  public static X509Certificate servedCertificate(String host, int port) throws Exception {
    try (SSLSocket s = (SSLSocket) trustingAnyCertificate().getSocketFactory().createSocket(host, port)) {
      s.setSoTimeout(30_000);
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  /** The JDK's HTTP client, trusting any certificate, following no redirects. */
  public static HttpClient httpClient() {
    return HttpClient.newBuilder().sslContext(trustingAnyCertificate()).build();
  }

  /** A started Jetty WebSocket client that trusts any certificate. */
  public static WebSocketClient webSocketClient() throws Exception {
    return webSocketClient(null);
  }

  /**
   * A started Jetty WebSocket client that trusts any certificate, its connections from
   * {@code bindAddress} (e.g. 127.0.0.2: loopback has them all), or from any when null.
   */
  public static WebSocketClient webSocketClient(String bindAddress) throws Exception {
    SslContextFactory.Client ssl = new SslContextFactory.Client();
    ssl.setSslContext(trustingAnyCertificate());
    ssl.setEndpointIdentificationAlgorithm("HTTPS"); // checked by the trust manager, which here accepts all
    org.eclipse.jetty.client.HttpClient http = new org.eclipse.jetty.client.HttpClient();
    http.setSslContextFactory(ssl);
    if (bindAddress != null) {
      http.setBindAddress(new InetSocketAddress(bindAddress, 0));
    }
    WebSocketClient ws = new WebSocketClient(http);
    ws.start();
    return ws;
  }

  private static final class TrustAll extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
