package dev.hoop.gateway.auth.oidc;

import dev.hoop.gateway.config.OidcSettings;
import com.nimbusds.jose.util.JSONObjectUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates a token, opaque or not, by presenting it to the provider's userinfo endpoint ({@code _userinfo=1}).
 * Positive answers are cached briefly under the SHA-256 of the token (never the token), so that a burst of
 * requests costs one call; negative answers are not cached, so a token that starts working is accepted at once.
 * Calls block: use from virtual or worker threads.
 */
final class UserinfoClient {
    private static final Logger log = LoggerFactory.getLogger(UserinfoClient.class);

    private record Cached(OidcIdentity identity, Instant until) {
    }

    private final URI endpoint;
    private final HttpClient http;
    private final Clock clock;
    private final String groupsClaim;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    UserinfoClient(URI endpoint, HttpClient http, Clock clock, String groupsClaim) {
        this.endpoint = endpoint;
        this.http = http;
        this.clock = clock;
        this.groupsClaim = groupsClaim;
    }

    OidcIdentity identify(String token) throws InvalidTokenException, OidcUnavailableException {
        String key = Secrets.sha256Hex(token);
        Instant now = clock.instant();
        Cached hit = cache.get(key);
        if (hit != null && now.isBefore(hit.until())) {
            return hit.identity().withAccessToken(token);
        }
        OidcIdentity identity = call(token);
        remember(key, identity, now);
        return identity;
    }

    private OidcIdentity call(String token) throws InvalidTokenException, OidcUnavailableException {
        HttpRequest request = HttpRequest.newBuilder(endpoint).timeout(OidcSettings.READ_TIMEOUT)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json").GET().build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new OidcUnavailableException("the identity provider's userinfo endpoint " + endpoint + " is unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OidcUnavailableException("interrupted while calling the identity provider's userinfo endpoint", e);
        }
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            String challenge = response.headers().firstValue("WWW-Authenticate").map(h -> ", " + h).orElse("");
            log.debug("userinfo rejected token {}: HTTP {}", Secrets.fingerprint(token), status);
            throw new InvalidTokenException("the identity provider's userinfo endpoint rejected the token (HTTP " + status + challenge + ")");
        }
        if (status != 200) {
            throw new OidcUnavailableException("the identity provider's userinfo endpoint " + endpoint + " answered HTTP " + status, null);
        }
        Map<String, Object> claims;
        try {
            claims = JSONObjectUtils.parse(response.body());
        } catch (ParseException e) {
            throw new OidcUnavailableException("the identity provider's userinfo endpoint " + endpoint
                    + " answered something else than a JSON object (signed or encrypted userinfo answers are not supported)", e);
        }
        return Claims.identity(claims, groupsClaim, token);
    }

    private void remember(String key, OidcIdentity identity, Instant now) {
        if (cache.size() >= OidcSettings.USERINFO_CACHE_MAX_ENTRIES) {
            cache.values().removeIf(c -> !now.isBefore(c.until()));
            if (cache.size() >= OidcSettings.USERINFO_CACHE_MAX_ENTRIES) {
                cache.clear(); // still full of live entries: start over rather than grow without bound
            }
        }
        cache.put(key, new Cached(identity, now.plus(OidcSettings.USERINFO_CACHE_TTL)));
    }
}
