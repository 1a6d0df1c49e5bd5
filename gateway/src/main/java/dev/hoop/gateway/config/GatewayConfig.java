package dev.hoop.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hoop.common.config.ConfigException;
import dev.hoop.common.config.Env;
import dev.hoop.common.tls.TlsMaterial;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * The gateway's configuration, read once from the environment (the seed's variables plus
 * {@code AUTH_METHOD}, {@code JWT_SECRET_KEY}, {@code HOOP_DATA_DIR} and the listen overrides),
 * validated, then immutable. Every default lives in {@link #from(Env, Path)}. {@link #toString()}
 * masks secrets.
 *
 * @param postgres         null: the embedded PostgreSQL under {@code dataDir/pg}
 * @param apiUrl           null: derived from the bound API port at start
 * @param grpcUrl          null: derived from the bound gRPC port at start
 * @param jwtSecretKey     null: generated once and kept in {@code dataDir}
 * @param tls              null: plaintext on both ports
 * @param oidc             the validated OpenID Connect settings when {@code AUTH_METHOD=oidc}, else null
 * @param tokenTtl         lifetime of local users' access tokens ({@code HOOP_TOKEN_TTL})
 * @param webhooks         how webhooks are delivered ({@code WEBHOOK_APPKEY}, {@code SVIX_URL}, {@code WEBHOOK_*})
 * @param metrics          who may read {@code /metrics} ({@code METRICS_TOKEN})
 */
public record GatewayConfig(
        PostgresUri postgres,
        URI apiUrl,
        URI grpcUrl,
        String authMethod,
        Path staticUiPath,
        Path pluginAuditPath,
        boolean ginDebug,
        String logEncoding,
        String logLevel,
        boolean logGrpc,
        TlsMaterial tls,
        boolean orgMultiTenant,
        String adminGroup,
        String jwtSecretKey,
        Path dataDir,
        String listenAddr,
        int apiPort,
        int grpcPort,
        OidcSettings oidc,
        java.time.Duration tokenTtl,
        int auditStatementBytes,
        WebhookSettings webhooks,
        Path pluginIndexPath,
        AuditSettings auditSettings,
        MetricsSettings metrics) {

    /** Bytes of each statement the PostgreSQL audit keeps (the rest is counted and hashed); PLUGIN_AUDIT_STATEMENT_BYTES. */
    public static final int DEFAULT_AUDIT_STATEMENT_BYTES = 64 * 1024;
    private static final int MIN_AUDIT_STATEMENT_BYTES = 1024;
    private static final int MAX_AUDIT_STATEMENT_BYTES = 16 * 1024 * 1024;

    public static final String AUTH_LOCAL = "local";
    public static final String AUTH_OIDC = "oidc";

    /** Reads the process environment; the data directory defaults to {@code ~/.hoop/data}. */
    public static GatewayConfig fromSystem() {
        return from(Env.system(), Path.of(System.getProperty("user.home"), ".hoop", "data"));
    }

    /**
     * @param defaultDataDir used when {@code HOOP_DATA_DIR} is unset
     * @throws ConfigException naming the first wrong variable and what was expected
     */
    public static GatewayConfig from(Env env, Path defaultDataDir) {
        PostgresUri postgres = env.parsed("POSTGRES_DB_URI", null, PostgresUri::parse);
        URI apiUrl = env.parsed("API_URL", null, v -> url(v, Set.of("http", "https")));
        URI grpcUrl = env.parsed("GRPC_URL", null, v -> url(v, Set.of("grpc", "grpcs", "http", "https")));

        // IDP_* are read into OidcSettings when AUTH_METHOD=oidc; here the issuer only picks the default method
        URI issuer = env.parsed("IDP_ISSUER", null, v -> url(v, Set.of("http", "https")));
        String authMethod = env.oneOf("AUTH_METHOD", issuer == null ? AUTH_LOCAL : AUTH_OIDC, Set.of(AUTH_LOCAL, AUTH_OIDC));
        if (authMethod.equals(AUTH_OIDC)) {
            env.required("IDP_ISSUER", "the OIDC issuer URL when AUTH_METHOD=oidc");
            env.required("IDP_CLIENT_ID", "the OAuth2 client id when AUTH_METHOD=oidc");
            env.required("IDP_CLIENT_SECRET", "the OAuth2 client secret when AUTH_METHOD=oidc");
        }
        OidcSettings oidc = authMethod.equals(AUTH_OIDC) ? OidcSettings.fromEnv(env) : null;
        java.time.Duration tokenTtl = env.parsed("HOOP_TOKEN_TTL", java.time.Duration.ofHours(24), GatewayConfig::ttl);

        Path staticUi = env.path("STATIC_UI_PATH", Path.of("/app/ui/public"));
        Path audit = env.path("PLUGIN_AUDIT_PATH", Path.of("/opt/hoop/sessions"));
        Path index = env.path("PLUGIN_INDEX_PATH", Path.of("/opt/hoop/indexes"));
        boolean ginDebug = env.oneOf("GIN_MODE", "release", Set.of("debug", "release", "test")).equals("debug");
        String logEncoding = env.oneOf("LOG_ENCODING", "json", Set.of("json", "console"));
        String logLevel = env.oneOf("LOG_LEVEL", "info", Set.of("debug", "info", "warn", "error"));
        boolean logGrpc = env.bool("LOG_GRPC", false);

        byte[] key = env.parsed("TLS_KEY", null, v -> TlsMaterial.decodePem(v, "PRIVATE KEY"));
        byte[] cert = env.parsed("TLS_CERT", null, v -> TlsMaterial.decodePem(v, "CERTIFICATE"));
        byte[] ca = env.parsed("TLS_CA", null, v -> TlsMaterial.decodePem(v, "CERTIFICATE"));
        if ((key == null) != (cert == null)) {
            String missing = key == null ? "TLS_KEY" : "TLS_CERT";
            throw new ConfigException(missing + ": not set (expected: TLS_KEY and TLS_CERT together, base64 of PEM, or neither for plaintext)");
        }
        if (key == null && ca != null) {
            throw new ConfigException("TLS_CA: set without TLS_KEY and TLS_CERT (expected: all three for TLS, or none for plaintext)");
        }
        TlsMaterial tls = key == null ? null : new TlsMaterial(key, cert, ca);

        boolean multiTenant = env.bool("ORG_MULTI_TENANT", false);
        // accepted as hoop does, but no feature reads it yet: validated so that a broken value still fails at start
        env.parsed("GOOGLE_APPLICATION_CREDENTIALS_JSON", null, GatewayConfig::jsonObject);
        String adminGroup = env.parsed("ADMIN_USERNAME", "admin", v -> {
            if (!v.matches("[A-Za-z0-9_.@-]{1,64}")) {
                throw new IllegalArgumentException("'" + v + "' (expected: a group name of 1 to 64 letters, digits, '_', '.', '@' or '-')");
            }
            return v;
        });
        String jwtSecret = env.parsed("JWT_SECRET_KEY", null, v -> {
            if (v.getBytes(StandardCharsets.UTF_8).length < 32) {
                throw new IllegalArgumentException(v.length() + " characters (expected: at least 32, e.g. `openssl rand -hex 32`)");
            }
            return v;
        });
        Path dataDir = env.path("HOOP_DATA_DIR", defaultDataDir).toAbsolutePath().normalize();
        String listen = env.parsed("HOOP_LISTEN_ADDR", "0.0.0.0", v -> {
            if (!v.matches("[A-Za-z0-9.:\\[\\]-]+")) {
                throw new IllegalArgumentException("'" + v + "' (expected: an IP address or host name such as 0.0.0.0 or 127.0.0.1)");
            }
            return v;
        });
        int apiPort = env.port("HOOP_API_PORT", 8009);
        int grpcPort = env.port("HOOP_GRPC_PORT", 8010);
        if (apiPort != 0 && apiPort == grpcPort) {
            throw new ConfigException("HOOP_GRPC_PORT: '" + grpcPort + "' (expected: a port other than HOOP_API_PORT)");
        }
        int auditStatementBytes = env.parsed("PLUGIN_AUDIT_STATEMENT_BYTES", DEFAULT_AUDIT_STATEMENT_BYTES, GatewayConfig::statementBytes);
        return new GatewayConfig(postgres, apiUrl, grpcUrl, authMethod, staticUi, audit, ginDebug, logEncoding,
                logLevel, logGrpc, tls, multiTenant, adminGroup, jwtSecret, dataDir, listen, apiPort, grpcPort, oidc, tokenTtl,
                auditStatementBytes, WebhookSettings.fromEnv(env), index, AuditSettings.from(env),
                MetricsSettings.from(env));
    }

    public boolean tlsEnabled() {
        return tls != null;
    }

    private static URI url(String v, Set<String> schemes) {
        String expected = "a URL with scheme " + String.join(" or ", schemes.stream().sorted().toList()) + " and a host";
        try {
            URI u = new URI(v);
            if (u.getScheme() == null || !schemes.contains(u.getScheme().toLowerCase(Locale.ROOT)) || u.getHost() == null) {
                throw new IllegalArgumentException("'" + v + "' (expected: " + expected + ")");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + v + "' (expected: " + expected + ")");
        }
    }

    /** {@code 90s}, {@code 15m} or {@code 24h}: from 1 minute to 7 days. */
    private static int statementBytes(String v) {
        String expected = "'" + v + "' (expected: a number of bytes from " + MIN_AUDIT_STATEMENT_BYTES + " to " + MAX_AUDIT_STATEMENT_BYTES + ")";
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= MIN_AUDIT_STATEMENT_BYTES && n <= MAX_AUDIT_STATEMENT_BYTES) {
                return n;
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(expected, e);
        }
        throw new IllegalArgumentException(expected);
    }

    private static java.time.Duration ttl(String v) {
        String expected = "'" + v + "' (expected: a duration such as 15m, 1h or 24h, from 1m to 168h)";
        if (!v.matches("[0-9]{1,6}[smh]")) {
            throw new IllegalArgumentException(expected);
        }
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        java.time.Duration d = switch (v.charAt(v.length() - 1)) {
            case 's' -> java.time.Duration.ofSeconds(n);
            case 'm' -> java.time.Duration.ofMinutes(n);
            default -> java.time.Duration.ofHours(n);
        };
        if (d.compareTo(java.time.Duration.ofMinutes(1)) < 0 || d.compareTo(java.time.Duration.ofDays(7)) > 0) {
            throw new IllegalArgumentException(expected);
        }
        return d;
    }

    private static String jsonObject(String v) {
        try {
            JsonNode node = new ObjectMapper().readTree(v);
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("not a JSON object (expected: the service account JSON, {\"type\":\"service_account\",...})");
            }
            return v;
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON (expected: the service account JSON, {\"type\":\"service_account\",...})");
        }
    }

    @Override
    public String toString() {
        return "GatewayConfig[postgres=" + (postgres == null ? "embedded" : postgres) + ", apiUrl=" + apiUrl + ", grpcUrl=" + grpcUrl
                + ", authMethod=" + authMethod + ", staticUiPath=" + staticUiPath + ", pluginAuditPath=" + pluginAuditPath
                + ", pluginIndexPath=" + pluginIndexPath
                + ", ginDebug=" + ginDebug + ", logEncoding=" + logEncoding + ", logLevel=" + logLevel
                + ", logGrpc=" + logGrpc + ", tls=" + tls + ", orgMultiTenant=" + orgMultiTenant
                + ", adminGroup=" + adminGroup
                + ", jwtSecretKey=" + (jwtSecretKey == null ? "generated" : "****") + ", dataDir=" + dataDir
                + ", listenAddr=" + listenAddr + ", apiPort=" + apiPort + ", grpcPort=" + grpcPort + ", oidc=" + oidc + ", tokenTtl=" + tokenTtl
                + ", webhooks=" + webhooks + ", pluginIndexPath=" + pluginIndexPath + ", " + auditSettings + ", " + metrics + "]";
    }
}
