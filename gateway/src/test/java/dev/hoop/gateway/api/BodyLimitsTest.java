package dev.hoop.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.hoop.gateway.TestGateway;
import dev.hoop.gateway.TestPostgres;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Client input never costs the gateway memory beyond the body limit nor puts a stack trace in its
 * log: an oversized body is 413 whether its length is announced or chunked, a malformed one 400,
 * a non-JSON one 415. Raw HTTP/1.1 over a socket, so that the framing is exactly what is sent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BodyLimitsTest {
    private static final int FIFTY_MB = 50 * 1024 * 1024;
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final List<LogRecord> julLogged = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Handler julCapture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            julLogged.add(r);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    TestPostgres pg;
    TestGateway gw;

    @BeforeAll
    void start(@TempDir Path dataDir) {
        pg = TestPostgres.create();
        gw = TestGateway.start(TestGateway.env(dataDir, Map.of("POSTGRES_DB_URI", pg.uri())));
        logged.start();
        root.addAppender(logged);
        LogManager.getLogManager().getLogger("").addHandler(julCapture);
    }

    @AfterAll
    void stop() {
        root.detachAppender(logged);
        LogManager.getLogManager().getLogger("").removeHandler(julCapture);
        try {
            gw.close();
        } finally {
            pg.close();
        }
    }

    @BeforeEach
    void clear() {
        logged.list.clear();
        julLogged.clear();
    }

    static Stream<Arguments> cases() {
        String json = "Content-Type: application/json\r\n";
        return Stream.of(
                Arguments.of("chunked 50 MB", json + "Transfer-Encoding: chunked\r\n", Body.CHUNKED_50MB, 413,
                        "the request body is larger than 1048576 bytes (send at most 1 MiB of JSON)"),
                Arguments.of("content-length 50 MB", json + "Content-Length: " + FIFTY_MB + "\r\n", Body.PLAIN_50MB, 413, null),
                Arguments.of("chunked, just over the limit", json + "Transfer-Encoding: chunked\r\n", Body.CHUNKED_1MB_PLUS_1, 413,
                        "the request body is larger than 1048576 bytes (send at most 1 MiB of JSON)"),
                Arguments.of("invalid chunk size", json + "Transfer-Encoding: chunked\r\n", Body.BAD_CHUNK_SIZE, 400,
                        "unreadable request body: invalid chunked encoding"),
                Arguments.of("malformed JSON", json + "Content-Length: 9\r\n", Body.MALFORMED, 400, null),
                Arguments.of("wrong content type", "Content-Type: text/plain\r\nContent-Length: 2\r\n", Body.EMPTY_OBJECT, 415,
                        "unsupported Content-Type 'text/plain' (expected: application/json)"));
    }

    enum Body { CHUNKED_50MB, PLAIN_50MB, CHUNKED_1MB_PLUS_1, BAD_CHUNK_SIZE, MALFORMED, EMPTY_OBJECT }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyJsonRouteAnswersBadBodiesWithoutAStackTrace(String name, String headers, Body body, int status, String message)
            throws Exception {
        for (String path : List.of("/api/localauth/login", "/api/localauth/register")) {
            Reply reply = send(path, headers, body);
            assertThat(reply.status()).as(name + " " + path + ": " + reply.head()).isEqualTo(status);
            if (message != null) {
                assertThat(reply.body()).isEqualTo("{\"message\":\"" + message + "\"}");
            }
        }
        List<String> traces = new ArrayList<>();
        logged.list.stream().filter(e -> e.getThrowableProxy() != null)
                .forEach(e -> traces.add(e.getLoggerName() + ": " + e.getFormattedMessage() + " " + e.getThrowableProxy().getClassName()));
        julLogged.stream().filter(r -> r.getThrown() != null)
                .forEach(r -> traces.add(r.getLoggerName() + ": " + r.getMessage() + " " + r.getThrown()));
        assertThat(traces).as("log lines with a stack trace").isEmpty();
        assertThat(logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR))
                .map(ILoggingEvent::getFormattedMessage)).as("error lines").isEmpty();
    }

    private record Reply(int status, String head, String body) {}

    /** Sends the request on its own thread (the server may answer and stop reading before it is all sent). */
    private Reply send(String path, String headers, Body body) throws Exception {
        try (Socket s = new Socket("127.0.0.1", gw.server.apiPort())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
                try {
                    out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    writeBody(out, body);
                    out.flush();
                } catch (IOException closedEarly) {
                    // the server answered and closed before reading everything: that is its right
                }
            });
            Reply r = read(s.getInputStream());
            sending.cancel(true);
            return r;
        }
    }

    private static void writeBody(OutputStream out, Body body) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        java.util.Arrays.fill(chunk, (byte) 'a');
        switch (body) {
            case CHUNKED_50MB -> {
                out.write("a\r\n{\"email\":\"\r\n".getBytes(StandardCharsets.US_ASCII));
                for (int sent = 0; sent < FIFTY_MB; sent += chunk.length) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            case CHUNKED_1MB_PLUS_1 -> {
                int left = 1024 * 1024 + 1;
                while (left > 0) {
                    int n = Math.min(left, chunk.length);
                    out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk, 0, n);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    left -= n;
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            case PLAIN_50MB -> {
                for (int sent = 0; sent < FIFTY_MB; sent += chunk.length) {
                    out.write(chunk);
                }
            }
            case BAD_CHUNK_SIZE -> out.write("ZZZ\r\n{}\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            case MALFORMED -> out.write("{\"email\":".getBytes(StandardCharsets.US_ASCII));
            case EMPTY_OBJECT -> out.write("{}".getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** One HTTP/1.1 answer: status line, headers, a Content-Length body. */
    private static Reply read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed before an answer's head: '" + head + "'");
            }
            head.write(b);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(h.substring(9, 12));
        int length = 0;
        for (String line : h.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return new Reply(status, h, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }
}
