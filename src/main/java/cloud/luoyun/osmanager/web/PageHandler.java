package cloud.luoyun.osmanager.web;

import cloud.luoyun.osmanager.config.Home;
import cloud.luoyun.osmanager.util.Closeables;
import cloud.luoyun.osmanager.web.SiteFolder.Found;
import cloud.luoyun.osmanager.web.SiteFolder.Lookup;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.eclipse.jetty.http.DateGenerator;
import org.eclipse.jetty.http.DateParser;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MimeTypes;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.URIUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page server's request handler: routing by cookie, templating, static files, the owner's
 * status. Every response is built here, so every response is known: GET and HEAD only, the same
 * plain {@code 404 Not Found} for every path that does not lead to a file in the view's folder
 * (whatever the reason), and no server banner.
 *
 * <p>Thread-safe: the only mutable state is the watched files and a cached address, both safe for
 * concurrent use.
 */
final class PageHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(PageHandler.class);

  static final String STATUS_PATH = "/status.json";
  /** HTML pages up to this size are templated in memory; static files up to it are sent in one write. */
  static final int MAX_IN_MEMORY_BYTES = 1024 * 1024;
  /**
   * Heap that requests may hold beyond the {@link FileCache}'s own bound, all together: files too
   * big for the cache read (and templated) for one response, and the chunk of each streamed file.
   * Beyond it a request is answered 503 at once, so a burst of them cannot exhaust the heap.
   */
  static final long MAX_IN_FLIGHT_BYTES = 8L * 1024 * 1024;
  /** What one streamed response holds at a time: the chunk being sent. */
  static final int STREAM_CHUNK_BYTES = 32 * 1024;
  private static final long HOST_ADDRESS_CACHE_NANOS = 10_000_000_000L;
  private static final String HTML_UTF8 = "text/html;charset=utf-8";

  private final SiteFolder withCookie;
  private final SiteFolder noCookie;
  private final WatchedFile<SiteConfig> config;
  private final WatchedFile<VersionInfo> version;
  private final AgentStatusSource agent;
  private final TerminalLink terminal;
  private final StatusReport statusReport;
  private final HostAddresses hostAddresses;
  private final AccessLog accessLog;
  private final Clock clock;
  private final FileCache files = new FileCache();
  private final ResponseBudget inFlight;
  private volatile String cachedPrimaryIpv4;
  private volatile long cachedPrimaryIpv4Until;
  private final Path kernelHostname;
  private volatile String cachedHostname;
  private volatile long cachedHostnameUntil;

  PageHandler(Home home, AgentStatusSource agent, TerminalLink terminal, AccessLog accessLog, Clock clock,
      Path proc, HostAddresses hostAddresses, long inFlightBytes, Recheck recheck) {
    this.inFlight = new ResponseBudget(inFlightBytes);
    this.withCookie = new SiteFolder(home.wwwWithCookie(), recheck);
    this.noCookie = new SiteFolder(home.wwwNoCookie(), recheck);
    this.config = new WatchedFile<>(home.conf(), SiteConfig::load, recheck);
    this.version = new WatchedFile<>(home.versionFile(), PageHandler::loadVersion, recheck);
    this.agent = agent;
    this.terminal = terminal;
    this.hostAddresses = hostAddresses;
    this.statusReport = new StatusReport(proc, hostAddresses);
    this.kernelHostname = proc.resolve("sys/kernel/hostname");
    this.accessLog = accessLog;
    this.clock = clock;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Exchange x = new Exchange(request, response, callback);
    String method = request.getMethod();
    if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
      x.plain(HttpStatus.METHOD_NOT_ALLOWED_405, "-");
      return true;
    }
    SiteConfig site = config.get();
    boolean owner = site.isOwner(cookieParameter(request.getHttpURI().getQuery()));
    String view = owner ? "owner" : "public";
    String path = decodedPath(request);
    if (STATUS_PATH.equals(path)) {
      if (owner) {
        status(x, site);
      } else {
        x.plain(HttpStatus.FORBIDDEN_403, view);
      }
      return true;
    }
    SiteFolder folder = owner ? withCookie : noCookie;
    Lookup lookup = folder.lookup(path);
    if (lookup instanceof Lookup.File f && f.recalled() && !files.holds(f.found().file(), f.found().attributes())) {
      lookup = folder.lookupNow(path); // the file is to be read from disk: checked now, not a second ago
    }
    if (lookup instanceof Lookup.NotFound && ("/".equals(path) || ("/" + SiteFolder.INDEX).equals(path))
        && !folder.hasIndex()) {
      // the appliance has no page of its own for this view: the built-in one
      defaultPage(x, site, owner, view);
    } else if (lookup instanceof Lookup.File f) {
      file(x, site, f.found(), owner, view);
    } else if (lookup instanceof Lookup.AddSlash) {
      String query = request.getHttpURI().getQuery();
      response.getHeaders().put(HttpHeader.LOCATION,
          encodePath(path) + "/" + (query == null ? "" : "?" + query));
      x.send(HttpStatus.MOVED_PERMANENTLY_301, null, new byte[0], view);
    } else {
      x.plain(HttpStatus.NOT_FOUND_404, view);
    }
    return true;
  }

  /**
   * The request path, decoded: Jetty gives it normalized but still percent-encoded (and has already
   * refused encoded separators and dot segments). A double encoding such as {@code %252e} comes
   * out as {@code %2e}, which {@link SiteFolder} refuses. Null when it does not decode.
   */
  private static String decodedPath(Request request) {
    try {
      return URIUtil.decodePath(Request.getPathInContext(request));
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void defaultPage(Exchange x, SiteConfig site, boolean owner, String view) {
    Language language = Language.preferred(x.request.getHeaders().get(HttpHeader.ACCEPT_LANGUAGE));
    OptionalInt terminalPort = terminal.port(site.webssh());
    Optional<String> fingerprint = owner && terminalPort.isPresent() ? terminal.fingerprint() : Optional.empty();
    byte[] page = DefaultPages.get().page(language, owner, terminalPort.isPresent(), fingerprint.isPresent());
    Map<String, String> values = values(x.request, site);
    terminalPort.ifPresent(port -> values.put("websshport", Integer.toString(port)));
    fingerprint.ifPresent(f -> values.put("websshfingerprint", f));
    HttpFields.Mutable h = x.response.getHeaders();
    h.put(HttpHeader.CACHE_CONTROL, "no-store");
    h.put(HttpHeader.VARY, "Accept-Language");
    h.put(HttpHeader.CONTENT_LANGUAGE, language.tag);
    h.put("Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; "
            + "frame-ancestors 'none'");
    x.send(HttpStatus.OK_200, HTML_UTF8, PageTemplate.fill(page, values), view);
  }

  private void file(Exchange x, SiteConfig site, Found found, boolean owner, String view) {
    long size = found.attributes().size();
    HttpFields.Mutable h = x.response.getHeaders();
    boolean uncacheable = size > FileCache.MAX_FILE_BYTES && size <= MAX_IN_MEMORY_BYTES;
    // read for this response alone (and, for a page, templated: about twice its size)
    if (uncacheable && !x.hold(found.isHtml() ? 2 * size : size)) {
      x.unavailable(view);
      return;
    }
    if (found.isHtml() && size <= MAX_IN_MEMORY_BYTES) {
      FileCache.Entry page;
      try {
        page = files.get(found.file(), found.attributes());
      } catch (IOException e) {
        LOG.debug("cannot read {}", found.file(), e);
        x.plain(HttpStatus.NOT_FOUND_404, view);
        return;
      }
      h.put(HttpHeader.CACHE_CONTROL, "no-store");
      x.send(HttpStatus.OK_200, "text/html", page.templated(values(x.request, site)), view);
      return;
    }
    long modified = found.attributes().lastModifiedTime().toMillis();
    String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(modified) + "\"";
    h.put(HttpHeader.ETAG, etag);
    h.put(HttpHeader.LAST_MODIFIED, DateGenerator.formatDate(modified));
    h.put(HttpHeader.CACHE_CONTROL, owner ? "private, no-cache" : "no-cache");
    if (notModified(x.request.getHeaders(), etag, modified)) {
      x.send(HttpStatus.NOT_MODIFIED_304, null, null, view);
      return;
    }
    String type = contentType(found.file().getFileName().toString());
    if (size <= MAX_IN_MEMORY_BYTES) {
      try {
        x.send(HttpStatus.OK_200, type, files.get(found.file(), found.attributes()).bytes, view);
      } catch (IOException e) {
        LOG.debug("cannot read {}", found.file(), e);
        x.plain(HttpStatus.NOT_FOUND_404, view);
      }
      return;
    }
    if (!x.hold(STREAM_CHUNK_BYTES)) {
      x.unavailable(view);
      return;
    }
    x.stream(found.file(), size, type, view);
  }

  private void status(Exchange x, SiteConfig site) {
    Map<String, Object> report = statusReport.build(hostname(x.request, site), version.get(),
        agent.current(), clock.instant());
    byte[] json;
    try {
      json = JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT, JSON.Feature.WRITE_NULL_PROPERTIES).asBytes(report);
    } catch (IOException e) {
      LOG.error("cannot write status.json: {}", e.toString());
      x.plain(HttpStatus.INTERNAL_SERVER_ERROR_500, "owner");
      return;
    }
    x.response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    x.send(HttpStatus.OK_200, "application/json", json, "owner");
  }

  /** The five values of SPEC 5, in a fresh mutable map. */
  private Map<String, String> values(Request request, SiteConfig site) {
    VersionInfo v = version.get();
    ZonedDateTime now = ZonedDateTime.now(clock);
    Map<String, String> m = new HashMap<>(8);
    m.put("hostname", hostname(request, site));
    m.put("application", v.application());
    m.put("version1", v.version1());
    m.put("version2", v.version2());
    m.put("curtime", twoDigits(now.getHour()) + ":" + twoDigits(now.getMinute()));
    return m;
  }

  private static String twoDigits(int n) {
    return n < 10 ? "0" + n : Integer.toString(n);
  }

  /**
   * {@code domain.name}, else the first network entry's ip; without a LuoYun config (the instance
   * was configured from another cloud's volume, which names the host) the host's own name; else
   * the host's primary IPv4; else the address this request came in on. The host's facts are
   * cached for 10 s.
   */
  String hostname(Request request, SiteConfig site) {
    if (site.configuredHostname().isPresent()) {
      return site.configuredHostname().get();
    }
    long now = System.nanoTime();
    if (site == SiteConfig.NONE) {
      String name = cachedHostname;
      if (name == null || now - cachedHostnameUntil > 0) {
        name = kernelHostname();
        cachedHostname = name;
        cachedHostnameUntil = now + HOST_ADDRESS_CACHE_NANOS;
      }
      if (!name.isEmpty()) {
        return name;
      }
    }
    String ip = cachedPrimaryIpv4;
    if (ip == null || now - cachedPrimaryIpv4Until > 0) {
      ip = hostAddresses.primaryIpv4().orElse("");
      cachedPrimaryIpv4 = ip;
      cachedPrimaryIpv4Until = now + HOST_ADDRESS_CACHE_NANOS;
    }
    if (!ip.isEmpty()) {
      return ip;
    }
    SocketAddress local = request.getConnectionMetaData().getLocalSocketAddress();
    return local instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "localhost";
  }

  /** The kernel's host name when it is a name worth showing (not empty, not localhost, a DNS name); else "". */
  private String kernelHostname() {
    try {
      String name = new String(Files.readAllBytes(kernelHostname), StandardCharsets.US_ASCII).strip();
      return name.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,252})") && !name.equals("localhost") ? name : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** The first {@code cookie} parameter of the raw query, decoded; null when absent or garbled. */
  static String cookieParameter(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return null;
    }
    for (String pair : rawQuery.split("&", 256)) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      try {
        if ("cookie".equals(URLDecoder.decode(name, StandardCharsets.UTF_8))) {
          return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
      } catch (IllegalArgumentException e) {
        return null; // a bad %-escape: treat the request as a visitor's
      }
    }
    return null;
  }

  /**
   * The decoded path, empty segments dropped, percent-encoded again: {@code //evil.example/dir}
   * becomes {@code /evil.example/dir}, never a protocol-relative URL to another site.
   */
  static String encodePath(String decodedPath) {
    StringBuilder sb = new StringBuilder(decodedPath.length() + 8);
    for (String segment : decodedPath.split("/")) {
      if (segment.isEmpty()) {
        continue;
      }
      sb.append('/');
      for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
        int c = b & 0xff;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || "-._~!$&'()*+,;=:@".indexOf(c) >= 0) {
          sb.append((char) c);
        } else {
          sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
              .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
        }
      }
    }
    return sb.length() == 0 ? "/" : sb.toString();
  }

  static boolean notModified(HttpFields headers, String etag, long modifiedMillis) {
    String inm = headers.get(HttpHeader.IF_NONE_MATCH);
    if (inm != null) {
      for (String tag : inm.split(",")) {
        String t = tag.trim();
        if (t.startsWith("W/")) {
          t = t.substring(2);
        }
        if (t.equals("*") || t.equals(etag)) {
          return true;
        }
      }
      return false; // If-None-Match wins over If-Modified-Since (RFC 9110 13.1.3)
    }
    String ims = headers.get(HttpHeader.IF_MODIFIED_SINCE);
    if (ims != null) {
      long since = DateParser.parseDate(ims);
      return since >= 0 && modifiedMillis / 1000 <= since / 1000;
    }
    return false;
  }

  static String contentType(String fileName) {
    String type = MimeTypes.DEFAULTS.getMimeByExtension(fileName);
    return type == null ? "application/octet-stream" : type;
  }

  /** The {@link WatchedFile} loader for {@code build/VERSION}: one warning per change of the file. */
  static VersionInfo loadVersion(Path file, boolean exists) {
    if (!exists) {
      LOG.warn("{} is missing: the pages show \"unknown\" for the application and versions", file);
      return VersionInfo.UNKNOWN;
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(VersionInfo.MAX_FILE_BYTES + 1);
    } catch (IOException e) {
      LOG.warn("cannot read {} ({}): the pages show \"unknown\" versions", file, e.toString());
      return VersionInfo.UNKNOWN;
    }
    return VersionInfo.parse(bytes).orElseGet(() -> {
      LOG.warn("{} is not two lines like \"Version: 1.0\" and \"OwnCloud: 4.0.7\": "
          + "the pages show \"unknown\" versions", file);
      return VersionInfo.UNKNOWN;
    });
  }

  /**
   * One request and its response; writes the response and the access log line. What it
   * {@link #hold}s of the in-flight budget goes back when the response is written, however that ends.
   */
  private final class Exchange {
    final Request request;
    final Response response;
    final Callback callback;
    private long held;

    Exchange(Request request, Response response, Callback callback) {
      this.request = request;
      this.response = response;
      this.callback = callback;
    }

    /** Takes {@code bytes} of the in-flight budget until the response is written; false when full. */
    boolean hold(long bytes) {
      if (!inFlight.tryAcquire(bytes)) {
        return false;
      }
      held += bytes;
      return true;
    }

    /** Too much heap in flight already: come back in a second. */
    void unavailable(String view) {
      response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
      plain(HttpStatus.SERVICE_UNAVAILABLE_503, view);
    }

    /** A plain-text status page that says nothing but the status. */
    void plain(int status, String view) {
      byte[] body = (status + " " + HttpStatus.getMessage(status) + "\n")
          .getBytes(StandardCharsets.US_ASCII);
      if (status >= 400) {
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      }
      send(status, "text/plain;charset=utf-8", body, view);
    }

    void send(int status, String contentType, byte[] body, String view) {
      boolean head = HttpMethod.HEAD.is(request.getMethod());
      long length = body == null ? 0 : body.length;
      response.setStatus(status);
      HttpFields.Mutable h = response.getHeaders();
      common(h, contentType);
      if (status != HttpStatus.NOT_MODIFIED_304) {
        h.put(HttpHeader.CONTENT_LENGTH, length);
      }
      log(status, head || body == null ? 0 : length, view);
      Callback done = releasing();
      if (head || body == null || body.length == 0) {
        response.write(true, null, done);
      } else {
        response.write(true, ByteBuffer.wrap(body), done);
      }
    }

    /** The request's callback, after giving back what this exchange holds, however the write ends. */
    private Callback releasing() {
      long bytes = held;
      held = 0;
      Callback next = callback;
      if (bytes == 0) {
        return next;
      }
      return new Callback() {
        @Override
        public void succeeded() {
          inFlight.release(bytes);
          next.succeeded();
        }

        @Override
        public void failed(Throwable failure) {
          inFlight.release(bytes);
          next.failed(failure);
        }

        @Override
        public InvocationType getInvocationType() {
          return next.getInvocationType();
        }
      };
    }

    /** A large static file, streamed from disk in pooled buffers. */
    void stream(Path file, long size, String contentType, String view) {
      boolean head = HttpMethod.HEAD.is(request.getMethod());
      SeekableByteChannel ch;
      try {
        ch = Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
      } catch (IOException e) {
        plain(HttpStatus.NOT_FOUND_404, view);
        return;
      }
      response.setStatus(HttpStatus.OK_200);
      common(response.getHeaders(), contentType);
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, size);
      log(HttpStatus.OK_200, head ? 0 : size, view);
      Callback done = releasing();
      if (head) {
        Closeables.closeQuietly(ch);
        response.write(true, null, done);
        return;
      }
      ByteBufferPool.Sized pool = new ByteBufferPool.Sized(
          request.getComponents().getByteBufferPool(), false, STREAM_CHUNK_BYTES);
      Content.Source source = Content.Source.from(pool, ch, 0, size);
      Content.copy(source, response, new Callback() {
        @Override
        public void succeeded() {
          Closeables.closeQuietly(ch);
          done.succeeded();
        }

        @Override
        public void failed(Throwable failure) {
          Closeables.closeQuietly(ch);
          done.failed(failure);
        }
      });
    }

    private void common(HttpFields.Mutable h, String contentType) {
      if (contentType != null) {
        h.put(HttpHeader.CONTENT_TYPE, contentType);
      }
      h.put("X-Content-Type-Options", "nosniff");
      // owner URLs carry the cookie: never let it travel to another site in a Referer
      h.put("Referrer-Policy", "no-referrer");
    }

    private void log(int status, long bytes, String view) {
      String uri = request.getHttpURI().getPathQuery();
      accessLog.log(Instant.ofEpochMilli(Request.getTimeStamp(request)), Request.getRemoteAddr(request),
          request.getMethod(), uri == null ? "-" : uri,
          request.getConnectionMetaData().getProtocol(), status, bytes, "owner".equals(view),
          request.getHeaders().get(HttpHeader.REFERER), request.getHeaders().get(HttpHeader.USER_AGENT));
    }
  }
}
