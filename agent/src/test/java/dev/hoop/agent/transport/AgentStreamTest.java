package dev.hoop.agent.transport;

import static dev.hoop.agent.transport.Packets.WAIT;
import static dev.hoop.agent.transport.Packets.bytes;
import static dev.hoop.agent.transport.Packets.command;
import static dev.hoop.agent.transport.Packets.open;
import static dev.hoop.agent.transport.Packets.text;
import static dev.hoop.agent.transport.Packets.untilClose;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.session.ConnectionHandler;
import dev.hoop.agent.session.ConnectionHandlerFactory;
import dev.hoop.agent.tcp.TestServers;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.ConnectionParams;
import dev.hoop.common.wire.ConnectionType;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Verb;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Sessions on the agent (exec, terminal, TCP, flow control) against a gateway peer over real gRPC, with real processes and sockets. */
class AgentStreamTest extends AgentFixture {
    @Test
    void execStreamsOutputAndEndsWithTheExitCode() throws Exception {
        agent(SECRET);
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        ConnectionParams params = command("shell", List.of("sh", "-c", "echo $GREETING; cat; echo oops >&2; exit 3"),
                Map.of("GREETING", "hello"));
        link.send(open("s1", params, "from stdin\n"));
        List<Packet> got = untilClose(link, "s1");
        assertThat(got.getFirst().getType()).isEqualTo(ClientPacket.SESSION_OPEN_OK);
        assertThat(Wire.spec(got.getFirst(), SpecKey.GATEWAY_CONNECTION_TYPE)).isEqualTo("command-line");
        assertThat(text(got, ClientPacket.WRITE_STDOUT)).isEqualTo("hello\nfrom stdin\n");
        assertThat(text(got, ClientPacket.WRITE_STDERR)).isEqualTo("oops\n");
        assertThat(Wire.spec(got.getLast(), SpecKey.CLIENT_EXIT_CODE)).isEqualTo("3");
        assertThat(got.getLast().getPayload().toStringUtf8()).isEmpty();
    }

    @Test
    void execInputByExecWriteStdinAndTheAgentKeyIsNotInTheCommandsEnvironment() throws Exception {
        agent(SECRET);
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        link.send(open("s2", command("env", List.of("sh", "-c", "cat; echo key=${HOOP_KEY:-none}"), Map.of()), ""));
        assertThat(link.next(WAIT).getType()).isEqualTo(ClientPacket.SESSION_OPEN_OK);
        link.send(Packets.session(AgentPacket.EXEC_WRITE_STDIN, "s2", bytes("line 1\nline 2\n")));
        List<Packet> got = untilClose(link, "s2");
        assertThat(text(got, ClientPacket.WRITE_STDOUT)).isEqualTo("line 1\nline 2\nkey=none\n");
        assertThat(Wire.spec(got.getLast(), SpecKey.CLIENT_EXIT_CODE)).isEqualTo("0");
    }

    @Test
    void postgresExecRunsTheScriptOnTheAgentsOwnConnectionAndStopsAtTheFirstError() throws Exception {
        agent(SECRET);
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        link.send(open("pg1", pg(), "select 1 as one, 'x' as two;\nselect * from no_such_table;\nselect 3;\n"));
        List<Packet> got = untilClose(link, "pg1");
        assertThat(got.getFirst().getType()).isEqualTo(ClientPacket.SESSION_OPEN_OK);
        assertThat(text(got, ClientPacket.WRITE_STDOUT)).isEqualTo(" one | two \n-----+-----\n   1 | x\n(1 row)\n\n");
        assertThat(text(got, ClientPacket.WRITE_STDERR)).isEqualTo("""
                ERROR:  relation "no_such_table" does not exist
                LINE 2: select * from no_such_table;
                                      ^
                """);
        assertThat(Wire.spec(got.getLast(), SpecKey.CLIENT_EXIT_CODE)).isEqualTo("1");
    }

