package dev.hoop.gateway.auth.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The issuer's key set under concurrency and provider outages, against a real provider. */
class JwksCacheTest {

    @Test
    void concurrentRequestsShareOneFetchAndOneRefresh() throws Exception {
        try (TestIdp idp = new TestIdp(); ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            MutableClock clock = new MutableClock();
            AccessTokenVerifier v = OidcProvider.discover(idp.settings(false, null), clock).accessTokenVerifier();
            String token = idp.token("alice", TestIdp.CLIENT_ID, Map.of(), 3600);
            runConcurrently(threads, 32, () -> v.verify(token).subject());
            assertThat(v.jwksFetchCount()).isEqualTo(1);

            SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rogue").build(),
                    AccessTokenVerifierTest.validClaims(idp.issuer().toString()));
            forged.sign(new RSASSASigner(new RSAKeyGenerator(2048).keyID("rogue").generate()));
            clock.advance(Duration.ofSeconds(31));
            List<Object> outcomes = runConcurrently(threads, 32, () -> {
                try {
                    return v.verify(forged.serialize());
                } catch (InvalidTokenException e) {
                    return e.getMessage();
                }
            });
            assertThat(outcomes).containsOnly("the access token is signed by a key the issuer does not publish (kid 'rogue')");
            assertThat(v.jwksFetchCount()).isEqualTo(2);
        }
    }

    @Test
    void providerOutageKeepsTheKnownKeys() throws Exception {
        MutableClock clock = new MutableClock();
        AccessTokenVerifier v;
        String token;
        try (TestIdp idp = new TestIdp()) {
            v = OidcProvider.discover(idp.settings(false, null), clock).accessTokenVerifier();
            token = idp.token("alice", TestIdp.CLIENT_ID, Map.of(), 7200);
            v.verify(token);
        }
        // Provider gone; the keys are past their max age: the refetch fails, the known keys still verify.
        clock.advance(Duration.ofMinutes(16));
        assertThat(v.verify(token).subject()).isEqualTo("alice");
        assertThat(v.jwksFetchCount()).isEqualTo(2);
        // The failed refetch counts as a try: no new call until the max age passes again.
        assertThat(v.verify(token).subject()).isEqualTo("alice");
        assertThat(v.jwksFetchCount()).isEqualTo(2);
    }

    @Test
    void providerDownBeforeTheFirstFetchIsUnavailableNotInvalid() throws Exception {
        AccessTokenVerifier v;
        String token;
        String jwks;
        try (TestIdp idp = new TestIdp()) {
            v = OidcProvider.discover(idp.settings(false, null)).accessTokenVerifier();
            token = idp.token("alice", TestIdp.CLIENT_ID, Map.of(), 300);
            jwks = idp.server.jwksUrl(TestIdp.ISSUER_ID).toString();
        }
        assertThatThrownBy(() -> v.verify(token)).isInstanceOf(OidcUnavailableException.class)
                .hasMessageStartingWith("the identity provider's JWKS " + jwks + " is unreachable: ");
    }

    private static List<Object> runConcurrently(ExecutorService threads, int n, java.util.concurrent.Callable<Object> task) throws Exception {
        List<Future<Object>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(threads.submit(task));
        }
        List<Object> out = new ArrayList<>();
        for (Future<Object> f : futures) {
            out.add(f.get());
        }
        return out;
    }
}
