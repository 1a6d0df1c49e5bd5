package dev.hoop.gateway.auth.oidc;

import dev.hoop.gateway.config.OidcSettings;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Verifies a signed JWT from the issuer: first the signature against the issuer's published keys (nothing in the
 * token is trusted before that), then issuer, audience, expiry and not-before with a small clock skew. Every
 * rejection is an {@link InvalidTokenException} with a reason that names the token kind and never its content.
 */
final class JwtVerifier {
    /** Asymmetric algorithms only: a key from a JWKS is public, an HMAC "signature" with it would prove nothing. */
    private static final Set<JWSAlgorithm> ALLOWED = Stream.concat(JWSAlgorithm.Family.RSA.stream(), JWSAlgorithm.Family.EC.stream())
            .collect(Collectors.toUnmodifiableSet());

    private final String issuer;
    private final JwksCache keys;
    private final Clock clock;

    JwtVerifier(String issuer, JwksCache keys, Clock clock) {
        this.issuer = issuer;
        this.keys = keys;
        this.clock = clock;
    }

    /** The key cache (tests read its fetch count). */
    JwksCache keys() {
        return keys;
    }

    /**
     * @param kind      "access token" or "ID token", for the messages
     * @param audiences the accepted audiences; the token's {@code aud} must contain one of them
     */
    JWTClaimsSet verify(String token, String kind, Set<String> audiences) throws InvalidTokenException, OidcUnavailableException {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw new InvalidTokenException("the " + kind + " is not a signed JWT", e);
        }
        verifySignature(jwt, kind);
        verifyClaims(claims, kind, audiences);
        return claims;
    }

    private void verifySignature(SignedJWT jwt, String kind) throws InvalidTokenException, OidcUnavailableException {
        JWSHeader header = jwt.getHeader();
        if (!ALLOWED.contains(header.getAlgorithm())) {
            throw new InvalidTokenException("the " + kind + " is signed with " + header.getAlgorithm()
                    + " (expected: an RSA or EC algorithm published in the issuer's JWKS)");
        }
        List<JWK> candidates = keys.keys(JWKMatcher.forJWSHeader(header));
        if (candidates.isEmpty()) {
            throw new InvalidTokenException("the " + kind + " is signed by a key the issuer does not publish (kid '"
                    + header.getKeyID() + "')");
        }
        for (JWK key : candidates) {
            try {
                if (jwt.verify(verifierFor(key))) {
                    return;
                }
            } catch (JOSEException e) {
                // A key the JOSE library cannot use for this algorithm: try the next candidate.
            }
        }
        throw new InvalidTokenException("the " + kind + " has an invalid signature (kid '" + header.getKeyID() + "')");
    }

    private static JWSVerifier verifierFor(JWK key) throws JOSEException {
        if (key instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        if (key instanceof ECKey ec) {
            return new ECDSAVerifier(ec);
        }
        throw new JOSEException("unsupported key type " + key.getKeyType());
    }

    private void verifyClaims(JWTClaimsSet claims, String kind, Set<String> audiences) throws InvalidTokenException {
        if (!issuer.equals(claims.getIssuer())) {
            throw new InvalidTokenException("the " + kind + " was issued by '" + claims.getIssuer() + "' (expected: '" + issuer + "')");
        }
        Instant now = clock.instant();
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new InvalidTokenException("the " + kind + " has no expiry ('exp' claim)");
        }
        if (now.isAfter(exp.toInstant().plus(OidcSettings.CLOCK_SKEW))) {
            throw new InvalidTokenException("the " + kind + " expired at " + exp.toInstant());
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now.isBefore(nbf.toInstant().minus(OidcSettings.CLOCK_SKEW))) {
            throw new InvalidTokenException("the " + kind + " is not valid before " + nbf.toInstant());
        }
        List<String> aud = claims.getAudience();
        if (aud.stream().noneMatch(audiences::contains)) {
            throw new InvalidTokenException("the " + kind + " is for audience " + aud + " (expected: " + String.join(" or ", audiences) + ")");
        }
    }
}
