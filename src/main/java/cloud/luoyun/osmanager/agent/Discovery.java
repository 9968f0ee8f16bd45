package cloud.luoyun.osmanager.agent;

import cloud.luoyun.osmanager.agent.wire.Frame;
import cloud.luoyun.osmanager.agent.wire.FrameReader;
import cloud.luoyun.osmanager.agent.wire.OsmProtocol;
import cloud.luoyun.osmanager.config.ConfigException;
import cloud.luoyun.osmanager.config.Ipv4Address;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.MulticastSocket;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens for the controller's JOIN beacons (SPEC §4.4) on its multicast group, on every
 * interface that is up and has an IPv4 address, and returns the address a beacon carries.
 * Anything that is not a well-formed JOIN is ignored. {@link #close()} (from any thread) ends a
 * wait early.
 */
final class Discovery implements Closeable {
  private static final Logger log = LoggerFactory.getLogger(Discovery.class);

  private final InetSocketAddress group;
  private final MulticastSocket socket;

  Discovery(InetSocketAddress group) throws IOException {
    this.group = group;
    this.socket = new MulticastSocket(group.getPort());
    try {
      int joined = 0;
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (nic.isUp() && nic.supportsMulticast() && hasIpv4(nic)) {
          try {
            socket.joinGroup(group, nic);
            joined++;
          } catch (IOException e) {
            log.debug("cannot join {} on {}: {}", group, nic.getName(), e.getMessage());
          }
        }
      }
      if (joined == 0) {
        socket.joinGroup(group, null); // the system's default interface
      }
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /**
   * Waits for a JOIN beacon.
   *
   * @param timeout how long to wait, or null to wait until one comes or {@link #close()}
   * @return the controller's address, or empty on time-out or close
   */
  Optional<InetSocketAddress> await(Duration timeout) throws IOException {
    long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
    byte[] buffer = new byte[OsmProtocol.HEADER_LENGTH + 256];
    while (!socket.isClosed()) {
      int wait = 0;
      if (timeout != null) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return Optional.empty();
        }
        wait = (int) Math.min(left, Integer.MAX_VALUE);
      }
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        socket.setSoTimeout(wait);
        socket.receive(packet);
      } catch (SocketTimeoutException e) {
        return Optional.empty();
      } catch (IOException e) {
        if (socket.isClosed()) {
          return Optional.empty();
        }
        throw e;
      }
      Optional<InetSocketAddress> controller = parseJoin(packet.getData(), packet.getLength());
      if (controller.isPresent()) {
        return controller;
      }
      log.debug("ignored a datagram on {} from {} that is not a JOIN beacon", group, packet.getSocketAddress());
    }
    return Optional.empty();
  }

  /** The address of a "join IP PORT" beacon, or empty for anything else. */
  static Optional<InetSocketAddress> parseJoin(byte[] data, int length) {
    try {
      Frame frame = new FrameReader(new ByteArrayInputStream(data, 0, length)).read();
      if (frame == null || frame.type() != OsmProtocol.JOIN) {
        return Optional.empty();
      }
      String[] parts = frame.textValue().split(" ");
      if (parts.length != 3 || !parts[0].equals("join") || !parts[2].matches("[0-9]{1,5}")) {
        return Optional.empty();
      }
      Ipv4Address ip = Ipv4Address.parse("JOIN", parts[1]);
      int port = Integer.parseInt(parts[2]);
      if (port < 1 || port > 65535 || ip.isUnspecified() || ip.isMulticast()) {
        return Optional.empty();
      }
      return Optional.of(new InetSocketAddress(ip.toInetAddress(), port));
    } catch (IOException | ConfigException e) {
      return Optional.empty();
    }
  }

  private static boolean hasIpv4(NetworkInterface nic) {
    return nic.inetAddresses().anyMatch(a -> a instanceof Inet4Address);
  }

  @Override
  public void close() {
    socket.close();
  }
}
