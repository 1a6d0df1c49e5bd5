package dev.hoop.gateway.auth.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * Verifies the bearer token of every API request and gRPC stream. By default the token must be a JWT signed by a
 * key of the issuer's JWKS, issued by {@code IDP_ISSUER}, for {@code IDP_AUDIENCE} (or the client id), and not
 * expired. With {@code _userinfo=1} in {@code IDP_ISSUER}, any token (opaque ones included) is instead accepted
 * when the provider's userinfo endpoint accepts it. Thread-safe; may block on the network, so call it from a
 * virtual or worker thread, never from an event loop. Obtain it from {@link OidcProvider#accessTokenVerifier()}.
 */
public final class AccessTokenVerifier {
    private static final Logger log = LoggerFactory.getLogger(AccessTokenVerifier.class);

    private final JwtVerifier jwt;
    private final UserinfoClient userinfo;
    private final Set<String> audiences;
    private final String groupsClaim;

    AccessTokenVerifier(JwtVerifier jwt, UserinfoClient userinfo, String audience, String groupsClaim) {
        this.jwt = jwt;
        this.userinfo = userinfo;
        this.audiences = Set.of(audience);
        this.groupsClaim = groupsClaim;
    }

    /**
     * @param accessToken the token, without the {@code Bearer } prefix
     * @return who the token belongs to
     * @throws InvalidTokenException   the token is not accepted (answer 401 with {@link OidcException#reason()})
     * @throws OidcUnavailableException the provider's JWKS or userinfo endpoint could not be used (answer 503)
     */
    public OidcIdentity verify(String accessToken) throws InvalidTokenException, OidcUnavailableException {
        if (accessToken == null || accessToken.isBlank()) {
            throw new InvalidTokenException("no access token");
        }
        try {
            if (userinfo != null) {
                return userinfo.identify(accessToken);
            }
            JWTClaimsSet claims = jwt.verify(accessToken, "access token", audiences);
            return Claims.identity(claims.getClaims(), groupsClaim, accessToken);
        } catch (InvalidTokenException e) {
            log.debug("access token {} rejected: {}", Secrets.fingerprint(accessToken), e.getMessage());
            throw e;
        }
    }

    /** How many times the issuer's JWKS was fetched (diagnosis and tests). */
    int jwksFetchCount() {
        return jwt.keys().fetchCount();
    }

    /** True when tokens are checked at the provider's userinfo endpoint ({@code _userinfo=1}). */
    public boolean usesUserinfo() {
        return userinfo != null;
    }
}
