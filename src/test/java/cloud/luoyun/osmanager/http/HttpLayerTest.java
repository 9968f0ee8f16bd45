package cloud.luoyun.osmanager.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.luoyun.osmanager.TestTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one HTTP layer's ports under faults, in-process. */
class HttpLayerTest {
  final LinkedBlockingQueue<Throwable> reported = new LinkedBlockingQueue<>();
  Thread.UncaughtExceptionHandler previous;
  HttpLayer http;

  @BeforeEach
  void recordFatalReports() {
    previous = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((thread, e) -> reported.add(e));
  }

  @AfterEach
  void restore() {
    if (http != null) {
      http.close();
    }
    Thread.setDefaultUncaughtExceptionHandler(previous);
  }

  static final class Hello extends Handler.Abstract.NonBlocking {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      response.write(true, ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), callback);
      return true;
    }
  }

  HttpLayer.Attachment startOnePort() throws Exception {
    http = HttpLayer.create();
    HttpLayer.Attachment a = http.attach(new HttpLayer.Port("test",
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Duration.ofSeconds(5), 16), new Hello());
    http.start();
    return a;
  }

  /**
   * Issue 11: after a heap exhaustion Jetty closed the page server's listening socket for good
   * ("ServerSocketChannelImpl[closed]") and the daemon went on without its port. A port lost
   * while the server runs is now reported as fatal, so the process ends and is restarted.
   */
  @Test
  void aListeningSocketClosedUnderARunningServerIsReportedAsFatal() throws Exception {
    HttpLayer.Attachment port = startOnePort();
    assertThat(get(port.port())).endsWith("hello");

    ((ServerSocketChannel) connector().getTransport()).close();

    Throwable fatal = reported.poll(20, TimeUnit.SECONDS);
    assertThat(fatal).isNotNull().hasMessageContaining("the listening socket was closed");
  }

  @Test
  void aPortStoppedOnPurposeIsNoFault() throws Exception {
    HttpLayer.Attachment port = startOnePort();
    assertThat(get(port.port())).endsWith("hello");
    port.close();
    http.close();
    assertThat(reported.poll(500, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void everyPortHasOneAcceptorThreadWhoseLoopOutlivesItsFailures() throws Exception {
    startOnePort();
    ServerConnector c = connector();
    assertThat(c).isInstanceOf(ResilientConnector.class);
    assertThat(c.getAcceptors()).isEqualTo(1);
    assertThat(c.getSelectorManager().getSelectorCount()).isEqualTo(1);
  }

  static final class SaysWhetherSecure extends Handler.Abstract.NonBlocking {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      response.write(true, ByteBuffer.wrap(("secure=" + request.isSecure()).getBytes(StandardCharsets.US_ASCII)),
          callback);
      return true;
    }
  }

  @Test
  void aTlsPortAnswersTlsAndPlainHttpOnOnePortAndTellsTheHandlerWhich() throws Exception {
    TlsIdentity id = TlsIdentity.selfSigned("test", List.of("localhost"), List.of(InetAddress.getLoopbackAddress()),
        Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600), new SecureRandom());
    http = HttpLayer.create();
    HttpLayer.Attachment a = http.attach(new HttpLayer.Port("test",
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Duration.ofSeconds(5), 16,
        Optional.of(id::sslContext)), new SaysWhetherSecure());
    http.start();

    assertThat(get(a.port())).startsWith("HTTP/1.1 200").endsWith("secure=false");
    // a browser names no address in SNI; a name the certificate lacks is the handler's business too
    try (SSLSocket s = (SSLSocket) TestTls.trusting(id.certificate()).getSocketFactory()
        .createSocket(InetAddress.getLoopbackAddress(), a.port())) {
      s.startHandshake();
      assertThat(s.getSession().getCipherSuite()).as("the port's first choice, which C1 encrypts fastest")
          .isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
    }
    for (String sni : new String[] {null, "localhost", "elsewhere.example"}) {
      String response = getOverTls(a.port(), id, sni);
      assertThat(response).as("SNI " + sni).startsWith("HTTP/1.1 200").endsWith("secure=true")
          .doesNotContainIgnoringCase("Strict-Transport-Security");
    }
  }

  /**
   * Issue 9: the TLS context (and with it the JDK's TLS code) is asked for at the first TLS
   * connection, not at start nor for plain HTTP; once; and again after it failed.
   */
  @Test
  void theTlsContextIsAskedForAtTheFirstTlsConnectionAndAgainAfterAFailure() throws Exception {
    TlsIdentity id = TlsIdentity.selfSigned("test", List.of("localhost"), List.of(InetAddress.getLoopbackAddress()),
        Instant.now().minusSeconds(60), Instant.now().plusSeconds(3600), new SecureRandom());
    AtomicInteger asked = new AtomicInteger();
    AtomicBoolean broken = new AtomicBoolean(true);
    HttpLayer.TlsContext tls = () -> {
      asked.incrementAndGet();
      if (broken.get()) {
        throw new IOException("the key file is unreadable");
      }
      return id.sslContext();
    };
    http = HttpLayer.create();
    HttpLayer.Attachment a = http.attach(new HttpLayer.Port("test",
        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), Duration.ofSeconds(5), 16, Optional.of(tls)),
        new SaysWhetherSecure());
    http.start();
    assertThat(get(a.port())).endsWith("secure=false");
    assertThat(asked).as("not at start, not for plain HTTP").hasValue(0);

    assertThatThrownBy(() -> getOverTls(a.port(), id, null)).isInstanceOf(IOException.class);
    assertThat(asked).hasValue(1);
    assertThat(get(a.port())).as("plain HTTP still answered").endsWith("secure=false");

    broken.set(false);
    assertThat(getOverTls(a.port(), id, null)).endsWith("secure=true");
    assertThat(getOverTls(a.port(), id, null)).endsWith("secure=true");
    assertThat(asked).as("asked again after the failure, then kept").hasValue(2);
  }

  /** GET / over TLS, trusting exactly {@code id}'s certificate and checking the address is in it. */
  static String getOverTls(int port, TlsIdentity id, String sni) throws Exception {
    SSLContext client = TestTls.trusting(id.certificate());
    try (SSLSocket s = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port)) {
      SSLParameters p = s.getSSLParameters();
      p.setEndpointIdentificationAlgorithm("HTTPS");
      p.setServerNames(sni == null ? List.of() : List.of(new SNIHostName(sni)));
      s.setSSLParameters(p);
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  private ServerConnector connector() {
    Connector[] all = http.server().getConnectors();
    assertThat(all).hasSize(1);
    return (ServerConnector) all[0];
  }

  static String get(int port) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
          .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