    @Test
    void postgresExecRefusesExtraArgumentsAndTerminals() throws Exception {
        agent(SECRET);
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        link.send(open("pg2", pg(), Verb.EXEC, "").toBuilder().putSpec(SpecKey.TERMINAL_ARGS, Packets.utf8("[\"-c\",\"\\\\! id\"]")).build());
        assertThat(link.next(WAIT).getType()).isEqualTo(ClientPacket.SESSION_OPEN_OK);
        link.send(Packets.session(AgentPacket.EXEC_WRITE_STDIN, "pg2", bytes("select 1")).toBuilder()
                .putSpec(SpecKey.TERMINAL_ARGS, Packets.utf8("[\"-c\",\"\\\\! id\"]")).build());
        List<Packet> got = untilClose(link, "pg2");
        assertThat(got).extracting(Packet::getType).containsExactly(ClientPacket.SESSION_CLOSE);
        assertThat(got.getLast().getPayload().toStringUtf8()).isEqualTo(AgentPacket.EXEC_WRITE_STDIN + " failed on the agent:"
                + " connection 'pg' is a postgres connection: hoop exec takes no arguments after '--' for it (got 2);"
                + " the agent runs the input as SQL itself, so pass the SQL with -i, -f or on stdin");

        link.send(open("pg3", pg(), ""));
        assertThat(link.next(WAIT).getType()).isEqualTo(ClientPacket.SESSION_OPEN_OK);
        link.send(Packets.session(AgentPacket.TERMINAL_WRITE_STDIN, "pg3", bytes("select 1;\n")));
        List<Packet> terminal = untilClose(link, "pg3");
        assertThat(terminal).extracting(Packet::getType).containsExactly(ClientPacket.SESSION_CLOSE);
        // a terminal's keystrokes on a postgres connection are outside its allow-list: refused before any handler
        assertThat(terminal.getLast().getPayload().toStringUtf8()).isEqualTo("packet type 'AgentTerminalWriteStdin' is not"
                + " allowed in a postgres connect session (allowed: AgentPGConnectionWrite, AgentCloseTCPConnection, AgentSessionClose)");
    }

    private static ConnectionParams pg() {
        return new ConnectionParams("pg", "postgres", List.of(),
                Map.of("HOST", "127.0.0.1", "PORT", "5432", "USER", "postgres", "PASS", "unused-with-trust", "DB", "postgres"));
    }

    @Test
    void commandNotFoundExits127WithTheMessage() throws Exception {
        agent(SECRET);
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        link.send(open("s3", command("missing", List.of("no-such-command-xyz", "arg"), Map.of()), "input"));
        List<Packet> got = untilClose(link, "s3");
        assertThat(text(got, ClientPacket.WRITE_STDERR)).isEqualTo("command not found: no-such-command-xyz\n");
        assertThat(text(got, ClientPacket.WRITE_STDOUT)).isEmpty();
        assertThat(Wire.spec(got.getLast(), SpecKey.CLIENT_EXIT_CODE)).isEqualTo("127");
    }

    @Test
    void execAppendsTheClientsArguments() throws Exception {
        agent(SECRET);
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        link.send(open("a1", command("printf", List.of("printf", "%s|", "$WHO"), Map.of("WHO", "me")), "").toBuilder()
                .putSpec(SpecKey.TERMINAL_ARGS, Packets.utf8("[\"a b\",\"$WHO\"]")).build());
        assertThat(link.next(WAIT).getType()).isEqualTo(ClientPacket.SESSION_OPEN_OK);
        link.send(Packets.session(AgentPacket.EXEC_WRITE_STDIN, "a1", new byte[0]).toBuilder()
                .putSpec(SpecKey.TERMINAL_ARGS, Packets.utf8("[\"a b\",\"$WHO\"]")).build());
        List<Packet> got = untilClose(link, "a1");
        // The client's arguments are passed as they are: only the connection's command is expanded.
        assertThat(text(got, ClientPacket.WRITE_STDOUT)).isEqualTo("me|a b|$WHO|");
        assertThat(Wire.spec(got.getLast(), SpecKey.CLIENT_EXIT_CODE)).isEqualTo("0");
    }

