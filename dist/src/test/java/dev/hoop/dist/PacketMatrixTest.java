package dev.hoop.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hoop.agent.AgentRuntime;
import dev.hoop.common.config.Env;
import dev.hoop.common.dsn.AgentDsn;
import dev.hoop.common.grpc.ChannelSettings;
import dev.hoop.common.grpc.GatewayTarget;
import dev.hoop.common.pgwire.FrontendMessages;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.ConnectionType;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Verb;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.GatewayServer;
import dev.hoop.gateway.config.GatewayConfig;
import dev.hoop.proto.Packet;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The allow-list per (connection type, verb) against the real gateway and the real agent, in one
 * process (the production wiring of both; real PostgreSQL, a real shell, a real TCP server): a
 * hand-written gRPC client sends every client packet type in every session a user can open. Each
 * is either refused (INVALID_ARGUMENT naming it, the session ended, the refusal in its audit, no
 * output from any resource) or does its job, with its input in the audit before any output it caused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PacketMatrixTest {
    private static final String PG_ADMIN = "jdbc:postgresql://127.0.0.1:5432/postgres";
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A connection name per type. */
    private static final Map<ConnectionType, String> CONNECTION = Map.of(ConnectionType.POSTGRES, "pg", ConnectionType.TCP, "echo",
            ConnectionType.COMMAND_LINE, "sh", ConnectionType.HTTP, "web");

    @TempDir
    static Path dir;
    private final String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final String gatewayDb = "hoop_matrix_gw_" + suffix;
    private final String targetDb = "hoop_matrix_target_" + suffix;
    private final HttpClient http = HttpClient.newHttpClient();
    private GatewayServer gateway;
    private AgentRuntime agent;
    private ManagedChannel channel;
    private EchoServer echo;
    private com.sun.net.httpserver.HttpServer web;
    private String token;

    @BeforeAll
    void start() throws Exception {
        sql(PG_ADMIN, "CREATE DATABASE " + gatewayDb, "CREATE DATABASE " + targetDb);
        Map<String, String> env = new HashMap<>();
        env.put("HOOP_API_PORT", "0");
        env.put("HOOP_GRPC_PORT", "0");
        env.put("HOOP_LISTEN_ADDR", "127.0.0.1");
        env.put("HOOP_DATA_DIR", dir.resolve("data").toString());
        env.put("STATIC_UI_PATH", dir.resolve("no-ui").toString());
        env.put("PLUGIN_AUDIT_PATH", dir.resolve("audit").toString());
        env.put("POSTGRES_DB_URI", "postgres://postgres@127.0.0.1:5432/" + gatewayDb + "?sslmode=disable");
        gateway = GatewayServer.start(GatewayConfig.from(new Env(env), dir));
        token = call("POST", "/api/localauth/register", Map.of("email", "admin@example.com", "password", "matrix-password", "name", "Admin"), 201)
                .get("token").asText();
        AgentDsn dsn = AgentDsn.parse(call("POST", "/api/agents", Map.of("name", "matrix"), 201).get("token").asText());
        agent = AgentRuntime.start(dsn, GatewayTarget.of(dsn), ChannelSettings.defaults(), List.of(), Map.of("PATH", System.getenv("PATH")));
        echo = new EchoServer();
        connection("pg", "postgres", Map.of("HOST", "127.0.0.1", "PORT", "5432", "USER", "postgres", "PASS", "unused", "DB", targetDb));
        connection("echo", "tcp", Map.of("HOST", "127.0.0.1", "PORT", Integer.toString(echo.port())));
        connection("sh", "command-line", Map.of(), "sh");
        web = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/", exchange -> {
            byte[] body = ("http-probe-ok " + exchange.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        web.start();
        connection("web", "http", Map.of("HOST", "127.0.0.1", "PORT", Integer.toString(web.getAddress().getPort())));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!call("GET", "/api/agents/matrix", null, 200).get("status").asText().equals("CONNECTED")) {
            assertThat(System.nanoTime()).as("the agent connects").isLessThan(deadline);
            Thread.sleep(50); // polling the API, not synchronising threads of this test
        }
        channel = Grpc.newChannelBuilderForAddress("127.0.0.1", gateway.grpcPort(), InsecureChannelCredentials.create()).build();
    }

    @AfterAll
    void stop() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (agent != null) {
            agent.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        if (web != null) {
            web.stop(0);
        }
        if (echo != null) {
            echo.close();
        }
        sql(PG_ADMIN, "DROP DATABASE IF EXISTS " + gatewayDb + " WITH (FORCE)", "DROP DATABASE IF EXISTS " + targetDb + " WITH (FORCE)");
    }

    static Stream<Arguments> everyPacketInEverySession() throws IllegalAccessException {
        List<String> packets = new ArrayList<>();
        for (Field f : AgentPacket.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                packets.add((String) f.get(null));
            }
        }
        packets.add("AgentNoSuchPacket");
        List<Arguments> rows = new ArrayList<>();
        for (ConnectionType type : ConnectionType.values()) {
            for (Verb verb : type.verbs()) {
                packets.forEach(p -> rows.add(Arguments.of(type, verb, p)));
            }
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("everyPacketInEverySession")
    void everyPacketIsRefusedOrRecordedBeforeItReachesTheResource(ConnectionType type, Verb verb, String packetType) throws Exception {
        MatrixClient client = client(verb, CONNECTION.get(type));
        client.send(AgentPacket.SESSION_OPEN, Map.of(), new byte[0]);
        Packet ok = client.next();
        assertThat(ok.getType()).as("opened: %s", ok.getPayload().toStringUtf8()).isEqualTo(ClientPacket.SESSION_OPEN_OK);
        String sid = Wire.spec(ok, SpecKey.GATEWAY_SESSION_ID);

        if (type.refusal(verb, packetType).isPresent()) {
            client.send(packetType, Map.of(SpecKey.CLIENT_CONNECTION_ID, "1"), "echo refused-probe; select 'refused-probe';\n".getBytes(StandardCharsets.UTF_8));
            String reason = type.refusal(verb, packetType).orElseThrow();
            Status status = client.ended();
            assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(status.getDescription()).isEqualTo(reason);
            assertThat(client.rest()).as("nothing but keep-alives after the open").isEmpty();
            JsonNode recorded = session(sid);
            assertThat(recorded.at("/session/status").asText()).isEqualTo("done");
            assertThat(recorded.at("/session/error").asText()).isEqualTo(reason);
            assertThat(events(recorded)).containsExactly("e:" + reason);
            return;
        }
        Recorded expected = switch (packetType) {
            case AgentPacket.PG_CONNECTION_WRITE -> postgresQuery(client);
            case AgentPacket.TCP_CONNECTION_WRITE -> tcpEcho(client);
            case AgentPacket.HTTP_PROXY_CONNECTION_WRITE -> httpGet(client);
            case AgentPacket.EXEC_WRITE_STDIN -> command(client, packetType,
                    type == ConnectionType.POSTGRES ? "select 'exec-' || 6*7 as p;\n" : "echo exec-$((6*7))\n", "exec-42");
            case AgentPacket.TERMINAL_WRITE_STDIN -> command(client, packetType, "echo term-$((6*7)); exit 0\n", "term-42");
            case AgentPacket.TERMINAL_RESIZE_TTY, AgentPacket.CLOSE_TCP_CONNECTION, AgentPacket.SESSION_CLOSE -> control(client, packetType);
            default -> throw new AssertionError("no expectation for allowed packet " + packetType);
        };
        JsonNode recorded = session(sid);
        assertThat(recorded.at("/session/status").asText()).isEqualTo("done");
        assertThat(recorded.at("/session/error").isNull() || recorded.at("/session/error").isMissingNode())
                .as("error: %s", recorded.at("/session/error")).isTrue();
        // bookkeeping events aside: a client connection's opening and end (c, x), a terminal's size
        // (w) and a statement's result (r) are recorded around the traffic (docs/sessions.md)
        List<String> events = events(recorded).stream().filter(e -> !e.matches("(?s)[cxwr]:.*")).toList();
        // the input first: recorded before it reached the resource, so before any output it caused
        List<String> inputs = events.stream().takeWhile(e -> e.startsWith("i:")).toList();
        assertThat(inputs).containsExactlyElementsOf(expected.inputs().stream().map(i -> "i:" + i).toList());
        List<String> rest = events.subList(inputs.size(), events.size());
        assertThat(rest).allMatch(e -> e.startsWith("o:"));
        if (expected.output() != null) {
            assertThat(String.join("", rest.stream().map(e -> e.substring(2)).toList())).isEqualTo(expected.output());
        }
    }

    /** What a session's audit must hold: its inputs in order, then its output (null: any, e.g. a shell's prompt). */
    private record Recorded(List<String> inputs, String output) {}

    /** A startup, then a query once the agent authenticated for us: the statement is the session's input. */
    private Recorded postgresQuery(MatrixClient client) throws Exception {
        client.send(AgentPacket.PG_CONNECTION_WRITE, Map.of(SpecKey.CLIENT_CONNECTION_ID, "1"), startup("anyone", targetDb));
        client.readUntil(ClientPacket.PG_CONNECTION_WRITE, "Z\u0000\u0000\u0000\u0005I"); // ReadyForQuery, idle
        client.send(AgentPacket.PG_CONNECTION_WRITE, Map.of(SpecKey.CLIENT_CONNECTION_ID, "1"), FrontendMessages.query("select 'pg-probe' as p"));
        assertThat(client.readUntil(ClientPacket.PG_CONNECTION_WRITE, "Z\u0000\u0000\u0000\u0005I")).contains("pg-probe");
        client.closeSession();
        return new Recorded(List.of("select 'pg-probe' as p"), "");
    }

    /** Raw TCP bytes reach the server and come back; they are not recorded (docs/protocol.md). */
    private Recorded tcpEcho(MatrixClient client) throws Exception {
        client.send(AgentPacket.TCP_CONNECTION_WRITE, Map.of(SpecKey.CLIENT_CONNECTION_ID, "1"), "tcp-probe".getBytes(StandardCharsets.UTF_8));
        assertThat(client.readUntil(ClientPacket.TCP_CONNECTION_WRITE, "tcp-probe")).isEqualTo("tcp-probe");
        client.closeSession();
        return new Recorded(List.of(), "");
    }

    /** An HTTP request reaches the web server and its answer comes back; its request line is the input, not its body. */
    private Recorded httpGet(MatrixClient client) throws Exception {
        client.send(AgentPacket.HTTP_PROXY_CONNECTION_WRITE, Map.of(SpecKey.CLIENT_CONNECTION_ID, "1"),
                "POST /http-probe HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\nbody-here".getBytes(StandardCharsets.UTF_8));
        assertThat(client.readUntil(ClientPacket.HTTP_PROXY_CONNECTION_WRITE, "http-probe-ok /http-probe"))
                .startsWith("HTTP/1.1 200 OK\r\n");
        client.closeSession();
        return new Recorded(List.of("POST /http-probe HTTP/1.1"), "");
    }

    /** Exec input or a terminal's keystrokes: the command runs, and its output is what the client got. */
    private Recorded command(MatrixClient client, String packetType, String input, String marker) throws Exception {
        client.send(packetType, Map.of(), input.getBytes(StandardCharsets.UTF_8));
        StringBuilder stdout = new StringBuilder();
        while (true) {
            Packet p = client.next();
            if (p.getType().equals(ClientPacket.SESSION_CLOSE)) {
                assertThat(Wire.spec(p, SpecKey.CLIENT_EXIT_CODE)).as("exit code; output %s", stdout).isEqualTo("0");
                break;
            }
            assertThat(p.getType()).as("got %s", p.getPayload().toStringUtf8()).isEqualTo(ClientPacket.WRITE_STDOUT);
            stdout.append(p.getPayload().toStringUtf8());
        }
        assertThat(stdout.toString()).contains(marker);
        assertThat(client.ended().isOk()).isTrue();
        return new Recorded(List.of(input), stdout.toString());
    }

    /** A packet that carries no input: the session goes on, and ends normally when the client closes it. */
    private Recorded control(MatrixClient client, String packetType) throws Exception {
        byte[] payload = packetType.equals(AgentPacket.TERMINAL_RESIZE_TTY) ? "{\"rows\":30,\"cols\":90}".getBytes(StandardCharsets.UTF_8) : new byte[0];
        client.send(packetType, Map.of(SpecKey.CLIENT_CONNECTION_ID, "1"), payload);
        if (!packetType.equals(AgentPacket.SESSION_CLOSE)) {
            client.closeSession();
        }
        assertThat(client.ended().isOk()).isTrue();
        return new Recorded(List.of(), null);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource(delimiter = '|', value = {
        "shell|pg|unknown verb 'shell' (expected: connect or exec)",
        "exec|echo|connection 'echo': verb 'exec' is not supported by tcp connections (supported: connect)",
        "exec|web|connection 'web': verb 'exec' is not supported by http connections (supported: connect); open it with 'hoop connect' and use any HTTP client on the local port",
    })
    void aVerbOutsideTheContractIsInvalidArgumentAndLeavesNoSessionRow(String verb, String connection, String message) throws Exception {
        int before = call("GET", "/api/sessions?limit=500", null, 200).get("data").size();
        MatrixClient client = client(verb, connection);
        client.send(AgentPacket.SESSION_OPEN, Map.of(), new byte[0]);
        Status status = client.ended();
        assertThat(status.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getDescription()).isEqualTo(message);
        assertThat(call("GET", "/api/sessions?limit=500", null, 200).get("data").size()).isEqualTo(before);
    }

    @ParameterizedTest(name = "POST /api/sessions on {0}")
    @CsvSource(delimiter = '|', value = {
        "echo|connection 'echo': verb 'exec' is not supported by tcp connections (supported: connect)",
        "web|connection 'web': verb 'exec' is not supported by http connections (supported: connect); open it with 'hoop connect' and use any HTTP client on the local port",
    })
    void anApiExecOnATypeWithoutExecIsA400NamingWhy(String connection, String message) throws Exception {
        JsonNode answer = call("POST", "/api/sessions", Map.of("connection", connection, "script", "hello"), 400);
        assertThat(answer.get("message").asText()).isEqualTo(message);
    }

    // ---- helpers ----

    /** The session's events as "type:data", in order. */
    private static List<String> events(JsonNode detail) {
        List<String> out = new ArrayList<>();
        detail.get("events").forEach(e -> out.add(e.get("type").asText() + ":" + e.get("data").asText()));
        return out;
    }

    private MatrixClient client(Verb verb, String connection) {
        return new MatrixClient(channel, token, verb, connection);
    }

    private MatrixClient client(String verb, String connection) {
        return new MatrixClient(channel, token, verb, connection);
    }

    private JsonNode session(String id) throws Exception {
        return call("GET", "/api/sessions/" + id, null, 200);
    }

    private void connection(String name, String type, Map<String, String> secret, String... command) throws Exception {
        call("POST", "/api/connections", Map.of("name", name, "type", type, "agent_name", "matrix", "secret", secret, "command", List.of(command)), 201);
    }

    private JsonNode call(String method, String path, Object body, int expected) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.apiPort() + path)).timeout(WAIT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .header("content-type", "application/json");
        if (token != null) {
            b.header("authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(method + " " + path + ": " + r.body()).isEqualTo(expected);
        return JSON.readTree(r.body());
    }

    private static void sql(String url, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }

    static byte[] startup(String user, String database) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ByteBuffer.allocate(4).putInt(196608).array());
        for (String s : new String[] {"user", user, "database", database}) {
            body.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            body.write(0);
        }
        body.write(0);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.writeBytes(ByteBuffer.allocate(4).putInt(body.size() + 4).array());
        all.writeBytes(body.toByteArray());
        return all.toByteArray();
    }
}
