package dev.hoop.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hoop.agent.transport.AgentMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The agent's opt-in {@code GET /metrics} ({@code HOOP_METRICS_PORT}), on loopback unless
 * {@code HOOP_METRICS_ADDR} says otherwise. It answers nothing else, reads no request body, and
 * serves one scrape at a time on a virtual thread: the agent's event loop never waits for it.
 */
final class MetricsServer implements AutoCloseable {
    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /** @throws UncheckedIOException naming the address when it cannot be bound */
    static MetricsServer start(String address, int port, AgentMetrics metrics) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(address, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("HOOP_METRICS_PORT: cannot listen on " + address + ":" + port + " (" + e.getMessage()
                    + "; choose a free port, or unset HOOP_METRICS_PORT to serve no metrics)", e);
        }
        server.createContext("/", exchange -> answer(exchange, metrics));
        server.setExecutor(Executors.newSingleThreadExecutor(Thread.ofVirtual().name("agent-metrics").factory()));
        server.start();
        return new MetricsServer(server);
    }

    private static void answer(HttpExchange exchange, AgentMetrics metrics) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (!path.equals("/metrics")) {
                send(exchange, 404, "text/plain; charset=utf-8", "only GET /metrics is served here\n".getBytes(StandardCharsets.UTF_8));
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", ("method " + (method.matches("[A-Z]{1,16}") ? method : "?")
                        + " not allowed on /metrics (use GET)\n").getBytes(StandardCharsets.UTF_8));
            } else {
                ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
                metrics.scrape(body);
                send(exchange, 200, AgentMetrics.CONTENT_TYPE, method.equals("HEAD") ? null : body.toByteArray());
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body == null ? -1 : body.length);
        if (body != null) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The bound port (HOOP_METRICS_PORT=0 picks a free one). */
    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
