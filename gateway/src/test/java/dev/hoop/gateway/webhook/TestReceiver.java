package dev.hoop.gateway.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A webhook receiver on an ephemeral loopback port (JDK HttpServer), recording every request; what
 * it answers is up to the test's {@link Behaviour}.
 */
final class TestReceiver implements AutoCloseable {
    /** One request as received. */
    record Request(String method, String path, Map<String, String> headers, String body, int answered) {
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** Answers a request: the status, or writes the answer itself and returns -1. */
    @FunctionalInterface
    interface Behaviour {
        int answer(HttpExchange exchange, String body, int index) throws IOException;
    }

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private volatile Behaviour behaviour = (x, body, i) -> 200;

    TestReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    TestReceiver behave(Behaviour b) {
        this.behaviour = b;
        return this;
    }

    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange x) throws IOException {
        String body;
        try (InputStream in = x.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Map<String, String> headers = new TreeMap<>();
        x.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
        int index;
        synchronized (requests) {
            index = requests.size();
        }
        int status;
        try {
            status = behaviour.answer(x, body, index);
        } catch (IOException e) {
            status = -2;
        }
        synchronized (requests) {
            requests.add(new Request(x.getRequestMethod(), x.getRequestURI().getPath(), headers, body, status));
        }
        if (status > 0) {
            x.sendResponseHeaders(status, -1);
            x.close();
        }
    }

    List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + limit.toMillis() + " ms");
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
