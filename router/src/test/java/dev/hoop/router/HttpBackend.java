package dev.hoop.router;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny real backend on an ephemeral port. It answers {@code <name> <METHOD> <body bytes>} and
 * echoes the forwarding headers it saw as {@code x-seen-*}; {@code ?status=N} answers status N.
 */
public final class HttpBackend implements AutoCloseable {
    public final String name;
    private final HttpServer server;
    public final AtomicInteger hits = new AtomicInteger();
    private volatile int status = 200;

    public HttpBackend(String name) throws IOException {
        this.name = name;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    public void status(int code) {
        this.status = code;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        hits.incrementAndGet();
        long n = 0;
        try (InputStream in = ex.getRequestBody()) {
            byte[] buf = new byte[65536];
            int r;
            while ((r = in.read(buf)) > 0) {
                n += r;
            }
        }
        int code = status;
        String q = ex.getRequestURI().getQuery();
        if (q != null && q.startsWith("status=")) {
            code = Integer.parseInt(q.substring(7));
        }
        for (String h : new String[] {"X-Forwarded-For", "X-Real-IP", "X-Forwarded-Proto", "X-Forwarded-Port", "Host"}) {
            String v = ex.getRequestHeaders().getFirst(h);
            if (v != null) {
                ex.getResponseHeaders().add("x-seen-" + h.toLowerCase(), v);
            }
        }
        byte[] body = (name + " " + ex.getRequestMethod() + " " + n).getBytes(StandardCharsets.UTF_8);
        if (ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseHeaders().add("Content-Length", Integer.toString(body.length));
            ex.sendResponseHeaders(code, -1);
            ex.close();
            return;
        }
        ex.sendResponseHeaders(code, body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
