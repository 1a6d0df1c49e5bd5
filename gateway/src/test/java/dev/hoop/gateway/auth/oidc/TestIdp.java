package dev.hoop.gateway.auth.oidc;

import dev.hoop.gateway.config.OidcSettings;
import com.nimbusds.jwt.SignedJWT;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * A real OpenID Connect provider for tests: {@link MockOAuth2Server} on an ephemeral loopback port, serving
 * discovery, JWKS, authorize, token and userinfo over HTTP for the issuer id {@value #ISSUER_ID}.
 */
final class TestIdp implements AutoCloseable {
    static final String ISSUER_ID = "hoop";
    static final String CLIENT_ID = "hoop-gateway";
    static final String CLIENT_SECRET = "s3cr3t-client-secret-value";

    final MockOAuth2Server server;
    final OpaqueTokenUserinfo opaqueTokens = new OpaqueTokenUserinfo(ISSUER_ID);

    TestIdp() {
        server = new MockOAuth2Server(new OAuth2Config(), opaqueTokens);
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    URI issuer() {
        return server.issuerUrl(ISSUER_ID).uri();
    }

    /** Settings for a gateway at {@code apiUrl} using this provider. */
    OidcSettings settings(boolean userinfoMode, String audience) {
        return new OidcSettings(issuer(), userinfoMode, CLIENT_ID, CLIENT_SECRET, audience,
                OidcSettings.scopes("groups"), URI.create("https://hoop.example.com"), OidcSettings.DEFAULT_GROUPS_CLAIM);
    }

    /** The next token request answers for {@code subject} with these claims and access-token audience. */
    void nextLogin(String subject, List<String> accessTokenAudience, Map<String, Object> claims, long expirySeconds) {
        server.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", accessTokenAudience, claims, expirySeconds));
    }

    /** A token signed by this provider's key for its issuer. */
    String token(String subject, String audience, Map<String, Object> claims, long expirySeconds) {
        SignedJWT jwt = server.issueToken(ISSUER_ID, subject, new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT",
                List.of(audience), claims, expirySeconds));
        return jwt.serialize();
    }

    @Override
    public void close() {
        server.shutdown();
    }
}
