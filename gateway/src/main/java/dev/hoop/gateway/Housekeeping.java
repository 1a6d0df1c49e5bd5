package dev.hoop.gateway;

import dev.hoop.gateway.audit.AuditRetention;
import dev.hoop.gateway.search.SessionIndex;
import dev.hoop.gateway.store.Database;
import dev.hoop.gateway.store.LoginStates;
import dev.hoop.gateway.store.RefreshTokens;
import dev.hoop.gateway.store.SessionRetention;
import dev.hoop.gateway.transport.GrpcServer;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's background loops, on one virtual thread: the health that gRPC reports (every 5 s),
 * forgetting expired logins and refresh tokens (every 10 min) and, when configured, the audit
 * retention. Apart from the wiring because these run for the gateway's life, and none may die
 * silently: each catches, logs with context and carries on.
 */
final class Housekeeping implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Housekeeping.class);

    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("health").factory());

    /** @param retentionDays AUDIT_RETENTION_DAYS; 0: sessions are kept forever */
    Housekeeping(Database db, GrpcServer grpc, LoginStates loginStates, RefreshTokens refreshTokens, int retentionDays, SessionIndex index) {
        loop.scheduleWithFixedDelay(() -> updateHealth(db, grpc), 0, 5, TimeUnit.SECONDS);
        loop.scheduleWithFixedDelay(() -> purgeExpired(loginStates, refreshTokens), 1, 10, TimeUnit.MINUTES);
        if (retentionDays > 0) {
            // the search index drops the deleted sessions too
            new AuditRetention(new SessionRetention(db.dataSource()), retentionDays, Clock.systemUTC(), index::remove).schedule(loop);
        }
    }

    private static void purgeExpired(LoginStates states, RefreshTokens refreshTokens) {
        try {
            int n = states.purgeExpired(Instant.now());
            int r = refreshTokens.purgeExpired(Instant.now());
            if (n + r > 0) {
                log.debug("login: forgot {} expired OIDC login(s) and {} expired refresh token(s)", n, r);
            }
        } catch (RuntimeException e) {
            log.warn("login: purging expired logins and refresh tokens failed: {}", e.getMessage());
        }
    }

    private static void updateHealth(Database db, GrpcServer grpc) {
        try {
            Optional<String> reason = db.check(GatewayServer.HEALTH_TIMEOUT);
            grpc.setServing(reason.isEmpty());
            reason.ifPresent(r -> log.warn("health: {}", r));
        } catch (RuntimeException e) {
            log.error("health: checking the database failed", e);
        }
    }

    /** Stops the loops; a round in progress is interrupted. */
    @Override
    public void close() {
        loop.shutdownNow();
    }
}
