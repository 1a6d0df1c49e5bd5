package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hoop connect} on http connections with the real binaries, every process's heap capped at
 * 64 MB: curl through the tunnel to a JDK web server (the agent's secret header added, the user's
 * copy replaced, never shown), a 100 MB download from Python's http.server (more than any of the
 * heaps could hold: it must stream), a WebSocket echo with the JDK's WebSocket client, exec
 * refused, and the request lines in the audit.
 */
class HttpThroughHoopTest {
    private static final String SECRET = "Bearer e2e-secret-" + HoopStack.suffix();
    private static final long BIG = 100L * 1024 * 1024;

    @TempDir
    Path work;
    HoopStack stack;
    HttpServer web;
    Process files;
    ServerSocket ws;
    final List<Process> connects = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/", exchange -> {
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            boolean ok = SECRET.equals(auth) && exchange.getRequestHeaders().get("Authorization").size() == 1;
            byte[] body = ((ok ? "authorized" : "not authorized") + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI()
                    + " host=" + exchange.getRequestHeaders().getFirst("Host") + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Authorization", SECRET); // a careless server echoing it: stripped by the agent
            exchange.sendResponseHeaders(ok ? 200 : 401, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        web.start();
        stack = HoopStack.installed(work, Map.of("HOOP_JAVA_OPTS", "-Xmx64m"));
        stack.createConnection("web", "http", Map.of("URL", "http://127.0.0.1:" + web.getAddress().getPort() + "/app",
                "HEADER_Authorization", SECRET));
    }

    @AfterEach
    void stop() throws Exception {
        connects.forEach(Process::destroyForcibly);
        web.stop(0);
        if (files != null) {
            files.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (ws != null) {
            ws.close();
        }
        stack.close();
    }

    /** {@code hoop connect NAME} on a free port; returns the port once it listens. */
    private int connect(String name) throws Exception {
        int port = HoopStack.freePort();
        connects.add(stack.hoop.start(stack.userEnv(), "connect-" + name, "connect", name, "--port", Integer.toString(port)));
        HoopStack.await("hoop connect listens", Duration.ofSeconds(30), () -> stack.read("connect-" + name + ".err").contains("ready on"));
        assertThat(stack.read("connect-" + name + ".err")).contains("ready on http://127.0.0.1:" + port + "/");
        return port;
    }

    private static HoopProcess.Result curl(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "180"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return e.toString();
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(200, TimeUnit.SECONDS)).isTrue();
        return new HoopProcess.Result(p.exitValue(), out, err.join());
    }

    /** The input events of the connection's sessions, once they ended (hoop connect stopped). */
    private List<String> recordedInput(String connection) throws Exception {
        connects.forEach(Process::destroy);
        for (Process p : connects) {
            p.waitFor(20, TimeUnit.SECONDS);
        }
        List<String> inputs = new ArrayList<>();
        HoopStack.await("the session ended and was flushed", Duration.ofSeconds(30), () -> {
            try {
                JsonNode data = stack.get("/api/sessions?connection=" + connection).get("data");
                return data.size() > 0 && StreamSupport.stream(data.spliterator(), false).allMatch(s -> s.get("status").asText().equals("done"));
            } catch (Exception e) {
                return false;
            }
        });
        for (JsonNode s : stack.get("/api/sessions?connection=" + connection).get("data")) {
            for (JsonNode e : stack.get("/api/sessions/" + s.get("id").asText()).get("events")) {
                if (e.get("type").asText().equals("i")) {
                    inputs.add(e.get("data").asText());
                }
            }
        }
        return inputs;
    }

    @Test
    void curlReachesTheServerWithTheAgentsHeaderWhichTheUserNeverSees() throws Exception {
        int port = connect("web");
        HoopProcess.Result plain = curl(work, "-i", "http://127.0.0.1:" + port + "/hello?x=1");
        assertThat(plain.exit()).as(plain.err()).isZero();
        assertThat(plain.out()).startsWith("HTTP/1.1 200 OK\r\n")
                .endsWith("authorized GET /app/hello?x=1 host=127.0.0.1:" + web.getAddress().getPort() + "\n")
                .doesNotContain(SECRET).doesNotContainIgnoringCase("authorization:");
        // the user's own Authorization is replaced, not added beside the agent's (the server wants exactly one)
        HoopProcess.Result forged = curl(work, "-i", "-H", "Authorization: Bearer forged", "-X", "POST", "-d", "body-not-recorded",
                "http://127.0.0.1:" + port + "/again");
        assertThat(forged.out()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("authorized POST /app/again host=127.0.0.1:"
                + web.getAddress().getPort() + "\n");
        // not an open proxy: an absolute-form target naming another host is refused, CONNECT too
        HoopProcess.Result proxied = curl(work, "-i", "-x", "http://127.0.0.1:" + port, "http://example.com/");
        assertThat(proxied.out()).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("is not a path");
        HoopProcess.Result tunnel = curl(work, "-p", "-x", "http://127.0.0.1:" + port, "http://example.com/");
        assertThat(tunnel.exit()).isNotZero();
        assertThat(tunnel.err()).contains("405");

        // exec on an http connection is refused with what to do instead
        HoopProcess.Result exec = stack.exec("", "exec", "web", "-i", "GET /");
        assertThat(exec.exit()).isNotZero();
        assertThat(exec.err()).contains("verb 'exec' is not supported by http connections (supported: connect); "
                + "open it with 'hoop connect' and use any HTTP client on the local port");

        List<String> inputs = recordedInput("web");
        assertThat(inputs).contains("GET /hello?x=1 HTTP/1.1", "POST /again HTTP/1.1", "GET http://example.com/ HTTP/1.1",
                "CONNECT example.com:80 HTTP/1.1");
        assertThat(String.join("\n", inputs)).doesNotContain("body-not-recorded").doesNotContain(SECRET).doesNotContain("forged");
    }

    @Test
    void aHundredMegabyteDownloadStreamsThroughSixtyFourMegabyteHeaps() throws Exception {
        Path served = Files.createDirectories(work.resolve("served"));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Random random = new Random(42);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(served.resolve("big.bin"))) {
            for (long written = 0; written < BIG; written += block.length) {
                random.nextBytes(block);
                sha.update(block);
                out.write(block);
            }
        }
        int filesPort = HoopStack.freePort();
        files = new ProcessBuilder("python3", "-m", "http.server", "--bind", "127.0.0.1", "--directory", served.toString(),
                Integer.toString(filesPort)).redirectErrorStream(true).redirectOutput(work.resolve("python.log").toFile()).start();
        HoopStack.await("python http.server listens", Duration.ofSeconds(20), () -> {
            try (Socket s = new Socket("127.0.0.1", filesPort)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        stack.createConnection("files", "http", Map.of("HOST", "127.0.0.1", "PORT", Integer.toString(filesPort)));
        int port = connect("files");
        HoopProcess.Result r = curl(work, "-o", "got.bin", "-w", "%{http_code} %{size_download}", "http://127.0.0.1:" + port + "/big.bin");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("200 " + BIG);
        assertThat(HexFormat.of().formatHex(digest(work.resolve("got.bin")))).isEqualTo(HexFormat.of().formatHex(sha.digest()));
        assertThat(stack.agent.isAlive()).as("the agent survived with 64 MB").isTrue();
        assertThat(stack.gateway.isAlive()).as("the gateway survived with 64 MB").isTrue();
        assertThat(recordedInput("files")).containsExactly("GET /big.bin HTTP/1.1");
    }

    private static byte[] digest(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return sha.digest();
    }

    @Test
    void aWebSocketEchoesThroughTheTunnel() throws Exception {
        ws = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(() -> {
            while (!ws.isClosed()) {
                try {
                    Socket s = ws.accept();
                    Thread.ofVirtual().start(() -> WebSocketEcho.serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        });
        stack.createConnection("ws", "http", Map.of("HOST", "127.0.0.1", "PORT", Integer.toString(ws.getLocalPort())));
        int port = connect("ws");
        LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/echo"), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            received.add(text.toString());
                            text.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(30, TimeUnit.SECONDS);
        socket.sendText("ping", true).get(20, TimeUnit.SECONDS);
        assertThat(received.poll(20, TimeUnit.SECONDS)).isEqualTo("echo: ping");
        String big = "x".repeat(200_000);
        socket.sendText(big, true).get(20, TimeUnit.SECONDS);
        assertThat(received.poll(20, TimeUnit.SECONDS)).isEqualTo("echo: " + big);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(20, TimeUnit.SECONDS);
        assertThat(recordedInput("ws")).containsExactly("GET /echo HTTP/1.1 -- WebSocket upgrade: the frames that follow are not recorded");
    }

    /** A minimal RFC 6455 server: the handshake, then every text frame echoed with "echo: " before it. */
    static final class WebSocketEcho {
        static void serve(Socket s) {
            try (s; DataInputStream in = new DataInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    head.append((char) in.readUnsignedByte());
                }
                String key = head.toString().lines().filter(l -> l.toLowerCase().startsWith("sec-websocket-key:"))
                        .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElseThrow();
                String accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                        .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII)));
                out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                        + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
                while (true) {
                    int b0 = in.readUnsignedByte();
                    int b1 = in.readUnsignedByte();
                    long len = b1 & 0x7f;
                    if (len == 126) {
                        len = in.readUnsignedShort();
                    } else if (len == 127) {
                        len = in.readLong();
                    }
                    byte[] mask = new byte[4];
                    in.readFully(mask);
                    byte[] payload = new byte[(int) len];
                    in.readFully(payload);
                    for (int i = 0; i < payload.length; i++) {
                        payload[i] ^= mask[i % 4];
                    }
                    int opcode = b0 & 0x0f;
                    if (opcode == 8) {
                        out.write(new byte[] {(byte) 0x88, 0});
                        return;
                    }
                    message.write(payload);
                    if ((b0 & 0x80) != 0) {
                        byte[] echo = ("echo: " + message.toString(StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                        message.reset();
                        out.write(0x81);
                        if (echo.length < 126) {
                            out.write(echo.length);
                        } else if (echo.length < 65536) {
                            out.write(126);
                            out.write(echo.length >>> 8);
                            out.write(echo.length & 0xff);
                        } else {
                            out.write(127);
                            out.write(java.nio.ByteBuffer.allocate(8).putLong(echo.length).array());
                        }
                        out.write(echo);
                        out.flush();
                    }
                }
            } catch (Exception e) {
                // the client left
            }
        }
    }
}
