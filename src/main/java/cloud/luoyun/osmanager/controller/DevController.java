package cloud.luoyun.osmanager.controller;

import cloud.luoyun.osmanager.agent.wire.Frame;
import cloud.luoyun.osmanager.agent.wire.FrameWriter;
import cloud.luoyun.osmanager.agent.wire.OsmProtocol;
import cloud.luoyun.osmanager.controller.ControllerEvent.Kind;
import cloud.luoyun.osmanager.util.Closeables;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A development controller: the cloud side of SPEC §4 for tests, demos and appliance builders
 * without a LuoYun cloud. Authenticates agents of the known instances, registers them, and after
 * registration sends one ECHO and one QUERY to check the answers. Optionally sends JOIN beacons.
 *
 * <p>One thread accepts, one thread per connection (at most {@value #MAX_CONNECTIONS}); bad input
 * ends that connection only. Connections that have not authenticated are at most
 * {@value #MAX_UNAUTHENTICATED}, the oldest closed for a new one, and each has
 * {@link #HANDSHAKE_DEADLINE} to authenticate ({@link Unauthenticated}): idle connections never
 * lock agents out. Thread-safe; {@link #setMode} may be called while it runs.
 */
public final class DevController implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DevController.class);
  static final int MAX_CONNECTIONS = 1024;
  static final int MAX_UNAUTHENTICATED = 256;
  /** An agent's handshake is two round trips; this allows for a slow link, not for an idle client. */
  static final Duration HANDSHAKE_DEADLINE = Duration.ofSeconds(10);

  /** How the controller behaves, switchable at run time so tests can play a bad controller. */
  public enum Mode {
    /** Follows SPEC §4.2. */
    NORMAL,
    /** Does not know the agents' keys: answers their challenge wrongly. */
    IMPOSTOR,
    /** Authenticates but answers every REGISTER with 1022. */
    REFUSE_REGISTRATION
  }

  /**
   * @param bind address to listen on (wildcard for all)
   * @param port TCP port, 0 for an ephemeral one
   * @param beaconGroup where to send JOIN beacons, if anywhere
   * @param beaconInterval time between beacons (the real controller: 10 s)
   * @param probeAfterRegistration send an ECHO and a QUERY after each registration
   */
  public record Options(InetAddress bind, int port, Instances instances, Optional<InetSocketAddress> beaconGroup,
      Duration beaconInterval, boolean probeAfterRegistration) {
    public static Options loopback(Instances instances) {
      return new Options(InetAddress.getLoopbackAddress(), 0, instances, Optional.empty(), Duration.ofSeconds(10), true);
    }
  }

  private final Options options;
  private final ControllerListener listener;
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
  private final Duration handshakeDeadline;
  private final ScheduledExecutorService deadlines =
      Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "osm-controller-deadlines"));
  private final Unauthenticated unauthenticated;
  private final AtomicInteger threadNumber = new AtomicInteger();
  private volatile Mode mode = Mode.NORMAL;
  private volatile boolean closed;
  private ServerSocket server;
  private ExecutorService workers;
  private ScheduledExecutorService beacons;
  private DatagramSocket beaconSocket;
  private Thread acceptor;

  public DevController(Options options, ControllerListener listener) {
    this(options, listener, HANDSHAKE_DEADLINE);
  }

  /** With another handshake deadline (tests). */
  DevController(Options options, ControllerListener listener, Duration handshakeDeadline) {
    this.options = options;
    this.listener = listener;
    this.handshakeDeadline = handshakeDeadline;
    this.unauthenticated = new Unauthenticated(MAX_UNAUTHENTICATED, handshakeDeadline, deadlines);
  }

  /** Binds and starts accepting; returns the address it listens on. */
  public synchronized InetSocketAddress start() throws IOException {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(options.bind(), options.port()), 128);
    server = s;
    workers = Executors.newCachedThreadPool(r -> daemon(r, "osm-controller-conn-" + threadNumber.incrementAndGet()));
    acceptor = daemon(this::acceptLoop, "osm-controller-accept");
    acceptor.start();
    InetSocketAddress local = (InetSocketAddress) s.getLocalSocketAddress();
    emit(new ControllerEvent(Kind.LISTENING, "", null,
        "address=" + local.getAddress().getHostAddress() + ":" + local.getPort() + " instances=" + options.instances().size()));
    if (options.beaconGroup().isPresent()) {
      startBeacons(options.beaconGroup().get(), local);
    }
    return local;
  }

  public void setMode(Mode mode) {
    this.mode = mode;
  }

  Mode mode() {
    return mode;
  }

  boolean probesAfterRegistration() {
    return options.probeAfterRegistration();
  }

  boolean isClosed() {
    return closed;
  }

  Duration handshakeDeadline() {
    return handshakeDeadline;
  }

  /** {@code c} proved it knows its instance's KEY: it no longer counts as unauthenticated. */
  void authenticated(ControllerConnection c) {
    unauthenticated.leave(c);
  }

  /** The number of connections that have not authenticated (yet). */
  int unauthenticatedCount() {
    return unauthenticated.size();
  }

  /** The number of open agent connections. */
  public int connectionCount() {
    return connections.size();
  }

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!closed) {
          log.warn("accept failed: {}", e.getMessage());
          pause();
        }
        continue;
      }
      if (!slots.tryAcquire()) {
        log.warn("refusing a connection from {}: {} agents connected", socket.getRemoteSocketAddress(), MAX_CONNECTIONS);
        Closeables.closeQuietly(socket);
        continue;
      }
      connections.add(socket);
      ControllerConnection c = new ControllerConnection(socket, options.instances(), this);
      unauthenticated.admit(c);
      try {
        workers.execute(() -> {
          try {
            c.run();
          } finally {
            ended(c, socket);
          }
        });
      } catch (RuntimeException e) { // rejected: closing
        ended(c, socket);
        Closeables.closeQuietly(socket);
      }
    }
  }

  private void ended(ControllerConnection c, Socket socket) {
    unauthenticated.leave(c);
    connections.remove(socket);
    slots.release();
  }

  private void startBeacons(InetSocketAddress group, InetSocketAddress local) throws IOException {
    InetAddress advertised = advertisedAddress(local.getAddress());
    byte[] beacon = FrameWriter.encode(
        Frame.text(OsmProtocol.JOIN, "join " + advertised.getHostAddress() + " " + local.getPort()));
    DatagramSocket socket = new DatagramSocket();
    socket.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
    NetworkInterface nic = NetworkInterface.getByInetAddress(advertised);
    if (nic != null && !advertised.isLoopbackAddress()) {
      socket.setOption(StandardSocketOptions.IP_MULTICAST_IF, nic);
    }
    beacons = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "osm-controller-beacon"));
    beacons.scheduleAtFixedRate(() -> {
      try {
        socket.send(new DatagramPacket(beacon, beacon.length, group));
      } catch (IOException e) {
        log.warn("JOIN beacon to {} failed: {}", group, e.getMessage());
      }
    }, 0, options.beaconInterval().toMillis(), TimeUnit.MILLISECONDS);
    beaconSocket = socket;
    emit(new ControllerEvent(Kind.BEACON, "", null, "group=" + group.getAddress().getHostAddress() + ":"
        + group.getPort() + " join=" + advertised.getHostAddress() + ":" + local.getPort()));
  }

  /** The address JOIN beacons carry: the bound one, else the first non-loopback IPv4 address. */
  static InetAddress advertisedAddress(InetAddress bound) throws SocketException {
    if (!bound.isAnyLocalAddress()) {
      return bound;
    }
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(nic.getInetAddresses())) {
        if (a instanceof Inet4Address) {
          return a;
        }
      }
    }
    return InetAddress.getLoopbackAddress();
  }

  void emit(ControllerEvent event) {
    try {
      listener.onEvent(event);
    } catch (RuntimeException e) {
      log.warn("event listener failed on {}", event.kind(), e);
    }
  }

  /** Stops accepting, closes every agent connection and the beacons; waits briefly for threads. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    Closeables.closeQuietly(server);
    deadlines.shutdownNow();
    if (beacons != null) {
      beacons.shutdownNow();
      beaconSocket.close();
    }
    connections.forEach(Closeables::closeQuietly);
    if (workers != null) {
      workers.shutdownNow();
      try {
        workers.awaitTermination(2, TimeUnit.SECONDS);
        acceptor.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  private static void pause() {
    try {
      Thread.sleep(100); // e.g. out of file descriptors: do not spin
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
