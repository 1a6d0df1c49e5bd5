package dev.hoop.agent.dlp.gcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hoop.agent.dlp.MaskingUnavailableException;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * OAuth access tokens for the service account (RFC 7523 JWT bearer grant, as Google's
 * "service account authorization without OAuth client" flow): an RS256-signed assertion is
 * exchanged at the account's {@code token_uri}; the token is kept until {@link #EARLY} before it
 * expires. Thread-safe: one exchange at a time, the others wait for its token. Neither the
 * assertion nor the token is ever logged or put in an exception message.
 */
final class AccessTokens {
    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    /** How long before its expiry a token is replaced (so that one never expires in flight). */
    static final Duration EARLY = Duration.ofSeconds(60);
    private static final Duration ASSERTION_LIFETIME = Duration.ofHours(1);
    private static final int MAX_ANSWER_CHARS = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServiceAccount account;
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;
    private String token;
    private Instant refreshAt = Instant.MIN;

    AccessTokens(ServiceAccount account, HttpClient http, Duration timeout, Clock clock) {
        this.account = account;
        this.http = http;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** A valid token, from the cache or a new exchange. */
    synchronized String get() {
        if (token != null && clock.instant().isBefore(refreshAt)) {
            return token;
        }
        token = null;
        Instant now = clock.instant();
        String assertion = assertion(now);
        HttpRequest request = HttpRequest.newBuilder(account.tokenUri()).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=" + enc("urn:ietf:params:oauth:grant-type:jwt-bearer")
                        + "&assertion=" + enc(assertion)))
                .build();
        HttpResponse<String> answer;
        try {
            answer = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new MaskingUnavailableException("the Google token endpoint " + account.tokenUri() + " could not be reached ("
                    + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MaskingUnavailableException("interrupted while asking " + account.tokenUri() + " for a token");
        }
        if (answer.statusCode() != 200) {
            throw new MaskingUnavailableException("the Google token endpoint " + account.tokenUri() + " answered " + answer.statusCode()
                    + " for service account " + account.clientEmail() + " (is the key revoked, or the clock wrong?)");
        }
        JsonNode body;
        try {
            body = answer.body().length() > MAX_ANSWER_CHARS ? null : JSON.readTree(answer.body());
        } catch (IOException e) {
            body = null;
        }
        JsonNode access = body == null ? null : body.get("access_token");
        JsonNode expires = body == null ? null : body.get("expires_in");
        if (access == null || !access.isTextual() || access.asText().isEmpty() || expires == null || !expires.canConvertToLong()
                || expires.asLong() <= 0) {
            throw new MaskingUnavailableException("the Google token endpoint " + account.tokenUri()
                    + " answered without access_token and expires_in");
        }
        token = access.asText();
        refreshAt = now.plusSeconds(expires.asLong()).minus(EARLY);
        return token;
    }

    /** Forgets the token (the API refused it with 401): the next {@link #get} exchanges anew. */
    synchronized void invalidate() {
        token = null;
    }

    /** The signed JWT: header.claims.signature, base64url without padding. */
    String assertion(Instant now) {
        ObjectNode header = JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT");
        if (account.privateKeyId() != null) {
            header.put("kid", account.privateKeyId());
        }
        ObjectNode claims = JSON.createObjectNode().put("iss", account.clientEmail()).put("scope", SCOPE)
                .put("aud", account.tokenUri().toString()).put("iat", now.getEpochSecond())
                .put("exp", now.plus(ASSERTION_LIFETIME).getEpochSecond());
        String signingInput = b64(header.toString()) + "." + b64(claims.toString());
        try {
            Signature rsa = Signature.getInstance("SHA256withRSA");
            rsa.initSign(account.privateKey());
            rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
        } catch (GeneralSecurityException e) {
            throw new MaskingUnavailableException("the service account key could not sign the token request ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
