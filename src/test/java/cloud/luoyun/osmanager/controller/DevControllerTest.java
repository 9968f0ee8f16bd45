package cloud.luoyun.osmanager.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.luoyun.osmanager.Recorder;
import cloud.luoyun.osmanager.agent.wire.Frame;
import cloud.luoyun.osmanager.agent.wire.FrameReader;
import cloud.luoyun.osmanager.agent.wire.FrameWriter;
import cloud.luoyun.osmanager.agent.wire.Handshake;
import cloud.luoyun.osmanager.agent.wire.OsmProtocol;
import cloud.luoyun.osmanager.controller.ControllerEvent.Kind;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The development controller against agents played frame by frame over loopback. */
class DevControllerTest {
  static final Duration WAIT = Duration.ofSeconds(20);
  static final String KEY = "015e33a8-787d-457e-b84d-c2a101a816e0";
  final Recorder<ControllerEvent> events = new Recorder<>();
  DevController controller;

  @AfterEach
  void tearDown() {
    if (controller != null) {
      controller.close();
    }
  }

  InetSocketAddress start(Map<Integer, String> instances) throws IOException {
    controller = new DevController(DevController.Options.loopback(Instances.of(instances)), events::accept);
    return controller.start();
  }

  /** An agent played by the test. */
  static final class Client implements AutoCloseable {
    final Socket socket;
    final FrameReader reader;
    final FrameWriter writer;
    final int tag;
    final byte[] key;

    Client(InetSocketAddress address, int tag, String key) throws IOException {
      socket = new Socket(address.getAddress(), address.getPort());
      socket.setSoTimeout(20_000);
      reader = new FrameReader(socket.getInputStream());
      writer = new FrameWriter(socket.getOutputStream());
      this.tag = tag;
      this.key = key.getBytes(StandardCharsets.US_ASCII);
    }

    /** Steps 2-5 of SPEC §4.2; returns whether the controller answered our challenge right. */
    boolean authenticate(boolean answerRight) throws IOException {
      byte[] challenge = Handshake.newChallenge();
      writer.write(Handshake.agentChallenge(tag, key, challenge));
      boolean right = Handshake.isControllerAnswerRight(tag, challenge, reader.read());
      Frame theirs = reader.read();
      byte[] answerKey = answerRight ? key : "wrong".getBytes(StandardCharsets.US_ASCII);
      writer.write(Handshake.answerControllerChallenge(tag, answerKey, theirs));
      return right;
    }

