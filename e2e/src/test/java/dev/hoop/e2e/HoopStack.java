package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A whole hoop installation made of the real binaries, for end-to-end tests: a gateway on its
 * own fresh database (real PostgreSQL at 127.0.0.1:5432), an admin user, an agent, and a
 * {@code hoop connect} or {@code hoop exec} run as the user. The gateway and agent can be killed
 * and restarted (same database, same audit folder, same agent key).
 */
final class HoopStack implements AutoCloseable {
    static final String PG_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
    static final String EMAIL = "admin@example.com";
    static final String PASSWORD = "e2e-password";
    /** The agent {@link #install} creates and starts; the connections made here run on it. */
    static final String AGENT = "e2e-agent";

    final Path work;
    final HoopProcess hoop;
    final String gatewayDb = "hoop_e2e_gw_" + suffix();
    /** A database the connections point at, as the "real resource". */
    final String targetDb = "hoop_e2e_target_" + suffix();
    final int apiPort;
    final int grpcPort;
    final String api;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Process gateway;
    Process agent;
    String token;
    String dsn;

    HoopStack(Path work) throws IOException, SQLException {
        this(work, Map.of());
    }

    /** @param env added to every hoop process's environment (e.g. HOOP_JAVA_OPTS for heap caps) */
    HoopStack(Path work, Map<String, String> env) throws IOException, SQLException {
        this.work = work;
        Path root = Path.of(System.getProperty("hoop.home")).toAbsolutePath();
        this.hoop = new HoopProcess(root, work, env);
        this.apiPort = freePort();
        this.grpcPort = freePort();
        this.api = "http://127.0.0.1:" + apiPort;
        sql(PG_ADMIN_URL, "CREATE DATABASE " + gatewayDb, "CREATE DATABASE " + targetDb);
    }

