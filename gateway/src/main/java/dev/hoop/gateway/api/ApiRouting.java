package dev.hoop.gateway.api;

import dev.hoop.gateway.auth.AuthException;
import dev.hoop.gateway.auth.Authenticator;
import dev.hoop.gateway.auth.Principal;
import dev.hoop.gateway.metrics.ApiMetrics;
import dev.hoop.gateway.store.StoreException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mounts the route table on Helidon: authentication and the admin check per {@link Access}, JSON
 * answers and errors ({@code {"message": ...}}), 404 for unknown {@code /api/*} paths, the web app
 * for every other path, and with {@code GIN_MODE=debug} a log line per route at start and per
 * request (method, path, status, time; never headers or bodies).
 */
public final class ApiRouting {
    private static final Logger log = LoggerFactory.getLogger(ApiRouting.class);
    static final String UNAUTHORIZED = Authenticator.INVALID;

    private final List<Route> routes;
    private final Authenticator authenticator;
    private final UUID defaultOrg;
    private final StaticFiles staticFiles;
    private final boolean debug;
    private final InFlight inFlight;
    private final ApiMetrics metrics;

    public ApiRouting(List<Route> routes, Authenticator authenticator, UUID defaultOrg, StaticFiles staticFiles, boolean debug,
                      InFlight inFlight) {
        this(routes, authenticator, defaultOrg, staticFiles, debug, inFlight, ApiMetrics.detached());
    }

    /** @param metrics where each request's time is counted, by route template (/metrics) */
    public ApiRouting(List<Route> routes, Authenticator authenticator, UUID defaultOrg, StaticFiles staticFiles, boolean debug,
                      InFlight inFlight, ApiMetrics metrics) {
        this.routes = List.copyOf(routes);
        this.metrics = metrics;
        this.inFlight = inFlight;
        this.authenticator = authenticator;
        this.defaultOrg = defaultOrg;
        this.staticFiles = staticFiles;
        this.debug = debug;
    }

    public void configure(HttpRouting.Builder routing) {
        routing.addFilter((chain, req, res) -> {
            if (!inFlight.enter()) {
                send(res, 503, Json.message("the gateway is shutting down, retry in a moment"));
                return;
            }
            try {
                chain.proceed();
            } finally {
                inFlight.exit();
            }
        });
        if (debug) {
            routing.addFilter((chain, req, res) -> {
                long t0 = System.nanoTime();
                try {
                    chain.proceed();
                } finally {
                    log.info("http {} {} -> {} in {} ms", req.prologue().method().text(), req.path().path(), res.status().code(),
                            (System.nanoTime() - t0) / 1_000_000);
                }
            });
        }
        for (Route r : routes) {
            routing.route(r.method(), r.path(), (req, res) -> timed(r.method().text(), r.path(), res, () -> dispatch(r, req, res)));
            if (debug) {
                log.info("http route {} {} ({})", r.method().text(), r.path(), r.access().name().toLowerCase());
            }
        }
        routing.any((req, res) -> {
            String path = req.path().path();
            boolean api = path.equals("/api") || path.startsWith("/api/");
            timed(req.prologue().method().text(), api ? ApiMetrics.UNMATCHED : ApiMetrics.WEB_APP, res, () -> fallback(req, res, path, api));
        });
    }

    /** Runs a handler and counts its time under the route's template (never the path itself: no ids in labels). */
    private void timed(String method, String route, ServerResponse res, Runnable handler) {
        long t0 = System.nanoTime();
        try {
            handler.run();
        } finally {
            metrics.observe(method, route, res.status().code(), System.nanoTime() - t0);
        }
    }

    private void fallback(ServerRequest req, ServerResponse res, String path, boolean api) {
        if (api) {
            send(res, 404, Json.message("no such API route: " + req.prologue().method().text() + " " + path));
        } else if (req.prologue().method().equals(Method.GET) || req.prologue().method().equals(Method.HEAD)) {
            staticFiles.serve(req, res);
        } else {
            send(res, 405, Json.message("method " + req.prologue().method().text() + " not allowed on " + path));
        }
    }

    private void dispatch(Route r, ServerRequest req, ServerResponse res) {
        try {
            Principal principal = null;
            if (r.access() != Access.PUBLIC) {
                try {
                    principal = authenticator.require(req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
                } catch (AuthException e) {
                    throw new ApiException(e.status(), e.getMessage());
                }
                if (r.access() == Access.ADMIN && !principal.admin()) {
                    throw new ApiException(403, "admin only (your user is not in the '" + authenticator.adminGroup() + "' group)");
                }
            }
            Reply reply = r.handler().handle(new Call(req, principal, defaultOrg));
            if (reply.body() instanceof Reply.Redirect to) {
                res.status(302);
                res.header(HeaderNames.LOCATION, to.location());
                res.send();
                return;
            }
            if (reply.body() instanceof Reply.Download d) {
                res.status(reply.status());
                res.header(HeaderNames.CONTENT_TYPE, d.contentType());
                res.header(HeaderNames.CONTENT_DISPOSITION, "attachment; filename=\"" + d.filename() + "\"");
                res.send(d.bytes());
                return;
            }
            if (reply.body() instanceof Reply.Stream st) {
                stream(res, reply.status(), st, req.path().path());
                return;
            }
            send(res, reply.status(), reply.body() == null ? null : Json.write(reply.body()));
        } catch (ApiException e) {
            send(res, e.status(), Json.message(e.getMessage()));
        } catch (StoreException e) {
            log.error("http {} {}: {}", r.method().text(), req.path().path(), e.getMessage());
            send(res, 503, Json.message("storage unavailable, try again later (" + e.getMessage() + ")"));
        } catch (RuntimeException e) {
            log.error("http {} {} failed", r.method().text(), req.path().path(), e);
            send(res, 500, Json.message("internal error while handling " + r.method().text() + " " + req.path().path()
                    + " (the gateway log has the details)"));
        }
    }

    /** A streamed answer; a client that went away ends it (its write fails), which is not an error. */
    private static void stream(ServerResponse res, int status, Reply.Stream st, String path) {
        res.status(status);
        res.header(HeaderNames.CONTENT_TYPE, st.contentType());
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        try (java.io.OutputStream out = res.outputStream()) {
            st.writer().write(out);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            log.debug("http stream {} ended early: {}", path, e.toString());
        } catch (RuntimeException e) {
            // the status line is sent: the stream can only be cut short (the client sees no end event)
            log.error("http stream {} failed", path, e);
        }
    }

    static void send(ServerResponse res, int status, byte[] body) {
        res.status(status);
        if (body == null) {
            res.send();
            return;
        }
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(body);
    }
}
