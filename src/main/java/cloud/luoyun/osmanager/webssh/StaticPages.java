package cloud.luoyun.osmanager.webssh;

import cloud.luoyun.osmanager.util.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The terminal page and its scripts, from the jar: a fixed list of paths (nothing else is
 * reachable, so no path tricks), loaded on first request and kept (~400 KB), with ETags so a
 * reload (the usual way back into a session) costs one round trip per file.
 *
 * <p>The page itself ({@code index.html}) is filled in per request: {@code {{lang}}} with the
 * language of the browser (by {@code Accept-Language}, {@link TerminalLanguage}), which the
 * script speaks in, and {@code {{host}}} with the name of the host whose shell the terminal
 * gives (this host's own name as its kernel has it, which the shell's prompt shows; for an sshd
 * elsewhere, the name it was given as). Thread-safe.
 */
final class StaticPages extends Handler.Abstract.NonBlocking {
  static final Path KERNEL_HOSTNAME = Path.of("/proc/sys/kernel/hostname");
  private static final String INDEX = "index.html";
  private static final String ROOT = "/cloud/luoyun/osmanager/webssh/page/";
  private static final String JS = "text/javascript; charset=utf-8";
  private static final String CSS = "text/css; charset=utf-8";
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final Map<String, String[]> FILES = Map.of(
      "/", new String[] {"index.html", "text/html; charset=utf-8"},
      "/terminal.js", new String[] {"terminal.js", JS},
      "/files.js", new String[] {"files.js", JS},
      "/terminal.css", new String[] {"terminal.css", CSS},
      "/xterm/lib/xterm.mjs", new String[] {"xterm/lib/xterm.mjs", JS},
      "/xterm/css/xterm.css", new String[] {"xterm/css/xterm.css", CSS},
      "/xterm/LICENSE", new String[] {"xterm/LICENSE", TEXT},
      "/addon-fit/lib/addon-fit.mjs", new String[] {"addon-fit/lib/addon-fit.mjs", JS},
      "/addon-fit/LICENSE", new String[] {"addon-fit/LICENSE", TEXT});
  // The DOM renderer adds <style> elements, hence 'unsafe-inline' for styles only.
  private static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
      + "connect-src 'self'; img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; "
      + "frame-ancestors 'none'";

  private record Loaded(byte[] bytes, String etag) {}

  private final Map<String, Loaded> cache = new ConcurrentHashMap<>();
  private final WebTerminalSettings settings;

  StaticPages(WebTerminalSettings settings) {
    this.settings = settings;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    String[] file = FILES.get(path);
    if (file == null) {
      Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
      return true;
    }
    String method = request.getMethod();
    if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
      return true;
    }
    Loaded loaded;
    try {
      loaded = cache.computeIfAbsent(file[0], StaticPages::load);
    } catch (UncheckedIOException e) {
      Response.writeError(request, response, callback, HttpStatus.INTERNAL_SERVER_ERROR_500,
          "the page is missing from the build: " + file[0]);
      return true;
    }
    var headers = response.getHeaders();
    if (INDEX.equals(file[0])) {
      TerminalLanguage language = TerminalLanguage.of(request.getHeaders().get(HttpHeader.ACCEPT_LANGUAGE));
      loaded = filled(loaded, language);
      headers.put(HttpHeader.VARY, "Accept-Language");
      headers.put(HttpHeader.CONTENT_LANGUAGE, language.tag);
    }
    headers.put(HttpHeader.CONTENT_TYPE, file[1]);
    headers.put(HttpHeader.CACHE_CONTROL, "no-cache");
    headers.put(HttpHeader.ETAG, loaded.etag());
    headers.put("X-Content-Type-Options", "nosniff");
    headers.put("X-Frame-Options", "DENY");
    headers.put("Referrer-Policy", "no-referrer");
    headers.put("Content-Security-Policy", POLICY);
    String match = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
    if (loaded.etag().equals(match)) {
      response.setStatus(HttpStatus.NOT_MODIFIED_304);
      response.write(true, null, callback);
      return true;
    }
    response.setStatus(HttpStatus.OK_200);
    headers.put(HttpHeader.CONTENT_LENGTH, loaded.bytes().length);
    response.write(true, HttpMethod.HEAD.is(method) ? null : ByteBuffer.wrap(loaded.bytes()), callback);
    return true;
  }

  private static Loaded load(String name) {
    try (InputStream in = StaticPages.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new UncheckedIOException(new IOException("no resource " + ROOT + name));
      }
      return loaded(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Loaded loaded(byte[] bytes) {
    return new Loaded(bytes, "\"" + HexFormat.of().formatHex(Sha256.of(bytes), 0, 12) + "\"");
  }

  /** The page for this language and the host's name now (its ETag follows both). */
  private Loaded filled(Loaded template, TerminalLanguage language) {
    String page = new String(template.bytes(), StandardCharsets.UTF_8)
        .replace("{{lang}}", language.tag)
        .replace("{{host}}", escape(hostName()));
    return loaded(page.getBytes(StandardCharsets.UTF_8));
  }

  /** The name of the host whose shell this terminal gives. */
  String hostName() {
    if (!settings.sshOnThisHost()) {
      return settings.sshHost();
    }
    try {
      String name = printable(Files.readString(KERNEL_HOSTNAME, StandardCharsets.US_ASCII).strip());
      return name.isEmpty() ? settings.sshHost() : name;
    } catch (IOException | RuntimeException e) {
      return settings.sshHost();
    }
  }

  private static String printable(String s) {
    return s.codePoints().filter(c -> c > 0x20 && c < 0x7f).limit(253)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
        .replace("'", "&#39;");
  }
}
