package dev.hoop.gateway.auth.oidc;

import com.nimbusds.jose.util.JSONObjectUtils;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import okhttp3.Headers;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Makes the test provider behave like one that issues opaque access tokens: its userinfo endpoint answers for the
 * opaque tokens registered here (and revoked ones get the provider's normal 401). Every other request, JWT userinfo
 * calls included, goes to the provider's own routes.
 */
final class OpaqueTokenUserinfo implements Route {
    private final String path;
    private final Map<String, Map<String, Object>> live = new ConcurrentHashMap<>();

    OpaqueTokenUserinfo(String issuerId) {
        this.path = "/" + issuerId + "/userinfo";
    }

    void issue(String opaqueToken, Map<String, Object> claims) {
        live.put(opaqueToken, claims);
    }

    void revoke(String opaqueToken) {
        live.remove(opaqueToken);
    }

    @Override
    public boolean match(OAuth2HttpRequest request) {
        String auth = request.getHeaders().get("Authorization");
        return request.getUrl().encodedPath().equals(path) && auth != null && auth.startsWith("Bearer ")
                && live.containsKey(auth.substring("Bearer ".length()));
    }

    @Override
    public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
        Map<String, Object> claims = live.get(request.getHeaders().get("Authorization").substring("Bearer ".length()));
        return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json"), 200, JSONObjectUtils.toJSONString(claims), null);
    }
}
