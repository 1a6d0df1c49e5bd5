package dev.hoop.gateway.config;

import dev.hoop.common.config.ConfigException;
import dev.hoop.common.config.Env;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OidcSettingsTest {
    private static Map<String, String> base() {
        Map<String, String> env = new HashMap<>();
        env.put("IDP_ISSUER", "https://idp.example.com/realms/hoop");
        env.put("IDP_CLIENT_ID", "hoop");
        env.put("IDP_CLIENT_SECRET", "very-secret");
        env.put("API_URL", "https://hoop.example.com/");
        return env;
    }

    private static OidcSettings read(Map<String, String> env) {
        return OidcSettings.fromEnv(new Env(env));
    }

    @Test
    void readsTheMinimalConfigurationWithDefaults() {
        OidcSettings s = read(base());
        assertThat(s.issuer()).isEqualTo(URI.create("https://idp.example.com/realms/hoop"));
        assertThat(s.userinfoMode()).isFalse();
        assertThat(s.clientId()).isEqualTo("hoop");
        assertThat(s.audience()).isNull();
        assertThat(s.expectedAccessTokenAudience()).isEqualTo("hoop");
        assertThat(s.scopes()).containsExactly("openid", "profile", "email");
        assertThat(s.apiUrl()).isEqualTo(URI.create("https://hoop.example.com"));
        assertThat(s.redirectUri()).isEqualTo(URI.create("https://hoop.example.com/api/callback"));
        assertThat(s.groupsClaim()).isEqualTo("groups");
        assertThat(s.discoveryUrl()).isEqualTo(URI.create("https://idp.example.com/realms/hoop/.well-known/openid-configuration"));
    }

    @Test
    void readsEveryOption() {
        Map<String, String> env = base();
        env.put("IDP_AUDIENCE", "https://api.hoop");
        env.put("IDP_CUSTOM_SCOPES", "groups, offline_access email  roles");
        env.put("IDP_GROUPS_CLAIM", "realm_access.roles");
        OidcSettings s = read(env);
        assertThat(s.audience()).isEqualTo("https://api.hoop");
        assertThat(s.expectedAccessTokenAudience()).isEqualTo("https://api.hoop");
        assertThat(s.scopes()).containsExactly("openid", "profile", "email", "groups", "offline_access", "roles");
        assertThat(s.groupsClaim()).isEqualTo("realm_access.roles");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "https://idp.example.com/?_userinfo=1        | https://idp.example.com/       | true",
            "https://idp.example.com/x?_userinfo=true    | https://idp.example.com/x      | true",
            "https://idp.example.com/x?_userinfo=0       | https://idp.example.com/x      | false",
            "https://idp.example.com/x                   | https://idp.example.com/x      | false",
            "http://localhost:8080/realms/x?_userinfo=1  | http://localhost:8080/realms/x | true",
            "http://127.0.0.1:9000/default               | http://127.0.0.1:9000/default  | false",
    })
    void userinfoSwitchIsStrippedFromTheIssuer(String raw, String issuer, boolean userinfo) {
        Map<String, String> env = base();
        env.put("IDP_ISSUER", raw);
        OidcSettings s = read(env);
        assertThat(s.issuer()).isEqualTo(URI.create(issuer));
        assertThat(s.userinfoMode()).isEqualTo(userinfo);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "IDP_ISSUER        |                                       | IDP_ISSUER: not set (expected: the OpenID Connect issuer URL, e.g. https://idp.example.com/realms/hoop)",
            "IDP_ISSUER        | http://idp.example.com                | IDP_ISSUER: 'http://idp.example.com' (expected: https; plain http is only accepted for localhost or 127.0.0.1)",
            "IDP_ISSUER        | idp.example.com                       | IDP_ISSUER: 'idp.example.com' (expected: an absolute http(s) URL)",
            "IDP_ISSUER        | ftp://idp.example.com                 | IDP_ISSUER: 'ftp://idp.example.com' (expected: an absolute http(s) URL)",
            "IDP_ISSUER        | https://idp.example.com/?a=b          | IDP_ISSUER: 'https://idp.example.com/?a=b' (expected: no query or fragment besides _userinfo=1)",
            "IDP_ISSUER        | https://idp.example.com/?_userinfo=yes | IDP_ISSUER: _userinfo='yes' (expected: _userinfo=1 or no _userinfo)",
            "IDP_ISSUER        | https://idp example.com               | IDP_ISSUER: 'https://idp example.com' is not a URL (Illegal character in authority)",
            "IDP_CLIENT_ID     |                                       | IDP_CLIENT_ID: not set (expected: the OAuth2 client id registered at the provider)",
            "IDP_CLIENT_SECRET |                                       | IDP_CLIENT_SECRET: not set (expected: the OAuth2 client secret registered at the provider)",
            "API_URL           |                                       | API_URL: not set (expected: the public URL of the gateway, e.g. https://hoop.example.com)",
            "API_URL           | hoop.example.com                      | API_URL: 'hoop.example.com' (expected: an absolute http(s) URL)",
    })
    void rejectsBadValuesNamingTheVariable(String variable, String value, String message) {
        Map<String, String> env = base();
        if (value == null) {
            env.remove(variable);
        } else {
            env.put(variable, value);
        }
        assertThatThrownBy(() -> read(env)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void neverShowsTheClientSecret() {
        assertThat(read(base()).toString()).doesNotContain("very-secret").contains("clientSecret=****");
    }

    @Test
    void scopesAlwaysStartWithTheOpenIdOnes() {
        assertThat(OidcSettings.scopes(null)).isEqualTo(List.of("openid", "profile", "email"));
        assertThat(OidcSettings.scopes(" ,groups,,openid ")).isEqualTo(List.of("openid", "profile", "email", "groups"));
    }
}
