package dev.hoop.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.UUID;

/**
 * HS256 tokens of local users: subject = user id, claim {@code org} = org id, 24 h lifetime.
 * The key is {@code JWT_SECRET_KEY} or the one generated into the data directory ({@link SecretKeyFile}).
 */
public final class TokenService {
    public static final Duration LIFETIME = Duration.ofHours(24);
    private static final String ISSUER = "hoop-gateway";

    /** A token and its expiry. */
    public record Issued(String token, Instant expiresAt) {
        @Override
        public String toString() {
            return "Issued[token=****, expiresAt=" + expiresAt + "]";
        }
    }

    /** The verified claims: who and in which org. */
    public record Claims(UUID userId, UUID orgId) {}

    private final MACSigner signer;
    private final MACVerifier verifier;
    private final Clock clock;

    public TokenService(byte[] key, Clock clock) {
        try {
            this.signer = new MACSigner(key);
            this.verifier = new MACVerifier(key);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("JWT key: " + e.getMessage() + " (expected: at least 32 bytes)", e);
        }
        this.clock = clock;
    }

    public Issued issue(UUID userId, UUID orgId) {
        Instant now = clock.instant();
        Instant exp = now.plus(LIFETIME);
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(userId.toString())
                .claim("org", orgId.toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(exp))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing a token", e);
        }
        return new Issued(jwt.serialize(), exp);
    }

    /** The claims of a valid, unexpired token of ours; empty otherwise (the reason is not for the caller). */
    public Optional<Claims> verify(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                return Optional.empty();
            }
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            if (!ISSUER.equals(c.getIssuer()) || c.getExpirationTime() == null
                    || !c.getExpirationTime().toInstant().isAfter(clock.instant())) {
                return Optional.empty();
            }
            return Optional.of(new Claims(UUID.fromString(c.getSubject()), UUID.fromString(c.getStringClaim("org"))));
        } catch (ParseException | JOSEException | IllegalArgumentException | NullPointerException e) {
            return Optional.empty();
        }
    }
}
