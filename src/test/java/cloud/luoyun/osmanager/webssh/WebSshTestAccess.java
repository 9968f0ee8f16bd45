package cloud.luoyun.osmanager.webssh;

import org.eclipse.jetty.websocket.client.WebSocketClient;

/** Lets tests of other packages play the terminal page. */
public final class WebSshTestAccess {
  private WebSshTestAccess() {}

  public static TerminalClient open(WebSocketClient ws, int port) throws Exception {
    return TerminalClient.open(ws, port, "");
  }
}
