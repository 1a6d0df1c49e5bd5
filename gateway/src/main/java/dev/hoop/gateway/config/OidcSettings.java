package dev.hoop.gateway.config;

import dev.hoop.common.config.ConfigException;
import dev.hoop.common.config.Env;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The OpenID Connect settings of the gateway, read once from {@code IDP_*} and {@code API_URL} and validated.
 * Every rejection names the variable and what was expected; {@link #toString()} never shows the client secret.
 *
 * @param issuer           the issuer used for discovery and compared to the {@code iss} claim, without {@code _userinfo}
 * @param userinfoMode     true when {@code IDP_ISSUER} carried {@code _userinfo=1}: access tokens are checked at the
 *                         provider's userinfo endpoint instead of being verified locally as JWTs
 * @param clientId         {@code IDP_CLIENT_ID}
 * @param clientSecret     {@code IDP_CLIENT_SECRET}
 * @param audience         {@code IDP_AUDIENCE}, or null; sent as {@code audience} at login and required in access tokens
 * @param scopes           {@code openid profile email} followed by {@code IDP_CUSTOM_SCOPES}, without duplicates
 * @param apiUrl           {@code API_URL}, without a trailing slash
 * @param groupsClaim      {@code IDP_GROUPS_CLAIM}, the claim that lists the user's groups
 */
public record OidcSettings(
        URI issuer,
        boolean userinfoMode,
        String clientId,
        String clientSecret,
        String audience,
        List<String> scopes,
        URI apiUrl,
        String groupsClaim) {

    /** The scopes always asked for; {@code IDP_CUSTOM_SCOPES} adds to them. */
    public static final List<String> BASE_SCOPES = List.of("openid", "profile", "email");
    /** The default of {@code IDP_GROUPS_CLAIM}. */
    public static final String DEFAULT_GROUPS_CLAIM = "groups";
    /** The path of the callback route, appended to {@code API_URL} to build the redirect URI. */
    public static final String CALLBACK_PATH = "/api/callback";

    /** How long a login may take between {@code /api/login} and {@code /api/callback}. */
    public static final Duration LOGIN_STATE_TTL = Duration.ofMinutes(10);
    /** Clock difference tolerated between the provider and the gateway on {@code exp}/{@code nbf}. */
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(60);
    /** Timeouts of every call to the provider (discovery, token, JWKS, userinfo). */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /** The JWKS is refetched after this age even when every kid is known, to pick up revoked keys. */
    public static final Duration JWKS_MAX_AGE = Duration.ofMinutes(15);
    /** At most one refetch per this interval when a token names an unknown kid (a flood of forged kids costs one call). */
    public static final Duration JWKS_MIN_REFRESH_INTERVAL = Duration.ofSeconds(30);
    /** A positive userinfo answer is reused this long for the same token. */
    public static final Duration USERINFO_CACHE_TTL = Duration.ofSeconds(60);
    /** Bound of the userinfo cache, so that a flood of distinct tokens cannot grow memory without end. */
    public static final int USERINFO_CACHE_MAX_ENTRIES = 10_000;

    private static final String USERINFO_PARAM = "_userinfo";

    public OidcSettings {
        Objects.requireNonNull(issuer, "issuer");
        requireHttpUrl("IDP_ISSUER", issuer);
        if (issuer.getRawQuery() != null || issuer.getRawFragment() != null) {
            throw new ConfigException("IDP_ISSUER: '" + issuer + "' (expected: no query or fragment besides _userinfo=1)");
        }
        if (clientId == null || clientId.isBlank()) {
            throw new ConfigException("IDP_CLIENT_ID: not set (expected: the OAuth2 client id registered at the provider)");
        }
        if (clientSecret == null || clientSecret.isBlank()) {
            throw new ConfigException("IDP_CLIENT_SECRET: not set (expected: the OAuth2 client secret registered at the provider)");
        }
        if (audience != null && audience.isBlank()) {
            audience = null;
        }
        scopes = List.copyOf(Objects.requireNonNull(scopes, "scopes"));
        if (!scopes.containsAll(BASE_SCOPES)) {
            throw new ConfigException("IDP_CUSTOM_SCOPES: scopes " + scopes + " (expected: to include " + BASE_SCOPES + ")");
        }
        Objects.requireNonNull(apiUrl, "apiUrl");
        requireHttpUrl("API_URL", apiUrl);
        String api = apiUrl.toString();
        if (api.endsWith("/")) {
            apiUrl = URI.create(api.substring(0, api.length() - 1));
        }
        if (groupsClaim == null || groupsClaim.isBlank()) {
            groupsClaim = DEFAULT_GROUPS_CLAIM;
        }
    }

    /**
     * Reads {@code IDP_ISSUER} (required), {@code IDP_CLIENT_ID}, {@code IDP_CLIENT_SECRET}, {@code IDP_AUDIENCE},
     * {@code IDP_CUSTOM_SCOPES}, {@code IDP_GROUPS_CLAIM} and {@code API_URL}.
     *
     * @throws ConfigException naming the variable that is missing or wrong
     */
    public static OidcSettings fromEnv(Env env) {
        String rawIssuer = env.required("IDP_ISSUER", "the OpenID Connect issuer URL, e.g. https://idp.example.com/realms/hoop");
        URI withQuery = parseUri("IDP_ISSUER", rawIssuer);
        boolean userinfo = userinfoFlag(withQuery);
        URI issuer = stripUserinfoParam(withQuery);
        return new OidcSettings(
                issuer,
                userinfo,
                env.required("IDP_CLIENT_ID", "the OAuth2 client id registered at the provider"),
                env.required("IDP_CLIENT_SECRET", "the OAuth2 client secret registered at the provider"),
                env.raw("IDP_AUDIENCE"),
                scopes(env.raw("IDP_CUSTOM_SCOPES")),
                parseUri("API_URL", env.required("API_URL", "the public URL of the gateway, e.g. https://hoop.example.com")),
                env.string("IDP_GROUPS_CLAIM", DEFAULT_GROUPS_CLAIM));
    }

    /** {@code API_URL/api/callback}: the redirect URI to register at the provider. */
    public URI redirectUri() {
        return URI.create(apiUrl + CALLBACK_PATH);
    }

    /** The audience access tokens must carry: {@code IDP_AUDIENCE} when set, else the client id. */
    public String expectedAccessTokenAudience() {
        return audience != null ? audience : clientId;
    }

    /** The OpenID Connect discovery document URL of the issuer. */
    public URI discoveryUrl() {
        String base = issuer.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/.well-known/openid-configuration");
    }

    /** {@code openid profile email} plus the custom scopes (comma or space separated), without duplicates. */
    public static List<String> scopes(String custom) {
        Set<String> all = new LinkedHashSet<>(BASE_SCOPES);
        if (custom != null) {
            for (String s : custom.split("[,\\s]+")) {
                if (!s.isBlank()) {
                    all.add(s.trim());
                }
            }
        }
        return List.copyOf(all);
    }

    @Override
    public String toString() {
        return "OidcSettings[issuer=" + issuer + ", userinfoMode=" + userinfoMode + ", clientId=" + clientId
                + ", clientSecret=****, audience=" + audience + ", scopes=" + scopes + ", apiUrl=" + apiUrl
                + ", groupsClaim=" + groupsClaim + "]";
    }

    private static URI parseUri(String variable, String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new ConfigException(variable + ": '" + value + "' is not a URL (" + e.getReason() + ")", e);
        }
    }

    private static void requireHttpUrl(String variable, URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!url.isAbsolute() || url.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
            throw new ConfigException(variable + ": '" + url + "' (expected: an absolute http(s) URL)");
        }
        if (variable.equals("IDP_ISSUER") && scheme.equals("http") && !isLoopback(url.getHost())) {
            throw new ConfigException("IDP_ISSUER: '" + url + "' (expected: https; plain http is only accepted for localhost or 127.0.0.1)");
        }
    }

    public static boolean isLoopback(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("127.0.0.1") || h.equals("[::1]") || h.equals("::1");
    }

    private static boolean userinfoFlag(URI issuer) {
        for (String[] kv : queryParams(issuer)) {
            if (kv[0].equals(USERINFO_PARAM)) {
                return switch (kv[1]) {
                    case "1", "true" -> true;
                    case "0", "false", "" -> false;
                    default -> throw new ConfigException("IDP_ISSUER: _userinfo='" + kv[1] + "' (expected: _userinfo=1 or no _userinfo)");
                };
            }
        }
        return false;
    }

    /** The issuer without the {@code _userinfo} parameter; other query parameters stay and are rejected by the constructor. */
    private static URI stripUserinfoParam(URI issuer) {
        List<String> kept = new ArrayList<>();
        for (String[] kv : queryParams(issuer)) {
            if (!kv[0].equals(USERINFO_PARAM)) {
                kept.add(kv[1].isEmpty() ? kv[0] : kv[0] + "=" + kv[1]);
            }
        }
        String s = issuer.toString();
        int q = s.indexOf('?');
        if (q < 0) {
            return issuer;
        }
        String base = s.substring(0, q);
        int hash = s.indexOf('#', q);
        String fragment = hash < 0 ? "" : s.substring(hash);
        return URI.create(base + (kept.isEmpty() ? "" : "?" + String.join("&", kept)) + fragment);
    }

    private static List<String[]> queryParams(URI uri) {
        List<String[]> out = new ArrayList<>();
        String q = uri.getRawQuery();
        if (q == null) {
            return out;
        }
        for (String pair : q.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            out.add(eq < 0 ? new String[] {pair, ""} : new String[] {pair.substring(0, eq), pair.substring(eq + 1)});
        }
        return out;
    }
}