    int register(String text) throws IOException {
      writer.write(Frame.text(OsmProtocol.REGISTER_REQUEST, text));
      Frame reply = reader.read();
      assertThat(reply.type()).isEqualTo(OsmProtocol.REGISTER_REPLY);
      return reply.int32Value();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  @Test
  void anAgentThatAuthenticatesIsRegisteredAndItsEchoAndQueryAnswersAreChecked() throws Exception {
    InetSocketAddress address = start(Map.of(7, KEY));
    try (Client agent = new Client(address, 7, KEY)) {
      assertThat(agent.authenticate(true)).as("the controller decrypted our challenge").isTrue();
      assertThat(agent.register("7 7 10.0.0.5")).isEqualTo(OsmProtocol.REGISTER_SUCCESS);
      Frame echo = agent.reader.read();
      Frame query = agent.reader.read();
      assertThat(echo.type()).isEqualTo(OsmProtocol.ECHO_REQUEST);
      assertThat(query.type()).isEqualTo(OsmProtocol.QUERY_REQUEST);
      agent.writer.write(new Frame(OsmProtocol.ECHO_REPLY, echo.body()));
      agent.writer.write(Frame.text(OsmProtocol.QUERY_REPLY, query.int32Value() + " 7 5 10.0.0.5"));
      agent.writer.write(Frame.int32(OsmProtocol.REPORT, 2001));

      events.await(e -> e.kind() == Kind.ECHO_OK, WAIT);
      events.await(e -> e.kind() == Kind.QUERY_OK, WAIT);
      ControllerEvent report = events.await(e -> e.kind() == Kind.REPORT, WAIT);
      assertThat(report.line()).startsWith("report tag=7 status=2001 (running, application not ready) from=127.0.0.1:");
    }
    assertThat(events.all()).extracting(ControllerEvent::kind).startsWith(Kind.LISTENING, Kind.CONNECTED,
        Kind.AUTHENTICATED, Kind.REGISTERED);
  }

  @Test
  void wrongEchoAndQueryAnswersAreReportedAsWrong() throws Exception {
    InetSocketAddress address = start(Map.of(7, KEY));
    try (Client agent = new Client(address, 7, KEY)) {
      agent.authenticate(true);
      agent.register("7 7 10.0.0.5");
      agent.reader.read();
      Frame query = agent.reader.read();
      agent.writer.write(new Frame(OsmProtocol.ECHO_REPLY, "something else".getBytes(StandardCharsets.US_ASCII)));
      agent.writer.write(Frame.text(OsmProtocol.QUERY_REPLY, query.int32Value() + " 8 5 10.0.0.5"));
      events.await(e -> e.kind() == Kind.ECHO_WRONG, WAIT);
      events.await(e -> e.kind() == Kind.QUERY_WRONG, WAIT);
    }
  }

  @Test
  void anAgentWithAWrongAnswerIsDisconnectedWithoutARegisterReply() throws Exception {
    InetSocketAddress address = start(Map.of(7, KEY));
    try (Client agent = new Client(address, 7, KEY)) {
      agent.authenticate(false);
      agent.writer.write(Frame.text(OsmProtocol.REGISTER_REQUEST, "7 7 10.0.0.5"));
      assertThat(agent.reader.read()).as("closed, as the C controller does").isNull();
    }
    events.await(e -> e.kind() == Kind.AUTH_FAILED, WAIT);
    assertThat(events.count(e -> e.kind() == Kind.REGISTERED)).isZero();
  }

  @Test
  void aRegisterBeforeAuthenticationIsRefusedWith1022() throws Exception {
    InetSocketAddress address = start(Map.of(7, KEY));
    try (Client agent = new Client(address, 7, KEY)) {
      assertThat(agent.register("7 7 10.0.0.5")).isEqualTo(OsmProtocol.REGISTER_FAILURE);
    }
    assertThat(events.await(e -> e.kind() == Kind.REFUSED, WAIT).detail()).isEqualTo("before authentication");
  }

  @Test
  void aRegisterWithAStatusOtherThanSevenOrAnotherTagIsRefusedWith1022() throws Exception {
    InetSocketAddress address = start(Map.of(7, KEY, 8, "other"));
    try (Client agent = new Client(address, 7, KEY)) {
      agent.authenticate(true);
      assertThat(agent.register("7 4 10.0.0.5")).isEqualTo(OsmProtocol.REGISTER_FAILURE);
      assertThat(agent.register("8 7 10.0.0.5")).isEqualTo(OsmProtocol.REGISTER_FAILURE);
      assertThat(agent.register("7 7 10.0.0.5")).isEqualTo(OsmProtocol.REGISTER_SUCCESS);
    }
  }

  @Test
  void anAgentWithAnUnknownTagIsDisconnected() throws Exception {
    InetSocketAddress address = start(Map.of(7, KEY));
    try (Client agent = new Client(address, 99, KEY)) {
      agent.writer.write(Handshake.agentChallenge(99, agent.key, Handshake.newChallenge()));
      assertThat(agent.reader.read()).isNull();
    }
    assertThat(events.await(e -> e.kind() == Kind.UNKNOWN_TAG, WAIT).detail()).isEqualTo("claimed tag 99");
  }

  @Test
  void hostileBytesFromAgentsNeverStopTheController() throws Exception {
    InetSocketAddress address = start(Map.of(7, KEY));
    Random random = new Random(2026);
    for (int i = 0; i < 100; i++) {
      try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
        byte[] garbage = new byte[random.nextInt(64) + 2];
        random.nextBytes(garbage);
        if (i % 2 == 0) { // half start with a plausible type
          garbage[0] = (byte) 0x4b;
          garbage[1] = (byte) 0x9c;
        }
        socket.getOutputStream().write(garbage);
      }
    }
    try (Client agent = new Client(address, 7, KEY)) {
      assertThat(agent.authenticate(true)).isTrue();
      assertThat(agent.register("7 7 10.0.0.5")).isEqualTo(OsmProtocol.REGISTER_SUCCESS);
    }
    events.await(e -> e.kind() == Kind.CONNECTED, 101, WAIT);
    events.await(e -> e.kind() == Kind.REGISTERED, WAIT);
  }

  @Test
  void manyAgentsRegisterAtTheSameTime() throws Exception {
    Map<Integer, String> instances = new HashMap<>();
    for (int tag = 1; tag <= 60; tag++) {
      instances.put(tag, "key-" + tag);
    }
    InetSocketAddress address = start(instances);
    ExecutorService pool = Executors.newFixedThreadPool(60);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      List<Client> clients = new ArrayList<>();
      for (int tag = 1; tag <= 60; tag++) {
        Client client = new Client(address, tag, "key-" + tag);
        clients.add(client);
        results.add(pool.submit(() -> {
          client.authenticate(true);
          return client.register(client.tag + " 7 10.0.0." + client.tag);
        }));
      }
      for (Future<Integer> result : results) {
        assertThat(result.get()).isEqualTo(OsmProtocol.REGISTER_SUCCESS);
      }
      assertThat(controller.connectionCount()).isEqualTo(60);
      for (Client client : clients) {
        client.close();
      }
    } finally {
      pool.shutdownNow();
    }
    events.await(e -> e.kind() == Kind.REGISTERED, 60, WAIT);
  }