    static String suffix() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    static void sql(String url, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement s = c.createStatement()) {
            for (String st : statements) {
                s.execute(st);
            }
        }
    }

    String targetUrl() {
        return "jdbc:postgresql://127.0.0.1:5432/" + targetDb;
    }

    /** The environment of a user's CLI: gateway URLs and the token. */
    Map<String, String> userEnv() {
        return Map.of("HOOP_APIURL", api, "HOOP_GRPCURL", "grpc://127.0.0.1:" + grpcPort, "HOOP_TOKEN", token);
    }

    void startGateway() throws Exception {
        startGateway(Map.of());
    }

    /** @param extra more environment for the gateway only (e.g. IDP_* for SSO) */
    void startGateway(Map<String, String> extra) throws Exception {
        Map<String, String> env = new HashMap<>(extra);
        env.putAll(Map.of(
                "POSTGRES_DB_URI", "postgres://postgres@127.0.0.1:5432/" + gatewayDb + "?sslmode=disable",
                "HOOP_API_PORT", Integer.toString(apiPort),
                "HOOP_GRPC_PORT", Integer.toString(grpcPort),
                "HOOP_LISTEN_ADDR", "127.0.0.1",
                "HOOP_DATA_DIR", work.resolve("data").toString(),
                "PLUGIN_AUDIT_PATH", work.resolve("audit").toString(),
                "PLUGIN_INDEX_PATH", work.resolve("indexes").toString(),
                "LOG_ENCODING", "console"));
        gateway = hoop.start(env, "gateway", "start", "gateway");
        await("the gateway answers /api/healthz", Duration.ofSeconds(60), () -> status("/api/healthz") == 200);
    }

    /** A new installation, {@link #install installed}: what most end-to-end tests start from. */
    static HoopStack installed(Path work) throws Exception {
        return installed(work, Map.of());
    }

    /**
     * As {@link #installed(Path)}; closed again when the installation fails, so that no process or database is left behind.
     *
     * @param env added to every hoop process's environment (e.g. HOOP_JAVA_OPTS for heap caps)
     */
    static HoopStack installed(Path work, Map<String, String> env) throws Exception {
        HoopStack stack = new HoopStack(work, env);
        try {
            stack.install();
        } catch (Exception | Error e) {
            try {
                stack.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        return stack;
    }

    /** First start: the admin registers and creates the agent; the agent connects. */
    void install() throws Exception {
        installWithoutStartingAgent();
        startAgent();
    }

    /** As {@link #install}, but the agent {@code e2e-agent} is only created ({@link #dsn}): the caller starts it (e.g. through a proxy). */
    void installWithoutStartingAgent() throws Exception {
        startGatewayWithAdmin();
        dsn = post("/api/agents", Map.of("name", AGENT), 201).get("token").asText();
    }

    /** The gateway and its first user, the admin, registered with {@link #EMAIL} and {@link #PASSWORD}; {@link #token} is theirs. */
    void startGatewayWithAdmin() throws Exception {
        startGateway();
        token = post("/api/localauth/register", Map.of("email", EMAIL, "password", PASSWORD, "name", "Admin"), 201).get("token").asText();
    }

    /** Added to the agent's environment only (e.g. GOOGLE_APPLICATION_CREDENTIALS_JSON); set before {@link #install}. */
    Map<String, String> agentEnv = Map.of();

    void startAgent() throws Exception {
        startAgent(Map.of());
    }

    /** Starts the agent (as {@link #launchAgent}) and waits until the gateway lists it CONNECTED. */
    void startAgent(Map<String, String> env) throws Exception {
        launchAgent(env);
        awaitAgent(AGENT, "CONNECTED", Duration.ofSeconds(30));
    }

    /**
     * Starts the agent process with {@link #dsn} and does not wait for it (e.g. when it is expected not to connect).
     *
     * @param env added to the agent's environment, after {@link #agentEnv} (e.g. HOOP_TLSCA); {@link #dsn} may be rewritten before
     */
    void launchAgent(Map<String, String> env) throws IOException {
        Map<String, String> all = new HashMap<>(agentEnv);
        all.putAll(env);
        all.put("HOOP_DSN", dsn);
        all.put("LOG_ENCODING", "console");
        agent = hoop.start(all, "agent", "start", "agent");
    }

    /** {@code hoop admin create agent NAME} as the admin; returns the printed key. */
    String createAgentWithCli(String name) throws Exception {
        HoopProcess.Result created = exec("", "admin", "create", "agent", name);
        assertThat(created.exit()).as(created.err()).isZero();
        return created.out().strip();
    }

    /** As {@link #awaitAgent(String, String, Duration)} for up to a minute (an agent's start and stop, as hoopstart drives them). */
    void awaitAgent(String name, String status) throws InterruptedException {
        awaitAgent(name, status, Duration.ofSeconds(60));
    }

    /** Polls the gateway until it lists agent {@code name} with {@code status} (CONNECTED, DISCONNECTED). */
    void awaitAgent(String name, String status, Duration limit) throws InterruptedException {
        await("agent " + name + " is " + status, limit, () -> {
            try {
                return get("/api/agents/" + name).get("status").asText().equals(status);
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    void createConnection(String name, String type, Map<String, String> secret, String... command) throws Exception {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("type", type);
        body.put("agent_name", AGENT);
        body.put("secret", secret);
        body.put("command", java.util.List.of(command));
        post("/api/connections", body, 201);
    }

    /** A postgres connection to {@link #targetDb} with the stored credentials of user postgres. */
    void createPostgresConnection(String name) throws Exception {
        createConnection(name, "postgres", Map.of("HOST", "127.0.0.1", "PORT", "5432", "USER", "postgres", "PASS", "unused", "DB", targetDb));
    }

    /** Starts {@code hoop connect NAME --port P} and waits until it listens; returns the port. */
    int connect(String name, String processName) throws Exception {
        return connect(name, processName, userEnv());
    }

    /** As {@link #connect(String, String)} with the CLI environment {@code env} (e.g. another HOOP_GRPCURL). */
    int connect(String name, String processName, Map<String, String> env) throws Exception {
        int port = freePort();
        Process p = hoop.start(env, processName, "connect", name, "--port", Integer.toString(port));
        await("hoop connect listens", Duration.ofSeconds(30), () -> {
            assertThat(p.isAlive()).as("hoop connect is running: " + read(processName + ".err")).isTrue();
            return read(processName + ".err").contains("ready on");
        });
        return port;
    }

    HoopProcess.Result exec(String stdin, String... args) throws Exception {
        return hoop.run(userEnv(), stdin, args);
    }

    String read(String file) {
        try {
            return hoop.read(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    int status(String path) {
        try {
            return http.send(request(path).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("GET " + path + ": " + r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    JsonNode post(String path, Object body, int expected) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request(path).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("POST " + path + ": " + r.body()).isEqualTo(expected);
        return json.readTree(r.body());
    }

    /** Any method, with a JSON body (or none) and a bearer token of choice; returns the answer. */
    HttpResponse<String> send(String method, String path, String bearer, Object body) throws IOException, InterruptedException {
        // HTTP/1.1: the client's h2c upgrade of a long-running POST did not deliver Helidon's answer
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(60))
                .version(HttpClient.Version.HTTP_1_1).header("authorization", "Bearer " + bearer);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("authorization", "Bearer " + token);
        }
        return b;
    }

    /** Polls {@code condition} until it holds or {@code limit} passes. */
    static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + limit.toSeconds() + " s");
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        for (Process p : new Process[] {agent, gateway}) {
            if (p != null && p.isAlive()) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            child.destroyForcibly();
        }
        sql(PG_ADMIN_URL, "DROP DATABASE IF EXISTS " + gatewayDb + " WITH (FORCE)", "DROP DATABASE IF EXISTS " + targetDb + " WITH (FORCE)");
        if (Files.exists(work.resolve("gateway.err")) && gateway != null && gateway.exitValue() != 0) {
            System.err.println("--- gateway log tail ---\n" + tail(read("gateway.err")));
        }
    }

    private static String tail(String s) {
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }
}
