package dev.hoop.gateway.auth.oidc;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OidcLoginFlowTest {
    private static TestIdp idp;
    private static OidcProvider provider;
    private static final HttpClient browser = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() throws Exception {
        idp = new TestIdp();
        provider = OidcProvider.discover(idp.settings(false, null));
    }

    @AfterAll
    static void stop() {
        idp.close();
    }

    @Test
    void fullCodeFlow() throws Exception {
        LoginRequest login = provider.loginRequest("https://hoop.example.com/callback");
        Map<String, String> q = query(login.loginUrl());
        System.out.println(login.loginUrl());
        idp.nextLogin("alice-sub", List.of(TestIdp.CLIENT_ID), Map.of("email", "alice@example.com", "name", "Alice",
                "groups", List.of("admin", "dba")), 300);
        Map<String, String> back = authorize(login.loginUrl());
        System.out.println(back);
        OidcIdentity id = provider.callback(back.get("code"), back.get("state"), login.state());
        System.out.println(id);
    }

    static Map<String, String> authorize(URI loginUrl) throws Exception {
        HttpResponse<String> r = browser.send(HttpRequest.newBuilder(loginUrl).GET().build(), HttpResponse.BodyHandlers.ofString());
        System.out.println(r.statusCode() + " " + r.headers().map() + " " + r.body());
        URI location = URI.create(r.headers().firstValue("Location").orElseThrow());
        return query(location);
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