  /** Issue 11: 1024 connections that never spoke took every slot, and agents were refused for 30 s. */
  @Test
  void idleConnectionsThatFillEverySlotNeverLockAnAgentOut() throws Exception {
    InetSocketAddress address = start(Map.of(7, KEY));
    List<Socket> idle = new ArrayList<>();
    try {
      for (int i = 0; i < DevController.MAX_CONNECTIONS; i++) {
        idle.add(new Socket(address.getAddress(), address.getPort()));
      }
      events.await(e -> e.kind() == Kind.CONNECTED, DevController.MAX_CONNECTIONS, WAIT);

      try (Client agent = new Client(address, 7, KEY)) {
        assertThat(agent.authenticate(true)).isTrue();
        assertThat(agent.register("7 7 10.0.0.5")).isEqualTo(OsmProtocol.REGISTER_SUCCESS);
      }
      assertThat(controller.unauthenticatedCount()).isLessThanOrEqualTo(DevController.MAX_UNAUTHENTICATED);
      assertThat(events.all()).filteredOn(e -> e.kind() == Kind.DISCONNECTED)
          .anyMatch(e -> e.detail().startsWith("closed unauthenticated to make room: 256 connections"));
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
  }

  @Test
  void aConnectionThatTricklesBytesButNeverAuthenticatesIsClosedAtItsDeadline() throws Exception {
    controller = new DevController(DevController.Options.loopback(Instances.of(Map.of(7, KEY))), events::accept,
        Duration.ofMillis(500));
    InetSocketAddress address = controller.start();
    try (Socket slow = new Socket(address.getAddress(), address.getPort())) {
      slow.setSoTimeout(100);
      long deadline = System.nanoTime() + WAIT.toNanos();
      boolean closed = false;
      while (!closed && System.nanoTime() < deadline) {
        try {
          slow.getOutputStream().write(0); // one byte of a frame header, never a whole frame
          closed = slow.getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
          // still open: trickle on
        } catch (IOException e) {
          closed = true; // reset by the controller
        }
      }
      assertThat(closed).as("closed by the controller").isTrue();
    }
    assertThat(events.await(e -> e.kind() == Kind.DISCONNECTED, WAIT).detail())
        .isEqualTo("handshake not done within 500 ms");
  }

  @Test
  void anAgentThatAuthenticatedHasNoHandshakeDeadlineAnyMore() throws Exception {
    controller = new DevController(DevController.Options.loopback(Instances.of(Map.of(7, KEY))), events::accept,
        Duration.ofMillis(500));
    InetSocketAddress address = controller.start();
    try (Client agent = new Client(address, 7, KEY)) {
      agent.authenticate(true);
      assertThat(agent.register("7 7 10.0.0.5")).isEqualTo(OsmProtocol.REGISTER_SUCCESS);
      Thread.sleep(1500); // three deadlines

      agent.writer.write(Frame.int32(OsmProtocol.REPORT, 2000));
      events.await(e -> e.kind() == Kind.REPORT, WAIT);
    }
    assertThat(controller.unauthenticatedCount()).isZero();
    assertThat(events.all()).noneMatch(e -> e.detail().startsWith("handshake not done"));
  }

  @Test
  void anEventIsOneLineOfTextOrOneLineOfJson() throws Exception {
    ControllerEvent event = new ControllerEvent(Kind.REGISTERED, "127.0.0.1:4000", 7, "ip=10.0.0.5\nforged");
    assertThat(event.line()).isEqualTo("registered tag=7 ip=10.0.0.5 forged from=127.0.0.1:4000");
    assertThat(event.json()).doesNotContain("\n");
    Map<String, Object> json = JSON.std.mapFrom(event.json());
    assertThat(json).containsEntry("event", "registered").containsEntry("tag", 7)
        .containsEntry("detail", "ip=10.0.0.5 forged").containsEntry("remote", "127.0.0.1:4000");
  }

  @Test
  void anInstancesFileNamesTheLineOfABadEntry() throws Exception {
    assertThat(Instances.parse("f", List.of("# tag key", "", "7 abc", "8\tdef")).size()).isEqualTo(2);
    assertThatThrownBy(() -> Instances.parse("f", List.of("7 abc", "x def")))
        .isInstanceOf(cloud.luoyun.osmanager.config.ConfigException.class).hasMessage("f:2: tag is not an int32: \"x\"");
    assertThatThrownBy(() -> Instances.parse("f", List.of("7")))
        .hasMessage("f:1: expected \"tag key\"");
    assertThatThrownBy(() -> Instances.parse("f", List.of("7 a", "7 b")))
        .hasMessage("f:2: tag 7 appears twice");
  }
}
