package dev.hoop.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, {@code bin/hoop start}: a gateway on the embedded PostgreSQL, a local
 * agent, an admin and demo connections; a user logs in with the printed password file and runs a
 * command; after a restart on the same data nothing is created twice and it still works.
 */
class AllInOneEndToEndTest {
    @TempDir
    Path work;
    private Process hoopStart;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stop() throws Exception {
        if (hoopStart != null && hoopStart.isAlive()) {
            hoopStart.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void startLogInRunAndRestart() throws Exception {
        HoopProcess hoop = new HoopProcess(Path.of(System.getProperty("hoop.home")).toAbsolutePath(), work, Map.of());
        int api = HoopStack.freePort();
        int grpc = HoopStack.freePort();
        Map<String, String> env = Map.of("HOOP_DATA_DIR", work.resolve("data").toString(),
                "HOOP_API_PORT", Integer.toString(api), "HOOP_GRPC_PORT", Integer.toString(grpc), "HOOP_LISTEN_ADDR", "127.0.0.1");
        Map<String, String> user = Map.of("HOOP_APIURL", "http://127.0.0.1:" + api, "HOOP_GRPCURL", "grpc://127.0.0.1:" + grpc);

        hoopStart = hoop.start(env, "start-1", "start");
        awaitReady(hoop, "start-1.out", api);
        String banner = hoop.read("start-1.out");
        assertThat(banner).contains("created user admin@hoop.local (admin)", "created agent 'local-agent'", "created connection 'shell'");
        Path passwordFile = work.resolve("data/admin-password");
        assertThat(Files.getPosixFilePermissions(passwordFile)).hasToString("[OWNER_READ, OWNER_WRITE]");
        String password = Files.readString(passwordFile).trim();
        assertThat(banner).contains(password);
        // every "type this" line names the launcher as it was run (here its absolute path: not on the PATH)
        assertThat(banner).contains("  " + hoop.hoop() + " login --email admin@hoop.local < ", "  " + hoop.hoop() + " connect shell ")
                .doesNotContain("\n  hoop ");

        HoopProcess.Result login = hoop.run(user, password + "\n", "login", "--email", "admin@hoop.local");
        assertThat(login.exit()).as(login.err()).isZero();
        HoopProcess.Result exec = hoop.run(user, "", "exec", "shell", "-i", "echo one-process; exit 6");
        assertThat(exec.out()).isEqualTo("one-process\n");
        assertThat(exec.exit()).isEqualTo(6);

        hoopStart.destroy(); // SIGTERM
        assertThat(hoopStart.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(hoopStart.exitValue()).isZero();

        hoopStart = hoop.start(env, "start-2", "start");
        awaitReady(hoop, "start-2.out", api);
        assertThat(hoop.read("start-2.out")).doesNotContain("created").doesNotContain(password);
        HoopProcess.Result again = hoop.run(user, "", "exec", "shell", "-i", "echo still-here");
        assertThat(again.out()).as(again.err()).isEqualTo("still-here\n");
    }

    private void awaitReady(HoopProcess hoop, String out, int api) throws InterruptedException {
        HoopStack.await("hoop start is ready", Duration.ofSeconds(90), () -> {
            try {
                assertThat(hoopStart.isAlive()).as("hoop start runs: " + hoop.read(out.replace(".out", ".err"))).isTrue();
                return hoop.read(out).contains("Stop with Ctrl-C") && healthy(api);
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    private boolean healthy(int api) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api + "/api/healthz")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
