package cloud.luoyun.osmanager.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
