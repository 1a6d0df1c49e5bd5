package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hoop connect} on a tcp connection: raw bytes both ways, a server that speaks first. */
class TcpThroughHoopTest {
    @TempDir
    Path work;
    HoopStack stack;
    ServerSocket server;

    @BeforeEach
    void start() throws Exception {
        // a server that greets first, then echoes upper-cased lines
        server = new ServerSocket(0);
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    Thread.ofVirtual().start(() -> serve(s));
                } catch (java.io.IOException closed) {
                    return;
                }
            }
        });
        stack = HoopStack.installed(work);
        stack.createConnection("greeter", "tcp", Map.of("HOST", "127.0.0.1", "PORT", Integer.toString(server.getLocalPort())));
    }

    private static void serve(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            out.write("HELLO\n".getBytes(StandardCharsets.UTF_8));
            out.flush();
            byte[] buf = new byte[1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(new String(buf, 0, n, StandardCharsets.UTF_8).toUpperCase().getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (java.io.IOException gone) {
            // the client left
        }
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        stack.close();
    }

    @Test
    void theGreetingArrivesFirstAndBytesFlowBothWays() throws Exception {
        int port = stack.connect("greeter", "connect-tcp");
        for (int round = 0; round < 2; round++) {
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(15_000);
                InputStream in = s.getInputStream();
                assertThat(new String(in.readNBytes(6), StandardCharsets.UTF_8)).isEqualTo("HELLO\n");
                s.getOutputStream().write("abc round ".concat(Integer.toString(round)).getBytes(StandardCharsets.UTF_8));
                assertThat(new String(in.readNBytes(11), StandardCharsets.UTF_8)).isEqualTo("ABC ROUND " + round);
            }
        }
    }
}
