package dev.hoop.gateway.auth.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccessTokenVerifierTest {
    private static TestIdp idp;
    private static TestIdp otherIdp;
    private static AccessTokenVerifier verifier;

    @BeforeAll
    static void start() throws Exception {
        idp = new TestIdp();
        otherIdp = new TestIdp();
        verifier = OidcProvider.discover(idp.settings(false, null)).accessTokenVerifier();
    }

    @AfterAll
    static void stop() {
        idp.close();
        otherIdp.close();
    }

    @Test
    void acceptsTokenOfTheIssuerForTheClient() throws Exception {
        String token = idp.token("alice", TestIdp.CLIENT_ID, Map.of("email", "alice@example.com", "groups", List.of("dba", "ops")), 300);
        OidcIdentity id = verifier.verify(token);
        assertThat(id.subject()).isEqualTo("alice");
        assertThat(id.email()).isEqualTo("alice@example.com");
        assertThat(id.groups()).containsExactly("dba", "ops");
        assertThat(id.groupsClaimPresent()).isTrue();
        assertThat(id.accessToken()).isEqualTo(token);
        assertThat(id.toString()).doesNotContain(token);
    }

    @Test
    void acceptsConfiguredAudienceInsteadOfClientId() throws Exception {
        AccessTokenVerifier withAudience = OidcProvider.discover(idp.settings(false, "https://api.hoop")).accessTokenVerifier();
        assertThat(withAudience.verify(idp.token("alice", "https://api.hoop", Map.of(), 300)).subject()).isEqualTo("alice");
        assertThatThrownBy(() -> withAudience.verify(idp.token("alice", TestIdp.CLIENT_ID, Map.of(), 300)))
                .isInstanceOf(InvalidTokenException.class)
                .hasMessage("the access token is for audience [hoop-gateway] (expected: https://api.hoop)");
    }

    @Test
    void rejectsExpiredToken() throws Exception {
        String token = idp.token("alice", TestIdp.CLIENT_ID, Map.of(), -120);
        Instant exp = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime().toInstant();
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(InvalidTokenException.class)
                .hasMessage("the access token expired at " + exp);
    }

    @Test
    void toleratesSmallClockSkewOnExpiry() throws Exception {
        assertThat(verifier.verify(idp.token("alice", TestIdp.CLIENT_ID, Map.of(), -5)).subject()).isEqualTo("alice");
    }

    @Test
    void rejectsWrongAudience() {
        assertThatThrownBy(() -> verifier.verify(idp.token("alice", "some-other-api", Map.of(), 300)))
                .isInstanceOf(InvalidTokenException.class)
                .hasMessage("the access token is for audience [some-other-api] (expected: hoop-gateway)");
    }

    @Test
    void rejectsTokenOfAnotherProvider() {
        assertThatThrownBy(() -> verifier.verify(otherIdp.token("alice", TestIdp.CLIENT_ID, Map.of(), 300)))
                .isInstanceOf(InvalidTokenException.class)
                .hasMessage("the access token was issued by '" + otherIdp.issuer() + "' (expected: '" + idp.issuer() + "')");
    }

    @Test
    void rejectsTokenSignedByAnotherKeyUnderThePublishedKeyId() throws Exception {
        String kid = SignedJWT.parse(idp.token("alice", TestIdp.CLIENT_ID, Map.of(), 300)).getHeader().getKeyID();
        RSAKey impostor = new RSAKeyGenerator(2048).keyID(kid).generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid).build(), validClaims(idp.issuer().toString()));
        forged.sign(new RSASSASigner(impostor));
        assertThatThrownBy(() -> verifier.verify(forged.serialize())).isInstanceOf(InvalidTokenException.class)
                .hasMessage("the access token has an invalid signature (kid '" + kid + "')");
    }

    @Test
    void rejectsTokenSignedWithHmac() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), validClaims(idp.issuer().toString()));
        jwt.sign(new MACSigner("0123456789abcdef0123456789abcdef0123456789abcdef"));
        assertThatThrownBy(() -> verifier.verify(jwt.serialize())).isInstanceOf(InvalidTokenException.class)
                .hasMessage("the access token is signed with HS256 (expected: an RSA or EC algorithm published in the issuer's JWKS)");
    }

    @Test
    void rejectsOpaqueAndEmptyTokensWithoutUserinfo() {
        assertThatThrownBy(() -> verifier.verify("opaque-token-value")).isInstanceOf(InvalidTokenException.class)
                .hasMessage("the access token is not a signed JWT");
        assertThatThrownBy(() -> verifier.verify(" ")).isInstanceOf(InvalidTokenException.class)
                .hasMessage("no access token");
    }

    @Test
    void rejectsValidlySignedTokenOfAnotherIssuer() throws Exception {
        String token = idp.token("alice", TestIdp.CLIENT_ID, Map.of("iss", "https://evil.example.com"), 300);
        assertThat(SignedJWT.parse(token).getJWTClaimsSet().getIssuer()).isEqualTo("https://evil.example.com");
        assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(InvalidTokenException.class)
                .hasMessage("the access token was issued by 'https://evil.example.com' (expected: '" + idp.issuer() + "')");
    }

    @Test
    void unknownKidRefreshesTheKeySetOnceThenIsRateLimited() throws Exception {
        MutableClock clock = new MutableClock();
        AccessTokenVerifier v = OidcProvider.discover(idp.settings(false, null), clock).accessTokenVerifier();
        v.verify(idp.token("alice", TestIdp.CLIENT_ID, Map.of(), 3600));
        assertThat(v.jwksFetchCount()).isEqualTo(1);

        RSAKey rogue = new RSAKeyGenerator(2048).keyID("rogue").generate();
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rogue").build(), validClaims(idp.issuer().toString()));
        forged.sign(new RSASSASigner(rogue));
        String expected = "the access token is signed by a key the issuer does not publish (kid 'rogue')";

        // Fetched less than 30 s ago: no refetch.
        assertThatThrownBy(() -> v.verify(forged.serialize())).isInstanceOf(InvalidTokenException.class).hasMessage(expected);
        assertThat(v.jwksFetchCount()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(31));
        assertThatThrownBy(() -> v.verify(forged.serialize())).isInstanceOf(InvalidTokenException.class).hasMessage(expected);
        assertThat(v.jwksFetchCount()).isEqualTo(2);
        assertThatThrownBy(() -> v.verify(forged.serialize())).isInstanceOf(InvalidTokenException.class).hasMessage(expected);
        assertThat(v.jwksFetchCount()).isEqualTo(2);

        // A known kid never refetches before the max age; after it, one refetch.
        v.verify(idp.token("alice", TestIdp.CLIENT_ID, Map.of(), 7200));
        assertThat(v.jwksFetchCount()).isEqualTo(2);
        clock.advance(Duration.ofMinutes(16));
        v.verify(idp.token("alice", TestIdp.CLIENT_ID, Map.of(), 7200));
        assertThat(v.jwksFetchCount()).isEqualTo(3);
    }

    @Test
    void userinfoModeAcceptsWhatTheProviderAccepts() throws Exception {
        AccessTokenVerifier v = OidcProvider.discover(idp.settings(true, null)).accessTokenVerifier();
        assertThat(v.usesUserinfo()).isTrue();
        // An audience local verification would reject: only the userinfo endpoint decides in this mode.
        String token = idp.token("carol", "some-other-api", Map.of("email", "carol@example.com", "groups", "dev, ops"), 300);
        OidcIdentity id = v.verify(token);
        assertThat(id.subject()).isEqualTo("carol");
        assertThat(id.email()).isEqualTo("carol@example.com");
        assertThat(id.groups()).containsExactly("dev", "ops");
    }

    @Test
    void userinfoModeRejectsOpaqueTokenTheProviderRejects() throws Exception {
        AccessTokenVerifier v = OidcProvider.discover(idp.settings(true, null)).accessTokenVerifier();
        assertThatThrownBy(() -> v.verify("opaque-unknown-token")).isInstanceOf(InvalidTokenException.class)
                .hasMessage("the identity provider's userinfo endpoint rejected the token (HTTP 401)");
    }

    @Test
    void userinfoModeAcceptsOpaqueTokenAndCachesTheAnswerBriefly() throws Exception {
        MutableClock clock = new MutableClock();
        AccessTokenVerifier v = OidcProvider.discover(idp.settings(true, null), clock).accessTokenVerifier();
        idp.opaqueTokens.issue("opaque-bob-token", Map.of("sub", "bob", "email", "bob@example.com", "name", "Bob", "groups", List.of("sre")));
        OidcIdentity id = v.verify("opaque-bob-token");
        assertThat(id).extracting(OidcIdentity::subject, OidcIdentity::email, OidcIdentity::name, OidcIdentity::groups)
                .containsExactly("bob", "bob@example.com", "Bob", List.of("sre"));

        // Within 60 s the answer is reused even though the provider now rejects the token.
        idp.opaqueTokens.revoke("opaque-bob-token");
        clock.advance(Duration.ofSeconds(59));
        assertThat(v.verify("opaque-bob-token").subject()).isEqualTo("bob");

        clock.advance(Duration.ofSeconds(2));
        assertThatThrownBy(() -> v.verify("opaque-bob-token")).isInstanceOf(InvalidTokenException.class)
                .hasMessage("the identity provider's userinfo endpoint rejected the token (HTTP 401)");
    }

    static JWTClaimsSet validClaims(String issuer) {
        return new JWTClaimsSet.Builder().issuer(issuer).subject("mallory").audience(TestIdp.CLIENT_ID)
                .expirationTime(Date.from(Instant.now().plusSeconds(3600))).build();
    }
}
