package dev.hoop.gateway.auth.oidc;

import dev.hoop.gateway.config.OidcSettings;
import dev.hoop.gateway.store.LoginState;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * Which {@code redirect} a login may end on. The token travels in that URL, so only the gateway's own origin
 * ({@code API_URL}) and loopback addresses (where {@code hoop login} listens) are accepted.
 */
public final class LoginRedirects {
    /** The web app's callback page, used when the login names no redirect. */
    static final String DEFAULT_PATH = "/callback";

    private LoginRedirects() {
    }

    static String checked(String redirect, URI apiUrl) throws OidcLoginException {
        if (redirect == null || redirect.isBlank()) {
            return apiUrl + DEFAULT_PATH;
        }
        URI uri;
        try {
            uri = new URI(redirect.trim());
        } catch (URISyntaxException e) {
            throw new OidcLoginException("redirect '" + redirect + "' is not a URL (" + e.getReason() + ")");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || uri.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new OidcLoginException("redirect '" + redirect + "' is not an absolute http(s) URL");
        }
        if (uri.getRawUserInfo() != null) {
            throw new OidcLoginException("redirect '" + redirect + "' must not carry a user name or password");
        }
        boolean sameOrigin = scheme.equals(apiUrl.getScheme().toLowerCase(Locale.ROOT))
                && uri.getHost().equalsIgnoreCase(apiUrl.getHost())
                && port(uri) == port(apiUrl);
        if (!sameOrigin && !OidcSettings.isLoopback(uri.getHost())) {
            throw new OidcLoginException("redirect '" + redirect + "' is not allowed (expected: a URL on "
                    + apiUrl.getScheme() + "://" + apiUrl.getRawAuthority() + " or on 127.0.0.1 for the CLI)");
        }
        return uri.toString();
    }

    /** Where {@code /api/callback} sends the user after a successful login: the saved redirect with {@code token=…} added. */
    public static URI withToken(LoginState saved, String token) {
        return withParameter(saved.redirect(), "token", Objects.requireNonNull(token, "token"));
    }

    /** Where {@code /api/callback} sends the user after a failed login: the saved redirect with {@code error=<reason>} added. */
    public static URI withError(LoginState saved, String reason) {
        return withParameter(saved.redirect(), "error", Objects.requireNonNull(reason, "reason"));
    }

    /** {@code redirect} with {@code name=value} appended to its query (before any fragment), URL-encoded. */
    static URI withParameter(String redirect, String name, String value) {
        int hash = redirect.indexOf('#');
        String base = hash < 0 ? redirect : redirect.substring(0, hash);
        String fragment = hash < 0 ? "" : redirect.substring(hash);
        String separator = base.contains("?") ? (base.endsWith("?") || base.endsWith("&") ? "" : "&") : "?";
        return URI.create(base + separator + name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8) + fragment);
    }

    private static int port(URI uri) {
        if (uri.getPort() >= 0) {
            return uri.getPort();
        }
        return Objects.equals(uri.getScheme().toLowerCase(Locale.ROOT), "https") ? 443 : 80;
    }
}
