package cloud.luoyun.osmanager.webssh;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /download?t=TICKET}: a file of the logged-in user, streamed from the SFTP channel
 * to the browser's own download manager. The ticket ({@link DownloadTickets}) is the only
 * credential: single-use, valid for seconds, from the address and for the session that asked for
 * it; anything else gets {@code 403} and nothing more. So does a request another site's page
 * makes ({@code Sec-Fetch-Site} or {@code Origin} not this origin). The file is never shown
 * inline: an attachment, {@code nosniff}, a sandboxing CSP, so an uploaded HTML file cannot run
 * in the terminal's origin. Streamed in {@link #CHUNK} pieces with blocking writes (the handler
 * runs on the pool), so a slow browser stops the reads: never the whole file in memory.
 */
final class DownloadHandler {
  private static final Logger LOG = LoggerFactory.getLogger(DownloadHandler.class);
  static final String PATH = "/download";
  static final int CHUNK = 64 * 1024;
  static final String POLICY = "default-src 'none'; sandbox";

  private final DownloadTickets tickets;
  private final OriginCheck names;

  DownloadHandler(DownloadTickets tickets, OriginCheck names) {
    this.tickets = tickets;
    this.names = names;
  }

  /** Answers a request for {@link #PATH} that came over TLS for one of our host names. */
  void handle(Request request, Response response, Callback callback, OriginCheck.Authority host) {
    SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
    InetAddress from = remote instanceof InetSocketAddress inet ? inet.getAddress() : InetAddress.getLoopbackAddress();
    if (!HttpMethod.GET.is(request.getMethod())) {
      Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
      return;
    }
    String site = request.getHeaders().get("Sec-Fetch-Site");
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if ((site != null && !site.equals("same-origin") && !site.equals("none"))
        || (origin != null && !OriginCheck.sameOrigin(origin, host, true))) {
      LOG.info("refused a download from {}: a request of another site (Origin {}, Sec-Fetch-Site {})", from, origin,
          site);
      Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403);
      return;
    }
    String id = Request.extractQueryParameters(request).getValue("t");
    Optional<DownloadTickets.Ticket> ticket = tickets.redeem(id, from);
    if (ticket.isEmpty()) {
      LOG.info("refused a download from {}: its ticket is unknown, used, expired or not theirs", from);
      Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403);
      return;
    }
    stream(ticket.get(), request, response, callback);
  }

  private static void stream(DownloadTickets.Ticket t, Request request, Response response, Callback callback) {
    long started = System.nanoTime();
    long sent = 0;
    String name = t.path().substring(t.path().lastIndexOf('/') + 1);
    RemoteFiles.Entry entry;
    try {
      entry = t.files().stat(t.path());
    } catch (IOException e) {
      entry = null;
    }
    if (entry == null || entry.kind() != RemoteFiles.Kind.FILE) {
      FilesAudit.log(t.user(), t.client(), "download", t.path(), 0, System.nanoTime() - started,
          "failed: not a file any more");
      Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
      return;
    }
    try (InputStream in = t.files().read(t.path())) {
      response.setStatus(HttpStatus.OK_200);
      var h = response.getHeaders();
      h.put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
      h.put(HttpHeader.CONTENT_LENGTH, entry.size());
      h.put("Content-Disposition", FileNames.contentDisposition(name));
      h.put("X-Content-Type-Options", "nosniff");
      h.put("Content-Security-Policy", POLICY);
      h.put(HttpHeader.CACHE_CONTROL, "no-store");
      h.put("Referrer-Policy", "no-referrer");
      OutputStream out = Content.Sink.asOutputStream(response);
      byte[] buffer = new byte[CHUNK];
      long left = entry.size(); // what the headers promised: a file that grows meanwhile is cut there
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          break;
        }
        out.write(buffer, 0, n);
        sent += n;
        left -= n;
      }
      if (left > 0) {
        throw new IOException("the file shrank while it was read");
      }
      out.close();
      callback.succeeded();
      FilesAudit.log(t.user(), t.client(), "download", t.path(), sent, System.nanoTime() - started, "finished");
    } catch (IOException | RuntimeException e) {
      FilesAudit.log(t.user(), t.client(), "download", t.path(), sent, System.nanoTime() - started,
          "failed: " + e.getMessage());
      if (response.isCommitted()) {
        callback.failed(e); // the browser sees the download fail, not a short file
      } else {
        Response.writeError(request, response, callback, HttpStatus.BAD_GATEWAY_502);
      }
    }
  }
}
