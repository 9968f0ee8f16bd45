package cloud.luoyun.osmanager.webssh;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.zip.Deflater;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.compression.DeflaterPool;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.websocket.core.server.WebSocketServerComponents;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the terminal's WebSocket endpoint ({@code /ws}, format in {@link TerminalProtocol}) in a
 * running context. The only class that names Jetty's WebSocket types, so that they load when it
 * is first used ({@link TerminalHandler}), not when the terminal starts.
 */
final class TerminalWebSocket {
  private static final Logger LOG = LoggerFactory.getLogger(TerminalWebSocket.class);

  private TerminalWebSocket() {}

  /**
   * A started handler for {@code /ws} in {@code context} (itself started), managed by it from now
   * on. A request that is not a WebSocket upgrade is not handled (Jetty answers 404).
   *
   * @param onSocket called before each new socket is handed to the registry
   */
  static Handler start(ContextHandler context, WebTerminalSettings settings, OriginCheck names,
      SessionRegistry registry, DownloadTickets tickets, Runnable onSocket) {
    // Browsers always offer permessage-deflate. At Jetty's default level (6) compressing
    // ordinary terminal text runs at ~20 MB/s on a core here: it was the ceiling of bulk output
    // in a browser. Level 1 is ~5x faster for ~25% more bytes (0.36 instead of 0.29 of the text).
    DeflaterPool deflaters = new DeflaterPool(settings.maxSessions(), Deflater.BEST_SPEED, true);
    context.addManaged(deflaters);
    context.setAttribute(WebSocketServerComponents.WEBSOCKET_DEFLATER_POOL_ATTRIBUTE, deflaters);
    WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(context.getServer(), context, container -> {
      container.setMaxBinaryMessageSize(TerminalProtocol.MAX_MESSAGE);
      container.setMaxTextMessageSize(1024);
      container.setIdleTimeout(settings.pingInterval().multipliedBy(4));
      // The socket's handlers never block (input is written to SSH asynchronously, the first
      // login starts on the pool): let Jetty run them on the selector, saving a thread hop per
      // keystroke.
      container.setInvocationType(Invocable.InvocationType.NON_BLOCKING);
      container.addMapping(TerminalHandler.WEBSOCKET_PATH, (request, response, callback) -> {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        Optional<OriginCheck.Authority> host = TerminalHandler.ownHost(names, request); // checked, and over TLS
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        if (host.isEmpty() || !request.isSecure() || !OriginCheck.sameOrigin(origin, host.get(), true)) {
          LOG.info("refused a terminal WebSocket from {}: Origin {} is not this page's (https://{})", remote, origin,
              host.map(OriginCheck.Authority::text).orElse("?"));
          Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403, "cross-origin request refused");
          return null;
        }
        InetAddress address = remote instanceof InetSocketAddress inet ? inet.getAddress()
            : InetAddress.getLoopbackAddress();
        onSocket.run();
        return new TerminalSocket(registry, address);
      });
      // The Files panel's own socket: transfers never queue in front of keystrokes. No
      // permessage-deflate on it: files are mostly compressed already, and deflating them in
      // the browser was the upload's ceiling.
      container.addMapping(TerminalHandler.FILES_PATH, (request, response, callback) -> {
        String origin = request.getHeaders().get(HttpHeader.ORIGIN);
        Optional<OriginCheck.Authority> host = TerminalHandler.ownHost(names, request);
        SocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress();
        if (host.isEmpty() || !request.isSecure() || !OriginCheck.sameOrigin(origin, host.get(), true)) {
          LOG.info("refused a files WebSocket from {}: Origin {} is not this page's (https://{})", remote, origin,
              host.map(OriginCheck.Authority::text).orElse("?"));
          Response.writeError(request, response, callback, HttpStatus.FORBIDDEN_403, "cross-origin request refused");
          return null;
        }
        response.setExtensions(java.util.List.of());
        InetAddress address = remote instanceof InetSocketAddress inet ? inet.getAddress()
            : InetAddress.getLoopbackAddress();
        return new FilesSocket(registry, tickets, settings.files(), address);
      });
    });
    upgrade.setServer(context.getServer());
    context.addManaged(upgrade); // starts it: the context is running
    return upgrade;
  }
}
