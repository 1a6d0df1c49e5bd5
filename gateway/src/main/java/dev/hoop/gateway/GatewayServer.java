package dev.hoop.gateway;

import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.api.ApiRouting;
import dev.hoop.gateway.api.ApiRoutes;
import dev.hoop.gateway.api.InFlight;
import dev.hoop.gateway.api.Route;
import dev.hoop.gateway.api.StaticFiles;
import dev.hoop.gateway.auth.AccessControl;
import dev.hoop.gateway.auth.Authenticator;
import dev.hoop.gateway.auth.LoginLimiter;
import dev.hoop.gateway.auth.Revocations;
import dev.hoop.gateway.auth.oidc.OidcProvider;
import dev.hoop.gateway.auth.oidc.OidcUnavailableException;
import dev.hoop.gateway.auth.PasswordHasher;
import dev.hoop.gateway.auth.SecretKeyFile;
import dev.hoop.gateway.auth.TokenService;
import dev.hoop.gateway.audit.AuditLog;
import dev.hoop.gateway.audit.SessionSealer;
import dev.hoop.gateway.broker.AgentDirectory;
import dev.hoop.gateway.broker.ApiExecution;
import dev.hoop.gateway.broker.BrokerStreamRouter;
import dev.hoop.gateway.broker.ClientKeyAgents;
import dev.hoop.gateway.broker.SessionBroker;
import dev.hoop.gateway.broker.SessionLedger;
import dev.hoop.gateway.broker.StoreConnectionCatalog;
import dev.hoop.gateway.review.ReviewService;
import dev.hoop.gateway.config.GatewayConfig;
import dev.hoop.gateway.metrics.GatewayMetrics;
import dev.hoop.gateway.search.SessionIndex;
import dev.hoop.gateway.store.Agents;
import dev.hoop.gateway.store.ApiKeys;
import dev.hoop.gateway.store.LoginStates;
import dev.hoop.gateway.store.MaskingKeys;
import dev.hoop.gateway.store.Plugins;
import dev.hoop.gateway.store.RefreshTokens;
import dev.hoop.gateway.store.ClientKeys;
import dev.hoop.gateway.store.Reviews;
import dev.hoop.gateway.store.Connections;
import dev.hoop.gateway.store.Database;
import dev.hoop.gateway.store.Orgs;
import dev.hoop.gateway.store.SessionSeals;
import dev.hoop.gateway.store.Sessions;
import dev.hoop.gateway.store.Users;
import dev.hoop.gateway.store.Webhooks;
import dev.hoop.gateway.webhook.WebhookDispatcher;
import dev.hoop.gateway.webhook.WebhookEvents;
import dev.hoop.gateway.transport.GrpcServer;
import io.helidon.webserver.WebServer;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway, wired from a {@link GatewayConfig}: storage (migrated), auth, the gRPC
 * server and the HTTP server. {@link #start} is what {@code hoop start gateway} and the tests
 * use; {@link #close} shuts down gracefully (stop accepting, finish in-flight calls, close storage).
 * What the API reports about it is {@link GatewayInfo}; its background loops are {@link Housekeeping}.
 */
public final class GatewayServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    private final Database db;
    private final GrpcServer grpc;
    private final WebServer web;
    private final Housekeeping housekeeping;
    private final GatewayInfo info;
    private final List<Route> routes;
    private final InFlight inFlight;
    private final SessionBroker broker;
    private final Seeding seeding;
    private final WebhookDispatcher webhookDispatcher;
    private final WebhookEvents webhookEvents;
    private final ReviewService reviews;
    private final SessionIndex index;

    private GatewayServer(Database db, GrpcServer grpc, WebServer web, Housekeeping housekeeping, GatewayInfo info, List<Route> routes,
                          InFlight inFlight, SessionBroker broker, Seeding seeding, WebhookDispatcher webhookDispatcher,
                          WebhookEvents webhookEvents, ReviewService reviews, SessionIndex index) {
        this.seeding = seeding;
        this.reviews = reviews;
        this.index = index;
        this.webhookDispatcher = webhookDispatcher;
        this.webhookEvents = webhookEvents;
        this.inFlight = inFlight;
        this.broker = broker;
        this.db = db;
        this.grpc = grpc;
        this.web = web;
        this.housekeeping = housekeeping;
        this.info = info;
        this.routes = routes;
    }

    public static GatewayServer start(GatewayConfig cfg) {
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            Database db = cfg.postgres() == null ? Database.embedded(cfg.dataDir()) : Database.external(cfg.postgres());
            opened.add(db);
            GatewayMetrics metrics = GatewayMetrics.create();
            Orgs orgs = new Orgs(db.dataSource());
            Users users = new Users(db.dataSource());
            Agents agents = new Agents(db.dataSource());
            Connections connections = new Connections(db.dataSource());
            ClientKeys clientKeys = new ClientKeys(db.dataSource());
            ClientKeyAgents clientKeyAgents = new ClientKeyAgents(clientKeys);
            UUID org = orgs.ensure(Orgs.DEFAULT_ORG);
            TokenService tokens = new TokenService(SecretKeyFile.resolve(cfg.jwtSecretKey(), cfg.dataDir()), Clock.systemUTC(), cfg.tokenTtl());
            OidcProvider oidc = cfg.oidc() == null ? null : discover(cfg);
            ApiKeys apiKeys = new ApiKeys(db.dataSource());
            Plugins plugins = new Plugins(db.dataSource());
            LoginStates loginStates = new LoginStates(db.dataSource());
            RefreshTokens refreshTokens = new RefreshTokens(db.dataSource());
            Revocations revocations = new Revocations();
            AccessControl access = new AccessControl(plugins, cfg.adminGroup());
            Authenticator auth = new Authenticator(tokens, users, apiKeys, oidc == null ? null : oidc.accessTokenVerifier(), org,
                    cfg.adminGroup(), revocations);
            Sessions sessions = new Sessions(db.dataSource());
            Webhooks webhooks = new Webhooks(db.dataSource());
            WebhookDispatcher dispatcher = WebhookDispatcher.start(webhooks, cfg.webhooks(), Clock.systemUTC());
            opened.add(dispatcher);
            WebhookEvents webhookEvents = new WebhookEvents(webhooks, cfg.webhooks().svix(), Clock.systemUTC(), dispatcher::wake);
            List<Sessions.Session> orphaned = sessions.listOpen();
            int orphans = sessions.closeOrphans();
            if (orphans > 0) {
                log.warn("sessions: {} session(s) were still open from an earlier run; marked as ended ({})", orphans, Sessions.ORPHANED);
                webhookEvents.orphansClosed(orphaned, java.time.Instant.now());
            }
            SessionSeals seals = new SessionSeals(db.dataSource());
            SessionSealer sealer = SessionSealer.load(cfg.auditSettings().signingKey(), cfg.dataDir());
            AuditLog audit = AuditLog.open(cfg.pluginAuditPath(), sealer.sealing(sessions::store, seals::put), metrics.audit());
            audit.recover();
            SessionIndex index = SessionIndex.open(cfg.pluginIndexPath(), org, sessions);
            opened.add(index);
            AgentDirectory directory = new AgentDirectory();
            GatewayInfo info = new GatewayInfo(cfg.authMethod(), db);
            Reviews reviewStore = new Reviews(db.dataSource());
            ReviewService reviews = new ReviewService(reviewStore, revocations, info::apiUrl,
                    List.of(WebhookReviews.publishingTo(webhookEvents))).start();
            opened.add(reviews);
            SessionBroker broker = new SessionBroker(directory, new StoreConnectionCatalog(connections, access, users, plugins, new MaskingKeys(db.dataSource())),
                    reviews.tracking(webhookEvents.around(new IndexedLedger(SessionLedger.storedIn(sessions), index))), audit,
                    cfg.auditStatementBytes(), revocations).withReviews(reviews).withMetrics(metrics.sessions());
            metrics.agentsOnline(directory::onlineCount).reviewsPending(reviewStore::pendingCount).webhookOutbox(webhooks::pendingCount);
            opened.add(broker);
            ServerTls tls = cfg.tls() == null ? null : ServerTls.from(cfg.tls());

            GrpcServer grpc = GrpcServer.start(cfg.listenAddr(), cfg.grpcPort(), tls == null ? null : tls.keyManagers(),
                    new BrokerStreamRouter(broker, agents, clientKeyAgents), directory, agents, auth, clientKeyAgents,
                    () -> db.check(HEALTH_TIMEOUT).isEmpty());
            opened.add(grpc);
            info.grpcListening(grpc, cfg.grpcUrl() != null ? cfg.grpcUrl().toString()
                    : (tls == null ? "grpc" : "grpcs") + "://127.0.0.1:" + grpc.port());

            PasswordHasher hasher = new PasswordHasher();
            var localAuth = new ApiRoutes.LocalAuth(users, orgs, hasher, tokens, cfg.adminGroup(), cfg.orgMultiTenant(),
                    new LoginLimiter(Clock.systemUTC()), refreshTokens);
            ApiRoutes api = new ApiRoutes().system(info, orgs);
            if (oidc == null) {
                api.localAuth(localAuth);
            } else {
                api.oidcAuth(new ApiRoutes.OidcAuth(oidc, loginStates, users, org, cfg.adminGroup()), localAuth);
            }
            List<Route> routes = api.users(users, hasher, revocations, refreshTokens)
                    .agents(agents, directory, info, broker)
                    .clientKeys(clientKeys, broker, info)
                    .connections(connections, agents, access, revocations, directory, plugins)
                    .plugins(plugins, connections, revocations)
                    .guardrails(plugins, connections)
                    .apiKeys(apiKeys, revocations)
                    .sessions(sessions, new ApiExecution(broker), audit, index)
                    .webhooks(webhooks)
                    .reviews(reviews, reviewStore, connections)
                    .audit(sessions, seals, sealer)
                    .metrics(metrics, cfg.metrics())
                    .table();
            InFlight inFlight = new InFlight();
            ApiRouting routing = new ApiRouting(routes, auth, org, new StaticFiles(cfg.staticUiPath()), cfg.ginDebug(), inFlight,
                    metrics.api());
            var builder = WebServer.builder()
                    .host(cfg.listenAddr())
                    .port(cfg.apiPort())
                    .shutdownHook(false)
                    // API bodies are small JSON documents; refuse big ones before reading them into memory
                    .maxPayloadSize(dev.hoop.gateway.api.Call.MAX_BODY_BYTES)
                    // in-flight requests are drained by InFlight first; this only bounds closing idle keep-alive connections
                    .shutdownGracePeriod(Duration.ofSeconds(1))
                    .routing(routing::configure);
            if (tls != null) {
                builder.tls(tls.helidon());
            }
            WebServer web = builder.build().start();
            opened.add(web::stop);
            if (!web.isRunning() || web.port() < 0) {
                // Helidon logs the bind failure and answers a stopped server instead of throwing
                throw new java.io.UncheckedIOException("HTTP: cannot listen on " + cfg.listenAddr() + ":" + cfg.apiPort()
                        + " (address in use or not available; set HOOP_API_PORT to a free port)", new java.io.IOException("bind failed"));
            }
            info.apiListening(cfg.apiUrl() != null ? cfg.apiUrl().toString()
                    : (tls == null ? "http" : "https") + "://127.0.0.1:" + web.port());
            log.info("http: listening on {}:{} ({}), web app from {}", cfg.listenAddr(), web.port(), tls == null ? "plaintext" : "TLS",
                    cfg.staticUiPath());

            Housekeeping housekeeping = new Housekeeping(db, grpc, loginStates, refreshTokens, cfg.auditSettings().retentionDays(), index);
            log.info("gateway ready: api {} grpc {} auth {} storage {}", info.apiUrl(), info.grpcUrl(), cfg.authMethod(), db.description());
            return new GatewayServer(db, grpc, web, housekeeping, info, routes, inFlight, broker,
                    new Seeding(org, users, agents, connections, cfg.adminGroup()), dispatcher, webhookEvents, reviews, index);
        } catch (RuntimeException e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static OidcProvider discover(GatewayConfig cfg) {
        try {
            return OidcProvider.discover(cfg.oidc());
        } catch (OidcUnavailableException e) {
            throw new IllegalStateException(e.reason(), e);
        }
    }

    public int apiPort() {
        return web.port();
    }

    public int grpcPort() {
        return grpc.port();
    }

    public String apiUrl() {
        return info.apiUrl();
    }

    public String grpcUrl() {
        return info.grpcUrl();
    }

    /** The REST route table, for tests that iterate it. */
    public List<Route> routes() {
        return routes;
    }

    /** HTTP requests being handled right now. */
    public int requestsInFlight() {
        return inFlight.count();
    }

    public Database database() {
        return db;
    }

    /** Where events are published to webhooks (session events are wired in; the reviews code publishes review.*). */
    public WebhookEvents webhookEvents() {
        return webhookEvents;
    }

    /** The search plugin's index of sessions. */
    public SessionIndex sessionIndex() {
        return index;
    }

    /** Where a launcher seeds the store of this gateway (first admin, agent key, connections). */
    public Seeding seeding() {
        return seeding;
    }

    /**
     * Orderly shutdown: stop accepting gRPC calls; end the open sessions (clients and agents are
     * told why) and wait until their ends and audit files are recorded; let in-flight HTTP
     * requests finish; stop the servers; only then close the pool and the embedded database, which
     * everything before still writes to.
     */
    @Override
    public void close() {
        log.info("gateway: shutting down (open sessions and in-flight requests get up to {} s)", SHUTDOWN_GRACE.toSeconds());
        housekeeping.close();
        grpc.stopAccepting();
        int unrecorded = broker.endAll(SHUTDOWN_GRACE);
        if (unrecorded > 0) {
            log.warn("gateway: {} session end(s) still being recorded after {} s; their audit files stay for the next start",
                    unrecorded, SHUTDOWN_GRACE.toSeconds());
        }
        try {
            int left = inFlight.drain(SHUTDOWN_GRACE);
            if (left > 0) {
                log.warn("gateway: {} HTTP request(s) still running after {} s; closing them", left, SHUTDOWN_GRACE.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        web.stop();
        grpc.shutdown(2000);
        broker.close();
        reviews.close();
        // after the sessions' ends were queued, before the pool closes: attempts in flight are given back to the outbox
        webhookDispatcher.close();
        index.close();
        db.close();
        log.info("gateway: stopped");
    }
}
