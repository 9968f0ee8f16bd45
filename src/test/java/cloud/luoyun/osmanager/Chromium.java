package cloud.luoyun.osmanager;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's headless Chromium driven over the DevTools protocol (JSON over a WebSocket, with the
 * JDK's own client): open a page on a desktop's or a phone's screen and in a given language, type
 * into it as a keyboard would, read its text, take a screenshot. Everything it starts is ended by
 * {@link #close()}, which also removes its profile folder; so does a constructor that fails. The
 * one browser of the tests: the built-in page's, the web terminal's and the appliance VM's.
 */
public final class Chromium implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/chromium");
  private static final Pattern LISTENING = Pattern.compile("DevTools listening on (ws://\\S+)");

  private final Path profile;
  private final Process process;
  private final WebSocket devtools;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
  private final StringBuilder incoming = new StringBuilder();

  public static boolean available() {
    return Files.isExecutable(BINARY);
  }

  /**
   * The flag that makes Chromium accept this one certificate's key although no authority vouches
   * for it, as a person does who checked its fingerprint and clicked through the warning. Any
   * other certificate still gets the warning.
   */
  public static String accepting(X509Certificate certificate) throws Exception {
    byte[] spki = MessageDigest.getInstance("SHA-256").digest(certificate.getPublicKey().getEncoded());
    return "--ignore-certificate-errors-spki-list=" + Base64.getEncoder().encodeToString(spki);
  }

  public Chromium(Path profile) throws Exception {
    this(profile, List.of());
  }

  /** @param flags more command-line flags, e.g. {@link #accepting} */
  public Chromium(Path profile, List<String> flags) throws Exception {
    this.profile = profile;
    List<String> argv = new ArrayList<>(List.of(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-default-apps", "--disable-extensions", "--user-data-dir=" + profile,
        "--remote-debugging-port=0", "--window-size=1000,640"));
    argv.addAll(flags);
    argv.add("about:blank");
    Process started = null;
    try {
      Files.createDirectories(profile);
      started = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      String browserUrl = awaitDevToolsUrl(started);
      URI browser = URI.create(browserUrl);
      HttpClient http = HttpClient.newHttpClient();
      String list = http.send(HttpRequest.newBuilder(
              URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/list")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      String pageUrl = null;
      for (Object target : JSON.std.listFrom(list)) {
        @SuppressWarnings("unchecked")
        Map<String, Object> t = (Map<String, Object>) target;
        if ("page".equals(t.get("type"))) {
          pageUrl = (String) t.get("webSocketDebuggerUrl");
          break;
        }
      }
      if (pageUrl == null) {
        throw new IOException("Chromium shows no page: " + list);
      }
      devtools = http.newWebSocketBuilder().buildAsync(URI.create(pageUrl), new Listener()).get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      try {
        end(started, profile);
      } catch (Exception cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
    process = started;
  }

  /**
   * The browser's DevTools address, from its stderr; the reader goes on draining stderr after, so
   * the browser never blocks writing to it.
   */
  private static String awaitDevToolsUrl(Process process) throws Exception {
    BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    CompletableFuture<String> url = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      List<String> said = new ArrayList<>(); // what it printed before it listened: why it did not
      try {
        String line;
        while ((line = err.readLine()) != null) {
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            url.complete(m.group(1));
          } else if (!url.isDone()) {
            said.add(line);
          }
        }
      } catch (IOException e) {
        // the process ended
      }
      url.completeExceptionally(new IOException("Chromium exited before it listened: " + String.join("\n", said)));
    }, "chromium-stderr");
    reader.setDaemon(true);
    reader.start();
    return url.get(30, TimeUnit.SECONDS);
  }

  private final class Listener implements WebSocket.Listener {
    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      incoming.append(data);
      if (last) {
        String message = incoming.toString();
        incoming.setLength(0);
        try {
          Map<String, Object> map = JSON.std.mapFrom(message);
          Object id = map.get("id");
          if (id instanceof Number n) {
            CompletableFuture<Map<String, Object>> f = pending.remove(n.intValue());
            if (f != null) {
              f.complete(map);
            }
          }
        } catch (IOException e) {
          // not ours to judge; the caller times out
        }
      }
      ws.request(1);
      return null;
    }
  }

  /** Calls a DevTools method and returns its result. */
  @SuppressWarnings("unchecked")
  public Map<String, Object> call(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
    pending.put(id, reply);
    devtools.sendText(JSON.std.asString(Map.of("id", id, "method", method, "params", params)), true)
        .get(10, TimeUnit.SECONDS);
    Map<String, Object> answer = reply.get(30, TimeUnit.SECONDS);
    if (answer.containsKey("error")) {
      throw new IOException(method + ": " + answer.get("error"));
    }
    return (Map<String, Object>) answer.getOrDefault("result", Map.of());
  }

  /**
   * Shows pages on a screen of this CSS size; a phone's also has the mobile meta-viewport rules and
   * a touch screen. Emulated, not the window's size: a headless window is never narrower than 500 px.
   */
  public void emulateScreen(int width, int height, boolean phone) throws Exception {
    call("Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", phone));
    if (phone) {
      call("Emulation.setTouchEmulationEnabled", Map.of("enabled", true, "maxTouchPoints", 5));
    }
  }

  /**
   * Sends this {@code Accept-Language} with the page's requests and its WebSockets' upgrades, as a
   * browser set to that language does.
   */
  public void acceptLanguage(String value) throws Exception {
    String agent = (String) evaluate("navigator.userAgent");
    call("Emulation.setUserAgentOverride", Map.of("userAgent", agent, "acceptLanguage", value));
  }

  /** The browser's first process (its others are descendants): for the benchmarks' CPU figures. */
  public ProcessHandle process() {
    return process.toHandle();
  }

  public void navigate(String url) throws Exception {
    call("Page.navigate", Map.of("url", url));
  }

  public void reload() throws Exception {
    call("Page.reload", Map.of());
  }

  @SuppressWarnings("unchecked")
  public Object evaluate(String expression) throws Exception {
    Map<String, Object> result = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
    return ((Map<String, Object>) result.get("result")).get("value");
  }

  public String bodyText() throws Exception {
    Object text = evaluate("document.body ? document.body.innerText : ''");
    return text == null ? "" : text.toString().replace('\u00a0', ' ');
  }

  /** Waits until the page's text contains {@code needle}; returns the text. */
  public String awaitText(String needle, Duration timeout) throws Exception {
    return awaitText(text -> text.contains(needle), "\"" + needle + "\"", timeout);
  }

  /**
   * Waits until the page's text satisfies {@code done} (e.g. an answer or a refusal, whichever
   * shows first); returns the text.
   */
  public String awaitText(Predicate<String> done, String what, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String text = "";
    while (System.nanoTime() < deadline) {
      text = bodyText();
      if (done.test(text)) {
        return text;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the page never showed " + what + "; it shows:\n" + text);
  }

  /** Waits until the JavaScript expression is true in the page. */
  public void awaitTrue(String expression, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!Boolean.TRUE.equals(evaluate(expression))) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("never true: " + expression + "; the page shows:\n" + bodyText());
      }
      Thread.sleep(100);
    }
  }

  /** Text as typed or pasted into the focused element (the terminal). */
  public void insertText(String text) throws Exception {
    call("Input.insertText", Map.of("text", text));
  }

  public void pressEnter() throws Exception {
    Map<String, Object> key = Map.of("key", "Enter", "code", "Enter", "windowsVirtualKeyCode", 13,
        "nativeVirtualKeyCode", 13, "text", "\r", "unmodifiedText", "\r");
    Map<String, Object> down = new java.util.HashMap<>(key);
    down.put("type", "keyDown");
    call("Input.dispatchKeyEvent", down);
    Map<String, Object> up = new java.util.HashMap<>(Map.of("key", "Enter", "code", "Enter",
        "windowsVirtualKeyCode", 13, "nativeVirtualKeyCode", 13));
    up.put("type", "keyUp");
    call("Input.dispatchKeyEvent", up);
  }

  public void typeLine(String text) throws Exception {
    insertText(text);
    pressEnter();
  }

  /**
   * Gives the {@code <input type="file">} that {@code selector} finds these files, as a person
   * choosing them in its dialog does: the page gets its change event and File objects that read
   * the files from disk.
   */
  @SuppressWarnings("unchecked")
  public void chooseFiles(String selector, List<Path> files) throws Exception {
    Map<String, Object> input = (Map<String, Object>) call("Runtime.evaluate",
        Map.of("expression", "document.querySelector(" + JSON.std.asString(selector) + ")")).get("result");
    if (input == null || input.get("objectId") == null) {
      throw new AssertionError("no " + selector + " in the page to choose files with; it shows:\n" + bodyText());
    }
    call("DOM.setFileInputFiles", Map.of("objectId", input.get("objectId"),
        "files", files.stream().map(p -> p.toAbsolutePath().toString()).toList()));
  }

  /** Saves what the page downloads in this folder, under the name the server gives it, without asking. */
  public void downloadInto(Path folder) throws Exception {
    call("Browser.setDownloadBehavior", Map.of("behavior", "allow", "downloadPath", folder.toAbsolutePath().toString()));
  }

  /**
   * Waits until the browser has saved a download as {@code name} in {@code folder} with all its
   * {@code size} bytes; returns that file. On a timeout, says what the folder holds.
   */
  public Path awaitDownload(Path folder, String name, long size, Duration timeout) throws Exception {
    Path file = folder.resolve(name);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!(Files.exists(file) && Files.size(file) == size)) {
      if (System.nanoTime() > deadline) {
        List<String> there;
        try (Stream<Path> list = Files.list(folder)) {
          there = list.map(p -> p.getFileName() + " (" + p.toFile().length() + " bytes)").toList();
        }
        throw new AssertionError("no download " + name + " of " + size + " bytes in " + folder + " within "
            + timeout.toSeconds() + " s; the folder holds " + there);
      }
      Thread.sleep(100);
    }
    return file;
  }

  public void screenshot(Path file) throws Exception {
    String data = (String) call("Page.captureScreenshot", Map.of("format", "png")).get("data");
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, Base64.getDecoder().decode(data));
  }

  /**
   * Ends the browser (asked, then killed) and every process it started (renderers, zygote: killed
   * whatever happens to it), then removes the profile folder, also when waiting is interrupted.
   */
  private static void end(Process process, Path profile) throws InterruptedException, IOException {
    try {
      if (process != null) {
        List<ProcessHandle> children = process.descendants().toList();
        try {
          process.destroy();
          if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
          }
        } finally {
          process.destroyForcibly();
          children.forEach(ProcessHandle::destroyForcibly);
        }
      }
    } finally {
      TestFiles.deleteTree(profile);
    }
  }

  @Override
  public void close() throws InterruptedException, IOException {
    try {
      devtools.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the browser goes anyway
    }
    end(process, profile);
  }
}
