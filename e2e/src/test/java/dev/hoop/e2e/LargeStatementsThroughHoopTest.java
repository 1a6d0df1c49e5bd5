package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statements far larger than any buffer through {@code hoop connect} → gateway → agent → PostgreSQL,
 * with the gateway's, the agent's and the client's heaps capped at 256 MB: a statement of
 * {@code hoop.e2e.bigStatementMb} MB (200 by default, ~36 s here; 500 passes too but took 67 s on
 * this 2-core machine, measured with {@code -Dhoop.e2e.bigStatementMb=500}) streamed by a raw
 * protocol client, and psycopg2 inserting a 10 MB bytea inline (over the former 16 MiB cap once
 * hex-escaped). The audit then holds each statement's head, length and SHA-256.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LargeStatementsThroughHoopTest {
    private static final long MB = 1_000_000;
    private static final int RECORDED = 65536;

    @TempDir
    static Path work;
    HoopStack stack;
    int port;
    String bigStatementLine;

    @BeforeAll
    void start() throws Exception {
        stack = HoopStack.installed(work, Map.of("HOOP_JAVA_OPTS", "-Xmx256m"));
        stack.createPostgresConnection("big");
        port = stack.connect("big", "connect-big");
    }

    @AfterAll
    void stop() throws Exception {
        stack.close();
    }

    @Test
    @Order(1)
    void aHugeStatementPassesWithHeapsCappedAt256Mb() throws Exception {
        long literal = Long.getLong("hoop.e2e.bigStatementMb", 200) * MB;
        byte[] head = "select length('".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "')".getBytes(StandardCharsets.US_ASCII);
        long sqlLength = head.length + literal + tail.length;
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long t0 = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(300_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 16);
            startup(in, out);
            // Query: 'Q', Int32 length (itself + SQL + NUL), the SQL streamed in 64 KiB pieces, NUL.
            out.write('Q');
            writeInt(out, (int) (4 + sqlLength + 1));
            write(out, sha, head, head.length);
            byte[] xs = new byte[1 << 16];
            java.util.Arrays.fill(xs, (byte) 'x');
            for (long left = literal; left > 0; left -= xs.length) {
                write(out, sha, xs, (int) Math.min(xs.length, left));
            }
            write(out, sha, tail, tail.length);
            out.write(0);
            out.flush();
            List<String> rows = readResults(in);
            assertThat(rows).containsExactly(Long.toString(literal));
        }
        System.out.printf("LargeStatementsThroughHoopTest: a %d MB statement took %.1f s through hoop%n",
                literal / MB, (System.nanoTime() - t0) / 1e9);
        String first = "select length('" + "x".repeat(RECORDED - head.length);
        bigStatementLine = first + "… -- statement of " + sqlLength + " bytes, sha256 " + HexFormat.of().formatHex(sha.digest())
                + ", first " + RECORDED + " recorded";
    }

    @Test
    @Order(2)
    void psycopg2InsertsATenMegabyteByteaInline() throws Exception {
        Path script = work.resolve("bytea.py");
        Files.writeString(script, """
                import hashlib, sys, psycopg2
                data = bytes(range(256)) * 40960  # 10 MiB
                conn = psycopg2.connect(host="127.0.0.1", port=int(sys.argv[1]), user="anyone", password="any", dbname="x")
                cur = conn.cursor()
                cur.execute("create table blobs (b bytea)")
                cur.execute("insert into blobs values (%s)", (psycopg2.Binary(data),))
                conn.commit()
                cur.execute("select length(b), md5(b) from blobs")
                length, md5 = cur.fetchone()
                print(length, md5 == hashlib.md5(data).hexdigest())
                """);
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        Process p = new ProcessBuilder(python, script.toString(), Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(work.resolve("bytea.out").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(work.resolve("bytea.out"));
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).isEqualTo("10485760 True\n");
    }

    /** Last: ends the connect session, whose events reach the database when it ends. */
    @Test
    @Order(3)
    void theAuditHoldsEachStatementsHeadLengthAndHash() throws Exception {
        assertThat(bigStatementLine).as("the big statement ran").isNotNull();
        String sessionId = stack.get("/api/sessions?connection=big&verb=connect").get("data").get(0).get("id").asText();
        for (ProcessHandle child : ProcessHandle.current().children().toList()) {
            if (child.info().arguments().map(a -> String.join(" ", a)).orElse("").contains("connect big")) {
                child.destroy();
            }
        }
        HoopStack.await("the connect session is flushed", Duration.ofSeconds(60), () -> {
            try {
                return stack.get("/api/sessions/" + sessionId).get("session").get("status").asText().equals("done");
            } catch (Exception e) {
                return false;
            }
        });
        JsonNode events = stack.get("/api/sessions/" + sessionId).get("events");
        List<String> inputs = StreamSupport.stream(events.spliterator(), false)
                .filter(e -> e.get("type").asText().equals("i")).map(e -> e.get("data").asText()).toList();
        assertThat(inputs).contains(bigStatementLine, "create table blobs (b bytea)", "select length(b), md5(b) from blobs");
        // psycopg2's insert: 10 MiB hex-escaped, recorded by its head, its length and its hash
        assertThat(inputs).anyMatch(s -> s.startsWith("insert into blobs values ('\\x000102")
                && s.matches("(?s).*… -- statement of 209715\\d\\d bytes, sha256 [0-9a-f]{64}, first 65536 recorded"));
        assertThat(stack.read("gateway.err") + stack.read("agent.err")).doesNotContain("OutOfMemoryError");
    }

    private static void write(OutputStream out, MessageDigest sha, byte[] bytes, int length) throws IOException {
        out.write(bytes, 0, length);
        sha.update(bytes, 0, length);
    }

    private static void writeInt(OutputStream out, int v) throws IOException {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    /** StartupMessage, any password asked for, then everything up to ReadyForQuery. */
    private static void startup(DataInputStream in, OutputStream out) throws IOException {
        byte[] params = "user\0anyone\0database\0x\0\0".getBytes(StandardCharsets.US_ASCII);
        writeInt(out, 8 + params.length);
        writeInt(out, 196608);
        out.write(params);
        out.flush();
        while (true) {
            int type = in.readUnsignedByte();
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            if (type == 'R' && body[3] == 3) { // cleartext password: any will do, the agent holds the real one
                out.write('p');
                writeInt(out, 4 + 4);
                out.write("any\0".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } else if (type == 'E') {
                throw new AssertionError("startup refused: " + new String(body, StandardCharsets.UTF_8));
            } else if (type == 'Z') {
                return;
            }
        }
    }

    /** The first column of each DataRow until ReadyForQuery; an ErrorResponse fails. */
    private static List<String> readResults(DataInputStream in) throws IOException {
        List<String> rows = new ArrayList<>();
        while (true) {
            int type = in.readUnsignedByte();
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            switch (type) {
                case 'D' -> {
                    int length = (body[2] & 0xff) << 24 | (body[3] & 0xff) << 16 | (body[4] & 0xff) << 8 | (body[5] & 0xff);
                    rows.add(new String(body, 6, length, StandardCharsets.UTF_8));
                }
                case 'E' -> throw new AssertionError("error: " + new String(body, StandardCharsets.UTF_8).replace('\0', ' '));
                case 'Z' -> {
                    return rows;
                }
                default -> { }
            }
        }
    }
}
