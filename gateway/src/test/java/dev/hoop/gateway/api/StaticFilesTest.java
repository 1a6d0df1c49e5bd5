package dev.hoop.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.gateway.GatewayFixture;
import dev.hoop.gateway.TestGateway;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The web app from STATIC_UI_PATH: files, index.html fallback, no escape from the folder. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StaticFilesTest {
    @RegisterExtension
    static final GatewayFixture fixture = GatewayFixture.gateway().setup(StaticFilesTest::writeWebApp);
    TestGateway gw;

    /** The web app in {@code tmp/ui}, and a file beside it that must stay out of reach. */
    static Map<String, String> writeWebApp(Path tmp) throws IOException {
        Path ui = Files.createDirectories(tmp.resolve("ui"));
        Files.writeString(ui.resolve("index.html"), "<html>app</html>");
        Files.createDirectories(ui.resolve("assets"));
        Files.writeString(ui.resolve("assets").resolve("app.js"), "console.log(1)");
        Files.writeString(tmp.resolve("secret.txt"), "outside the web app");
        return Map.of("STATIC_UI_PATH", ui.toString());
    }

    @BeforeAll
    void start() {
        gw = fixture.gw();
    }


    @Test
    void servesFilesAndFallsBackToIndex() {
        TestGateway.Answer js = gw.get("/assets/app.js", null);
        assertThat(js.status()).isEqualTo(200);
        assertThat(js.raw()).isEqualTo("console.log(1)");
        assertThat(gw.get("/", null).raw()).isEqualTo("<html>app</html>");
        assertThat(gw.get("/sessions/42/replay", null).raw()).isEqualTo("<html>app</html>");
    }

    @Test
    void everyAnswerCarriesTheStrictContentSecurityPolicy() throws IOException {
        String response = raw("GET /assets/app.js HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n");
        assertThat(response).containsIgnoringCase("content-security-policy: " + StaticFiles.CSP)
                .containsIgnoringCase("referrer-policy: no-referrer").containsIgnoringCase("x-content-type-options: nosniff");
    }

    @Test
    void pathsEscapingTheFolderNeverServeOutsideFiles() throws IOException {
        for (String path : new String[] {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt", "/..%2fsecret.txt"}) {
            String response = raw("GET " + path + " HTTP/1.1\r\nHost: gw\r\nConnection: close\r\n\r\n");
            assertThat(response).as(path).startsWith("HTTP/1.1 ").doesNotContain("outside the web app");
        }
    }

    private String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", gw.server.apiPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            int c;
            while (!head.toString().endsWith("\r\n\r\n") && (c = in.read()) != -1) {
                head.append((char) c);
            }
            var m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
            byte[] body = m.find() ? in.readNBytes(Integer.parseInt(m.group(1))) : new byte[0];
            return head + new String(body, StandardCharsets.UTF_8);
        }
    }
}
