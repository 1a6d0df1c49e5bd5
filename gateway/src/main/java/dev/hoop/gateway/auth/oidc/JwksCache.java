package dev.hoop.gateway.auth.oidc;

import dev.hoop.gateway.config.OidcSettings;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The issuer's signing keys, fetched from its {@code jwks_uri} on first use and kept in memory. Refetched when older
 * than the max age, and when a token names a key that is not in the set (key rotation) — at most once per
 * min-refresh interval, so that tokens with made-up key ids cannot turn the gateway into a load generator against
 * the provider. A failed refetch keeps the previous keys (logged), so a provider hiccup does not lock users out.
 * Fetches block: call from virtual or worker threads, never from an event loop.
 */
final class JwksCache {
    private static final Logger log = LoggerFactory.getLogger(JwksCache.class);

    private record Snapshot(JWKSet keys, Instant fetchedAt) {
    }

    private final URI jwksUri;
    private final HttpClient http;
    private final Clock clock;
    private final Duration maxAge;
    private final Duration minRefreshInterval;
    private final ReentrantLock fetchLock = new ReentrantLock();
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile Snapshot snapshot;

    JwksCache(URI jwksUri, HttpClient http, Clock clock, Duration maxAge, Duration minRefreshInterval) {
        this.jwksUri = jwksUri;
        this.http = http;
        this.clock = clock;
        this.maxAge = maxAge;
        this.minRefreshInterval = minRefreshInterval;
    }

    /** The keys matching {@code matcher}, refetching the set once (rate-limited) when none does. Empty when unknown. */
    List<JWK> keys(JWKMatcher matcher) throws OidcUnavailableException {
        JWKSelector selector = new JWKSelector(matcher);
        Snapshot current = fresh();
        List<JWK> found = selector.select(current.keys());
        if (!found.isEmpty()) {
            return found;
        }
        fetchLock.lock();
        try {
            Snapshot latest = snapshot;
            // Another thread may have refetched while this one waited for the lock: use its answer.
            if (latest == current && !clock.instant().isBefore(current.fetchedAt().plus(minRefreshInterval))) {
                latest = refetchKeepingStale(current);
            }
            return selector.select(latest.keys());
        } finally {
            fetchLock.unlock();
        }
    }

    /** How many times the key set was fetched (for diagnosis and tests). */
    int fetchCount() {
        return fetches.get();
    }

    private Snapshot fresh() throws OidcUnavailableException {
        Snapshot s = snapshot;
        if (s != null && clock.instant().isBefore(s.fetchedAt().plus(maxAge))) {
            return s;
        }
        fetchLock.lock();
        try {
            s = snapshot;
            if (s == null) {
                snapshot = fetch();
                return snapshot;
            }
            if (!clock.instant().isBefore(s.fetchedAt().plus(maxAge))) {
                return refetchKeepingStale(s);
            }
            return s;
        } finally {
            fetchLock.unlock();
        }
    }

    private Snapshot refetchKeepingStale(Snapshot stale) {
        try {
            snapshot = fetch();
        } catch (OidcUnavailableException e) {
            log.warn("keeping the {} cached signing keys of the identity provider: {}", stale.keys().size(), e.getMessage());
            // Wait a full interval before the next try instead of hammering a failing provider.
            snapshot = new Snapshot(stale.keys(), clock.instant());
        }
        return snapshot;
    }

    private Snapshot fetch() throws OidcUnavailableException {
        fetches.incrementAndGet();
        HttpRequest request = HttpRequest.newBuilder(jwksUri).timeout(OidcSettings.READ_TIMEOUT)
                .header("Accept", "application/json").GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new OidcUnavailableException("the identity provider's JWKS " + jwksUri + " answered HTTP " + response.statusCode(), null);
            }
            JWKSet keys = JWKSet.parse(response.body());
            log.debug("fetched {} signing keys from {}", keys.size(), jwksUri);
            return new Snapshot(keys, clock.instant());
        } catch (IOException e) {
            throw new OidcUnavailableException("the identity provider's JWKS " + jwksUri + " is unreachable: " + e, e);
        } catch (ParseException e) {
            throw new OidcUnavailableException("the identity provider's JWKS " + jwksUri + " is not a JWK set: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OidcUnavailableException("interrupted while fetching the identity provider's JWKS " + jwksUri, e);
        }
    }
}