    @Test
    void terminalSessionOnAPty() throws Exception {
        agent(SECRET);
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        link.send(open("p1", command("shell", List.of("sh"), Map.of("PS1", "$ ")), Verb.CONNECT, ""));
        assertThat(link.next(WAIT).getType()).isEqualTo(ClientPacket.SESSION_OPEN_OK);
        link.send(Packets.session(AgentPacket.TERMINAL_RESIZE_TTY, "p1", bytes("{\"rows\":33,\"cols\":77}")));
        link.send(Packets.session(AgentPacket.TERMINAL_WRITE_STDIN, "p1", bytes("tty; stty size\n")));
        StringBuilder screen = new StringBuilder();
        while (!(screen.toString().contains("/dev/pts/") && screen.toString().contains("33 77"))) {
            Packet p = link.next(WAIT);
            assertThat(p.getType()).isEqualTo(ClientPacket.WRITE_STDOUT);
            screen.append(p.getPayload().toStringUtf8());
        }
        link.send(Packets.session(AgentPacket.TERMINAL_RESIZE_TTY, "p1", bytes("{\"rows\":50,\"cols\":120}")));
        link.send(Packets.session(AgentPacket.TERMINAL_WRITE_STDIN, "p1", bytes("stty size; exit 4\n")));
        List<Packet> rest = untilClose(link, "p1");
        assertThat(text(rest, ClientPacket.WRITE_STDOUT)).contains("50 120");
        assertThat(Wire.spec(rest.getLast(), SpecKey.CLIENT_EXIT_CODE)).isEqualTo("4");
    }

    @Test
    void atMostAWindowOfPacketsIsInDispatchAndTheyArriveInOrder() throws Exception {
        // A handler that holds every write until the test completes it, and records what it got.
        BlockingQueue<CompletableFuture<Void>> writes = new LinkedBlockingQueue<>();
        List<String> received = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        ConnectionHandlerFactory holding = (params, sink) -> new ConnectionHandler() {
            @Override
            public CompletionStage<Void> write(byte[] fromClient) {
                received.add(new String(fromClient, java.nio.charset.StandardCharsets.UTF_8));
                CompletableFuture<Void> done = new CompletableFuture<>();
                writes.add(done);
                return done;
            }

            @Override
            public void close() {}
        };
        agent(SECRET, new HandlerRegistry().register(ConnectionType.TCP, holding));
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        int window = GatewayStream.WINDOW;
        try (TestServers.Echo target = new TestServers.Echo("")) {
            link.send(open("h1", new ConnectionParams("held", "tcp", List.of(), Map.of("HOST", "127.0.0.1", "PORT", "" + target.port())), ""));
            assertThat(link.next(WAIT).getType()).isEqualTo(ClientPacket.SESSION_OPEN_OK);
            List<String> sent = new java.util.ArrayList<>();
            for (int i = 0; i < window + 1; i++) {
                sent.add("chunk-" + i);
                link.send(Packets.connection(AgentPacket.TCP_CONNECTION_WRITE, "h1", "1", bytes("chunk-" + i)));
            }
            // Packets are dispatched up to the window (less the credit of handled packets not yet
            // returned, which goes back in batches); the rest stays in gRPC's buffers.
            List<CompletableFuture<Void>> held = new java.util.ArrayList<>();
            for (CompletableFuture<Void> w; (w = writes.poll(held.isEmpty() ? WAIT.toSeconds() * 1000 : 500, TimeUnit.MILLISECONDS)) != null; ) {
                held.add(w);
            }
            assertThat(held.size()).isBetween(window / 2 + 1, window);
            held.forEach(w -> w.complete(null));
            for (int i = held.size(); i < sent.size(); i++) {
                assertThat(writes.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).as("write %d, after the window was handled", i).isNotNull();
            }
            assertThat(received).containsExactlyElementsOf(sent);
        }
    }

