package dev.hoop.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hoop.common.config.ConfigException;
import dev.hoop.common.config.Env;
import dev.hoop.common.tls.SelfSignedCertificate;
import dev.hoop.common.tls.TlsMaterial;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GatewayConfigTest {
    static final Path DEFAULT_DATA = Path.of("/home/someone/.hoop/data");
    static final TlsMaterial TLS = SelfSignedCertificate.generate("localhost", "127.0.0.1");

    static String b64(byte[] pem) {
        return Base64.getEncoder().encodeToString(pem);
    }

    static GatewayConfig parse(Map<String, String> vars) {
        return GatewayConfig.from(new Env(vars), DEFAULT_DATA);
    }

    @Test
    void defaultsWhenNothingIsSet() {
        GatewayConfig c = parse(Map.of());
        assertThat(c.postgres()).isNull();
        assertThat(c.apiUrl()).isNull();
        assertThat(c.grpcUrl()).isNull();
        assertThat(c.authMethod()).isEqualTo("local");
        assertThat(c.staticUiPath()).isEqualTo(Path.of("/app/ui/public"));
        assertThat(c.pluginAuditPath()).isEqualTo(Path.of("/opt/hoop/sessions"));
        assertThat(c.ginDebug()).isFalse();
        assertThat(c.logEncoding()).isEqualTo("json");
        assertThat(c.logLevel()).isEqualTo("info");
        assertThat(c.logGrpc()).isFalse();
        assertThat(c.tls()).isNull();
        assertThat(c.orgMultiTenant()).isFalse();
        assertThat(c.adminGroup()).isEqualTo("admin");
        assertThat(c.jwtSecretKey()).isNull();
        assertThat(c.dataDir()).isEqualTo(DEFAULT_DATA);
        assertThat(c.listenAddr()).isEqualTo("0.0.0.0");
        assertThat(c.apiPort()).isEqualTo(8009);
        assertThat(c.grpcPort()).isEqualTo(8010);
        assertThat(c.auditStatementBytes()).isEqualTo(65536);
    }

    @Test
    void auditStatementBytesIsRead() {
        assertThat(parse(Map.of("PLUGIN_AUDIT_STATEMENT_BYTES", "1048576")).auditStatementBytes()).isEqualTo(1048576);
    }

    @Test
    void everySeedVariableIsRead() {
        Map<String, String> v = new HashMap<>();
        v.put("POSTGRES_DB_URI", "postgres://hoopuser:s%40cret@db:5432/hoopdb?sslmode=require");
        v.put("API_URL", "https://hoop.example.com");
        v.put("IDP_ISSUER", "https://idp.example.com/?_userinfo=1");
        v.put("IDP_CLIENT_ID", "client-1");
        v.put("IDP_CLIENT_SECRET", "idp-secret-value");
        v.put("IDP_AUDIENCE", "aud-1");
        v.put("IDP_CUSTOM_SCOPES", "groups,offline_access");
        v.put("AUTH_METHOD", "local");
        v.put("GRPC_URL", "grpcs://hoop.example.com:8443");
        v.put("STATIC_UI_PATH", "/srv/ui");
        v.put("PLUGIN_AUDIT_PATH", "/var/hoop/sessions");
        v.put("PLUGIN_INDEX_PATH", "/var/hoop/indexes");
        v.put("GIN_MODE", "debug");
        v.put("LOG_ENCODING", "console");
        v.put("LOG_LEVEL", "DEBUG");
        v.put("LOG_GRPC", "1");
        v.put("TLS_KEY", b64(TLS.keyPem()));
        v.put("TLS_CERT", b64(TLS.certPem()));
        v.put("TLS_CA", b64(TLS.caPem()));
        v.put("ORG_MULTI_TENANT", "true");
        v.put("GOOGLE_APPLICATION_CREDENTIALS_JSON", "{\"type\":\"service_account\"}");
        v.put("WEBHOOK_APPKEY", "svix-app-key");
        v.put("ADMIN_USERNAME", "ops-admins");
        v.put("JWT_SECRET_KEY", "0123456789abcdef0123456789abcdef");
        v.put("HOOP_DATA_DIR", "/var/lib/hoop");
        v.put("HOOP_LISTEN_ADDR", "127.0.0.1");
        v.put("HOOP_API_PORT", "0");
        v.put("HOOP_GRPC_PORT", "18010");
        GatewayConfig c = parse(v);
        assertThat(c.postgres().jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/hoopdb?sslmode=require");
        assertThat(c.postgres().password()).isEqualTo("s@cret");
        assertThat(c.apiUrl()).isEqualTo(URI.create("https://hoop.example.com"));
        assertThat(c.authMethod()).isEqualTo("local");
        assertThat(c.grpcUrl()).isEqualTo(URI.create("grpcs://hoop.example.com:8443"));
        assertThat(c.staticUiPath()).isEqualTo(Path.of("/srv/ui"));
        assertThat(c.pluginAuditPath()).isEqualTo(Path.of("/var/hoop/sessions"));
        assertThat(c.ginDebug()).isTrue();
        assertThat(c.logEncoding()).isEqualTo("console");
        assertThat(c.logLevel()).isEqualTo("debug");
        assertThat(c.logGrpc()).isTrue();
        assertThat(c.tls().keyPem()).isEqualTo(TLS.keyPem());
        assertThat(c.tls().certPem()).isEqualTo(TLS.certPem());
        assertThat(c.tls().caPem()).isEqualTo(TLS.caPem());
        assertThat(c.orgMultiTenant()).isTrue();
        assertThat(c.adminGroup()).isEqualTo("ops-admins");
        assertThat(c.jwtSecretKey()).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(c.dataDir()).isEqualTo(Path.of("/var/lib/hoop"));
        assertThat(c.listenAddr()).isEqualTo("127.0.0.1");
        assertThat(c.apiPort()).isZero();
        assertThat(c.grpcPort()).isEqualTo(18010);
        // secrets never in toString (it goes to logs)
        assertThat(c.toString()).doesNotContain("s@cret", "idp-secret-value", "svix-app-key", "0123456789abcdef", "service_account",
                new String(TLS.keyPem(), StandardCharsets.US_ASCII).lines().skip(1).findFirst().orElseThrow());
    }

    @Test
    void plainPemIsAcceptedAndIdpIssuerSelectsOidc() {
        GatewayConfig c = parse(Map.of("TLS_KEY", new String(TLS.keyPem(), StandardCharsets.US_ASCII),
                "TLS_CERT", new String(TLS.certPem(), StandardCharsets.US_ASCII),
                "IDP_ISSUER", "https://idp.example.com", "IDP_CLIENT_ID", "c", "IDP_CLIENT_SECRET", "s", "API_URL", "https://hoop.example.com"));
        assertThat(c.tlsEnabled()).isTrue();
        assertThat(c.oidc().redirectUri().toString()).isEqualTo("https://hoop.example.com/api/callback");
        assertThat(c.authMethod()).isEqualTo("oidc");
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of(Map.of("POSTGRES_DB_URI", "mysql://u:p@h/db"), "POSTGRES_DB_URI: scheme 'mysql' (expected: postgres://user:password@host:5432/database)"),
                Arguments.of(Map.of("API_URL", "localhost:8009"), "API_URL: 'localhost:8009' (expected: a URL with scheme http or https and a host)"),
                Arguments.of(Map.of("GRPC_URL", "tcp://h:8010"), "GRPC_URL: 'tcp://h:8010' (expected: a URL with scheme grpc or grpcs or http or https and a host)"),
                Arguments.of(Map.of("IDP_ISSUER", "not a url"), "IDP_ISSUER: 'not a url' (expected: a URL with scheme http or https and a host)"),
                Arguments.of(Map.of("AUTH_METHOD", "ldap"), "AUTH_METHOD: 'ldap' (expected: one of local, oidc)"),
                Arguments.of(Map.of("HOOP_TOKEN_TTL", "10"), "HOOP_TOKEN_TTL: '10' (expected: a duration such as 15m, 1h or 24h, from 1m to 168h)"),
                Arguments.of(Map.of("HOOP_TOKEN_TTL", "30s"), "HOOP_TOKEN_TTL: '30s' (expected: a duration such as 15m, 1h or 24h, from 1m to 168h)"),
                Arguments.of(Map.of("PLUGIN_AUDIT_STATEMENT_BYTES", "100"), "PLUGIN_AUDIT_STATEMENT_BYTES: '100' (expected: a number of bytes from 1024 to 16777216)"),
                Arguments.of(Map.of("PLUGIN_AUDIT_STATEMENT_BYTES", "64k"), "PLUGIN_AUDIT_STATEMENT_BYTES: '64k' (expected: a number of bytes from 1024 to 16777216)"),
                Arguments.of(Map.of("AUTH_METHOD", "oidc"), "IDP_ISSUER: not set (expected: the OIDC issuer URL when AUTH_METHOD=oidc)"),
                Arguments.of(Map.of("IDP_ISSUER", "https://idp.example.com"), "IDP_CLIENT_ID: not set (expected: the OAuth2 client id when AUTH_METHOD=oidc)"),
                Arguments.of(Map.of("IDP_ISSUER", "https://idp.example.com", "IDP_CLIENT_ID", "c"), "IDP_CLIENT_SECRET: not set (expected: the OAuth2 client secret when AUTH_METHOD=oidc)"),
                Arguments.of(Map.of("GIN_MODE", "verbose"), "GIN_MODE: 'verbose' (expected: one of debug, release, test)"),
                Arguments.of(Map.of("LOG_ENCODING", "xml"), "LOG_ENCODING: 'xml' (expected: one of console, json)"),
                Arguments.of(Map.of("LOG_LEVEL", "loud"), "LOG_LEVEL: 'loud' (expected: one of debug, error, info, warn)"),
                Arguments.of(Map.of("LOG_GRPC", "maybe"), "LOG_GRPC: 'maybe' (expected: true or false, 1 or 0)"),
                Arguments.of(Map.of("TLS_KEY", "%%%", "TLS_CERT", "x"), "TLS_KEY: not base64 (expected: base64 of a PEM PRIVATE KEY)"),
                Arguments.of(Map.of("TLS_KEY", b64(TLS.keyPem()), "TLS_CERT", b64(TLS.keyPem())), "TLS_CERT: decodes to no PEM CERTIFICATE block (expected: base64 of a PEM CERTIFICATE)"),
                Arguments.of(Map.of("TLS_KEY", b64(TLS.keyPem())), "TLS_CERT: not set (expected: TLS_KEY and TLS_CERT together, base64 of PEM, or neither for plaintext)"),
                Arguments.of(Map.of("TLS_CERT", b64(TLS.certPem())), "TLS_KEY: not set (expected: TLS_KEY and TLS_CERT together, base64 of PEM, or neither for plaintext)"),
                Arguments.of(Map.of("TLS_CA", b64(TLS.certPem())), "TLS_CA: set without TLS_KEY and TLS_CERT (expected: all three for TLS, or none for plaintext)"),
                Arguments.of(Map.of("TLS_KEY", b64(TLS.keyPem()), "TLS_CERT", b64(TLS.certPem()), "TLS_CA", "Zm9v"), "TLS_CA: decodes to no PEM CERTIFICATE block (expected: base64 of a PEM CERTIFICATE)"),
                Arguments.of(Map.of("ORG_MULTI_TENANT", "sometimes"), "ORG_MULTI_TENANT: 'sometimes' (expected: true or false, 1 or 0)"),
                Arguments.of(Map.of("GOOGLE_APPLICATION_CREDENTIALS_JSON", "{bad"), "GOOGLE_APPLICATION_CREDENTIALS_JSON: not valid JSON (expected: the service account JSON, {\"type\":\"service_account\",...})"),
                Arguments.of(Map.of("GOOGLE_APPLICATION_CREDENTIALS_JSON", "[1]"), "GOOGLE_APPLICATION_CREDENTIALS_JSON: not a JSON object (expected: the service account JSON, {\"type\":\"service_account\",...})"),
                Arguments.of(Map.of("ADMIN_USERNAME", "admins group"), "ADMIN_USERNAME: 'admins group' (expected: a group name of 1 to 64 letters, digits, '_', '.', '@' or '-')"),
                Arguments.of(Map.of("JWT_SECRET_KEY", "short"), "JWT_SECRET_KEY: 5 characters (expected: at least 32, e.g. `openssl rand -hex 32`)"),
                Arguments.of(Map.of("HOOP_LISTEN_ADDR", "0.0.0.0/0"), "HOOP_LISTEN_ADDR: '0.0.0.0/0' (expected: an IP address or host name such as 0.0.0.0 or 127.0.0.1)"),
                Arguments.of(Map.of("HOOP_API_PORT", "80800"), "HOOP_API_PORT: '80800' (expected: a port number from 0 to 65535)"),
                Arguments.of(Map.of("HOOP_GRPC_PORT", "grpc"), "HOOP_GRPC_PORT: 'grpc' (expected: a port number from 0 to 65535)"),
                Arguments.of(Map.of("HOOP_API_PORT", "9000", "HOOP_GRPC_PORT", "9000"), "HOOP_GRPC_PORT: '9000' (expected: a port other than HOOP_API_PORT)"));
    }

    @ParameterizedTest
    @MethodSource("badValues")
    void badValueIsRejectedNamingTheVariable(Map<String, String> vars, String message) {
        assertThatThrownBy(() -> parse(vars)).isInstanceOf(ConfigException.class).hasMessage(message);
    }

    @Test
    void secretValuesAreNotEchoedInErrors() {
        assertThatThrownBy(() -> parse(Map.of("POSTGRES_DB_URI", "postgres://u:hunter2@h/db?sslmode=nope")))
                .hasMessageNotContaining("hunter2");
    }
}
