package dev.hoop.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx ({@code /usr/sbin/nginx}) as a child process of the test: a generated main
 * configuration in a temp folder around a {@code server} configuration (taken from deploy/nginx),
 * one foreground process ({@code daemon off}, {@code master_process off}) so that killing it
 * leaves nothing behind, its pid, logs and temp files in that folder.
 */
final class NginxProcess implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/nginx");

    final Path dir;
    private final Process process;

    private NginxProcess(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    /**
     * Starts nginx with {@code serverConf} in its http{} block and waits until every port in
     * {@code ports} accepts connections.
     */
    static NginxProcess start(Path dir, String serverConf, List<Integer> ports) throws IOException, InterruptedException {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError(BINARY + " is missing: install Debian's nginx (scripts/test installs it: nginx:nginx)");
        }
        Files.createDirectories(dir.resolve("temp"));
        Files.writeString(dir.resolve("server.conf"), serverConf);
        Files.writeString(dir.resolve("nginx.conf"), """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 256; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %1$s/temp/body;
                    proxy_temp_path %1$s/temp/proxy;
                    fastcgi_temp_path %1$s/temp/fastcgi;
                    uwsgi_temp_path %1$s/temp/uwsgi;
                    scgi_temp_path %1$s/temp/scgi;
                    include %1$s/server.conf;
                }
                """.formatted(dir));
        Process p = new ProcessBuilder(BINARY.toString(), "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString(),
                "-e", dir.resolve("error.log").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        NginxProcess nginx = new NginxProcess(dir, p);
        try {
            for (int port : ports) {
                HoopStack.await("nginx listens on " + port, Duration.ofSeconds(20), () -> {
                    if (!p.isAlive()) {
                        throw new AssertionError("nginx exited (" + p.exitValue() + "): " + nginx.log());
                    }
                    return accepts(port);
                });
            }
        } catch (RuntimeException | Error | InterruptedException e) {
            nginx.close();
            throw e;
        }
        return nginx;
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The output and error log, for failure messages. */
    String log() {
        try {
            StringBuilder b = new StringBuilder();
            for (String f : List.of("nginx.out", "error.log")) {
                Path path = dir.resolve(f);
                if (Files.exists(path)) {
                    b.append(Files.readString(path, StandardCharsets.UTF_8));
                }
            }
            return b.toString();
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** The access log: a request's line is written when nginx finalises it (for a stream: when it ends). Empty before the first. */
    String accessLog() {
        try {
            Path path = dir.resolve("access.log");
            return Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(access log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy(); // SIGTERM: nginx exits at once
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
