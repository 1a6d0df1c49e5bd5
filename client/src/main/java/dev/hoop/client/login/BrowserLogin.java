package dev.hoop.client.login;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.hoop.client.api.HoopApi;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The OIDC sign-in of {@code hoop login}: listens on {@code 127.0.0.1:3587/callback}, asks the
 * gateway for the provider's login URL with that redirect, opens the browser on it (or prints it),
 * and waits for the gateway to send the browser back with {@code ?token=} or {@code ?error=}.
 */
final class BrowserLogin {
    static final int DEFAULT_PORT = 3587;
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(3);
    private static final String DONE_PAGE = "<!doctype html><title>hoop</title><p>%s</p><p>You can close this tab and go back to the terminal.</p>";

    private BrowserLogin() {}

    /**
     * @param browser the command that opens a URL (the URL is appended), or null for the platform's
     * @return the access token
     */
    static String run(HoopApi gateway, String apiUrl, int port, Duration timeout, String browser, PrintWriter err) {
        CompletableFuture<Map<String, String>> answer = new CompletableFuture<>();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + " for the sign-in callback (" + e.getMessage()
                    + "); is another 'hoop login' running?", e);
        }
        server.createContext("/callback", ex -> callback(ex, answer));
        server.start();
        try {
            String redirect = "http://127.0.0.1:" + server.getAddress().getPort() + "/callback";
            JsonNode login = gateway.get("/api/login?redirect=" + URLEncoder.encode(redirect, StandardCharsets.UTF_8));
            if (login == null || !login.hasNonNull("login_url")) {
                throw new IllegalStateException("the gateway at " + apiUrl + " sent no login_url for the sign-in");
            }
            String url = login.get("login_url").asText();
            err.println("Opening the browser to sign in. If it does not open, visit this URL:");
            err.println("  " + url);
            err.flush();
            open(browser, url, err);
            Map<String, String> params;
            try {
                params = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new IllegalStateException("no sign-in completed within " + describe(timeout)
                        + ": finish the login in the browser sooner, or run 'hoop login' again");
            } catch (ExecutionException e) {
                throw new IllegalStateException("the sign-in callback failed: " + e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the sign-in");
            }
            if (params.containsKey("error")) {
                throw new IllegalStateException("the sign-in failed: " + params.get("error"));
            }
            return params.get("token");
        } finally {
            server.stop(0);
        }
    }

    private static void callback(HttpExchange ex, CompletableFuture<Map<String, String>> answer) throws IOException {
        Map<String, String> params = query(ex.getRequestURI().getRawQuery());
        String text;
        int status;
        if (params.get("token") != null && !params.get("token").isBlank()) {
            text = "You are signed in to hoop.";
            status = 200;
            answer.complete(params);
        } else if (params.get("error") != null) {
            text = "The sign-in failed: " + escape(params.get("error"));
            status = 400;
            answer.complete(params);
        } else {
            text = "This page expects ?token= or ?error= from the hoop gateway.";
            status = 400;
        }
        byte[] body = String.format(Locale.ROOT, DONE_PAGE, text).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        ex.sendResponseHeaders(status, body.length);
        try (var out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    /** Runs the browser without waiting for it; a failure only means the user opens the printed URL. */
    private static void open(String browser, String url, PrintWriter err) {
        List<String> cmd = new ArrayList<>();
        if (browser != null && !browser.isBlank()) {
            cmd.addAll(List.of(browser.trim().split("\\s+")));
        } else {
            cmd.add(System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("mac") ? "open" : "xdg-open");
        }
        cmd.add(url);
        try {
            new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            err.println("(could not start '" + cmd.getFirst() + "': open the URL above yourself)");
            err.flush();
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new java.util.HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String describe(Duration d) {
        return d.toSeconds() % 60 == 0 && d.toSeconds() >= 60 ? d.toMinutes() + " minutes" : d.toSeconds() + " s";
    }
}