    @Test
    void aGatewayThatDoesNotReadStopsTheCommandsOutput() throws Exception {
        gateway.manualRead();
        agent(SECRET);
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        java.nio.file.Path done = java.nio.file.Files.createTempDirectory("agent-bp").resolve("done");
        int size = 32 * 1024 * 1024;
        link.send(open("bp", command("bulk", List.of("sh", "-c", "head -c " + size + " /dev/zero; touch " + done), Map.of()), "x"));
        link.request(1);
        assertThat(link.next(WAIT).getType()).isEqualTo(ClientPacket.SESSION_OPEN_OK);
        // 32 MiB cannot fit in gRPC's windows and the pipes: the command must be held back.
        link.request(1);
        Packet first = link.next(WAIT);
        assertThat(first.getType()).isEqualTo(ClientPacket.WRITE_STDOUT);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        while (System.nanoTime() < deadline) {
            assertThat(done).as("the command finished while nobody read its output").doesNotExist();
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
        link.request(Integer.MAX_VALUE);
        long drainStart = System.nanoTime();
        long received = first.getPayload().size();
        Packet p;
        while (!(p = link.next(WAIT)).getType().equals(ClientPacket.SESSION_CLOSE)) {
            received += p.getPayload().size();
        }
        System.out.printf("exec output through the agent stream: %d MiB in %d ms%n", received >> 20,
                (System.nanoTime() - drainStart) / 1_000_000);
        assertThat(Wire.spec(p, SpecKey.CLIENT_EXIT_CODE)).isEqualTo("0");
        assertThat(done).exists();
        assertThat(received).isEqualTo(size);
    }

    @Test
    void tcpEchoWithTwoClientConnectionsAndServerSpeaksFirst() throws Exception {
        agent(SECRET);
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        try (TestServers.Echo echo = new TestServers.Echo("hello from server\n")) {
            ConnectionParams params = new ConnectionParams("echo", "tcp", List.of(), Map.of("HOST", "127.0.0.1", "PORT", "" + echo.port()));
            link.send(open("t1", params, ""));
            assertThat(link.next(WAIT).getType()).isEqualTo(ClientPacket.SESSION_OPEN_OK);
            // tcp.server_connect: an empty first packet opens the connection; the server's greeting comes first.
            link.send(Packets.connection(AgentPacket.TCP_CONNECTION_WRITE, "t1", "1", new byte[0]).toBuilder()
                    .putSpec(SpecKey.TCP_SERVER_CONNECT, Packets.utf8("true")).build());
            assertThat(readConnection(link, "1", "hello from server\n".length())).isEqualTo("hello from server\n");
            link.send(Packets.connection(AgentPacket.TCP_CONNECTION_WRITE, "t1", "2", bytes("ping")));
            assertThat(readConnection(link, "2", "hello from server\nping".length())).isEqualTo("hello from server\nping");
            link.send(Packets.connection(AgentPacket.TCP_CONNECTION_WRITE, "t1", "1", bytes("pong")));
            assertThat(readConnection(link, "1", 4)).isEqualTo("pong");
            // The client closes connection 1: the server sees the close, connection 2 still relays.
            link.send(Packets.connection(AgentPacket.CLOSE_TCP_CONNECTION, "t1", "1", new byte[0]));
            // Two closes: the reachability check's connection at open, then connection 1.
            await(() -> echo.closedConnections() == 2, "the server saw connection 1 close");
            link.send(Packets.connection(AgentPacket.TCP_CONNECTION_WRITE, "t1", "2", bytes("again")));
            assertThat(readConnection(link, "2", 5)).isEqualTo("again");
            // The server closes connection 2: the client is told why.
            link.send(Packets.connection(AgentPacket.TCP_CONNECTION_WRITE, "t1", "2", bytes("quit\n")));
            Packet close = nextOfType(link, ClientPacket.TCP_CONNECTION_CLOSE);
            assertThat(Wire.spec(close, SpecKey.CLIENT_CONNECTION_ID)).isEqualTo("2");
            assertThat(close.getPayload().toStringUtf8()).isEqualTo("127.0.0.1:" + echo.port() + " closed the connection");
            // Late bytes for the closed connection do not open a new one.
            link.send(Packets.connection(AgentPacket.TCP_CONNECTION_WRITE, "t1", "2", bytes("late")));
            link.send(Packets.connection(AgentPacket.TCP_CONNECTION_WRITE, "t1", "3", bytes("new")));
            assertThat(readConnection(link, "3", "hello from server\nnew".length())).isEqualTo("hello from server\nnew");
            // The reachability check at open, then connections 1, 2 and 3: none for the late bytes.
            assertThat(echo.acceptedConnections()).isEqualTo(4);
        }
    }

    @Test
    void unreachableTcpTargetEndsTheSessionWithTheReason() throws Exception {
        agent(SECRET);
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        int closedPort = TestServers.freePort();
        ConnectionParams params = new ConnectionParams("down", "tcp", List.of(), Map.of("HOST", "127.0.0.1", "PORT", "" + closedPort));
        link.send(open("t2", params, ""));
        Packet close = link.next(WAIT);
        assertThat(close.getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
        assertThat(close.getPayload().toStringUtf8()).isEqualTo("cannot reach 127.0.0.1:" + closedPort + " for connection 'down': Connection refused");
    }

    @Test
    void aFailingHandlerEndsOnlyItsOwnConnection() throws Exception {
        agent(SECRET);
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        link.send(open("bad", new ConnectionParams("noport", "tcp", List.of(), Map.of("HOST", "127.0.0.1")), ""));
        Packet close = link.next(WAIT);
        assertThat(close.getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
        assertThat(close.getPayload().toStringUtf8())
                .isEqualTo("AgentSessionOpen failed on the agent: connection 'noport' has PORT '' (expected: a port number from 1 to 65535)");
        link.send(open("good", command("ok", List.of("echo", "still serving"), Map.of()), "x"));
        List<Packet> got = untilClose(link, "good");
        assertThat(text(got, ClientPacket.WRITE_STDOUT)).isEqualTo("still serving\n");
    }

    @Test
    void aPacketForAnUnknownSessionIsAnsweredWithAClose() throws Exception {
        agent(SECRET);
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        link.send(Packets.connection(AgentPacket.TCP_CONNECTION_WRITE, "nope", "1", bytes("x")));
        Packet close = link.next(WAIT);
        assertThat(close.getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
        assertThat(close.getPayload().toStringUtf8()).isEqualTo("session nope is not open on this agent (it ended, or the agent restarted)");
    }

    @Test
    void sessionCloseAndStreamLossStopTheCommands() throws Exception {
        agent(SECRET);
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        link.send(open("k1", command("sleep", List.of("sh", "-c", "echo $$; exec sleep 60"), Map.of()), "x"));
        assertThat(link.next(WAIT).getType()).isEqualTo(ClientPacket.SESSION_OPEN_OK);
        long pid1 = Long.parseLong(link.next(WAIT).getPayload().toStringUtf8().trim());
        link.send(open("k2", command("sleep", List.of("sh", "-c", "echo $$; exec sleep 60"), Map.of()), "x"));
        assertThat(link.next(WAIT).getType()).isEqualTo(ClientPacket.SESSION_OPEN_OK);
        long pid2 = Long.parseLong(link.next(WAIT).getPayload().toStringUtf8().trim());
        assertThat(ProcessHandle.of(pid1).map(ProcessHandle::isAlive)).contains(true);

        link.send(Packets.session(AgentPacket.SESSION_CLOSE, "k1", new byte[0]));
        await(() -> ProcessHandle.of(pid1).map(p -> !p.isAlive()).orElse(true), "session k1's command stopped");
        assertThat(ProcessHandle.of(pid2).map(ProcessHandle::isAlive)).contains(true);

        gateway.stop();
        await(() -> ProcessHandle.of(pid2).map(p -> !p.isAlive()).orElse(true), "session k2's command stopped with the stream");
    }

    private static String readConnection(TestGateway.AgentLink link, String connectionId, int length) throws InterruptedException {
        StringBuilder b = new StringBuilder();
        while (b.length() < length) {
            Packet p = link.next(WAIT);
            assertThat(p.getType()).isEqualTo(ClientPacket.TCP_CONNECTION_WRITE);
            assertThat(Wire.spec(p, SpecKey.CLIENT_CONNECTION_ID)).isEqualTo(connectionId);
            b.append(p.getPayload().toStringUtf8());
        }
        return b.toString();
    }

    private static Packet nextOfType(TestGateway.AgentLink link, String type) throws InterruptedException {
        Packet p = link.next(WAIT);
        assertThat(p.getType()).isEqualTo(type);
        return p;
    }
}
