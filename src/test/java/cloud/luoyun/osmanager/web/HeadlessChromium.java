package cloud.luoyun.osmanager.web;

import cloud.luoyun.osmanager.TestFiles;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A headless Chromium driven over its DevTools protocol (a WebSocket, JDK client): no WebDriver,
 * no extra dependency. One browser, one page. Closing kills the browser's whole process tree and
 * removes its profile folder.
 */
final class HeadlessChromium implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/chromium");
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final Process process;
  private final Path profile;
  private final WebSocket socket;
  private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final List<String> stderr = java.util.Collections.synchronizedList(new ArrayList<>());
  private String sessionId;

  static boolean available() {
    return Files.isExecutable(BINARY);
  }

  HeadlessChromium(Path profile, int width, int height) throws Exception {
    this.profile = profile;
    process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-extensions",
        "--user-data-dir=" + profile, "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1",
        "--window-size=" + width + "," + height, "about:blank")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    CompletableFuture<String> wsUrl = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(
          new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          stderr.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            wsUrl.complete(m.group(1));
          }
        }
      } catch (IOException e) {
        // the browser went away
      }
      wsUrl.completeExceptionally(new IOException("chromium exited: " + stderr));
    }, "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    try {
      socket = HttpClient.newHttpClient().newWebSocketBuilder()
          .connectTimeout(TIMEOUT)
          .buildAsync(URI.create(wsUrl.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)), new Listener())
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      String targetId = (String) send(null, "Target.createTarget", Map.of("url", "about:blank")).get("targetId");
      sessionId = (String) send(null, "Target.attachToTarget",
          Map.of("targetId", targetId, "flatten", true)).get("sessionId");
      send("Page.enable", Map.of());
      send("Network.enable", Map.of());
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /** Sends every request of this page with this Accept-Language. */
  void acceptLanguage(String value) throws Exception {
    send("Network.setExtraHTTPHeaders", Map.of("headers", Map.of("Accept-Language", value)));
  }

  /**
   * Shows pages as a phone does: a viewport of this CSS size with the mobile meta-viewport rules
   * and a touch screen (the window itself cannot be narrower than 500 px in headless mode).
   */
  void emulatePhone(int width, int height) throws Exception {
    send("Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", true));
    send("Emulation.setTouchEmulationEnabled", Map.of("enabled", true, "maxTouchPoints", 5));
  }

  void navigate(String url) throws Exception {
    send("Page.navigate", Map.of("url", url));
  }

  /** Evaluates a JavaScript expression in the page and returns its value. */
  Object evaluate(String expression) throws Exception {
    Map<String, Object> r = send("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
    Object result = r.get("result");
    return result instanceof Map<?, ?> m ? m.get("value") : null;
  }

  /** Polls until the expression is true; false if it never became so in 30 s. */
  boolean waitFor(String expression) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Boolean.TRUE.equals(evaluate(expression))) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  void screenshot(Path png) throws Exception {
    Map<String, Object> r = send("Page.captureScreenshot", Map.of("format", "png"));
    Files.createDirectories(png.getParent());
    Files.write(png, Base64.getDecoder().decode((String) r.get("data")));
  }

  private Map<String, Object> send(String method, Map<String, Object> params) throws Exception {
    return send(sessionId, method, params);
  }

  private Map<String, Object> send(String session, String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    Map<String, Object> msg = new LinkedHashMap<>();
    msg.put("id", id);
    if (session != null) {
      msg.put("sessionId", session);
    }
    msg.put("method", method);
    msg.put("params", params);
    CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
    pending.put(id, reply);
    socket.sendText(JSON.std.asString(msg), true).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    Map<String, Object> r = reply.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (r.containsKey("error")) {
      throw new IOException(method + ": " + r.get("error"));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> result = (Map<String, Object>) r.getOrDefault("result", Map.of());
    return result;
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        try {
          Map<String, Object> msg = JSON.std.mapFrom(text.toString());
          Object id = msg.get("id");
          if (id instanceof Number n) {
            CompletableFuture<Map<String, Object>> f = pending.remove(n.intValue());
            if (f != null) {
              f.complete(msg);
            }
          }
        } catch (IOException e) {
          // not JSON: ignore
        }
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      socket.abort();
    }
    // descendants first (renderers, zygote), then the browser itself
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      TestFiles.deleteTree(profile);
    } catch (IOException e) {
      // best effort: it is under the test's temp dir
    }
  }
}
