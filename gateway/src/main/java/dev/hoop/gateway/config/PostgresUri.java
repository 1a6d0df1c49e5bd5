package dev.hoop.gateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code POSTGRES_DB_URI} in the seed's form {@code postgres://user:pass@host:5432/db?sslmode=require},
 * turned into a JDBC URL, a user and a password. User and password are URL-decoded (the seed tells
 * people to URL-encode special characters). {@link #toString()} masks the password.
 */
public record PostgresUri(String jdbcUrl, String user, String password, String host, int port, String database) {

    private static final Pattern SECRET_PARAM = Pattern.compile("(?i)([?&][^=&]*password=)[^&]*");
    private static final Set<String> SSL_MODES = Set.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");

    /** @throws IllegalArgumentException with a message that never contains the password */
    public static PostgresUri parse(String value) {
        URI uri;
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URI (expected: postgres://user:password@host:5432/database, password URL-encoded)");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("postgres") || scheme.equals("postgresql"))) {
            throw new IllegalArgumentException("scheme '" + scheme + "' (expected: postgres://user:password@host:5432/database)");
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("no host (expected: postgres://user:password@host:5432/database)");
        }
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        if (port < 1 || port > 65535) { // java.net.URI takes any digits, 0 included (a fuzz finding)
            throw new IllegalArgumentException("port " + port + " (expected: 1 to 65535)");
        }
        String path = uri.getRawPath();
        String database = path == null || path.length() <= 1 ? "" : decode(path.substring(1));
        if (database.isEmpty() || database.contains("/")) {
            throw new IllegalArgumentException("no database name in the path (expected: postgres://user:password@host:5432/database)");
        }
        String userInfo = uri.getRawUserInfo();
        if (userInfo == null || userInfo.isEmpty()) {
            throw new IllegalArgumentException("no user (expected: postgres://user:password@host:5432/database)");
        }
        int colon = userInfo.indexOf(':');
        String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
        String password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
        List<String> params = new ArrayList<>();
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String k = decode(eq < 0 ? pair : pair.substring(0, eq));
                String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (k.equals("sslmode")) {
                    String mode = v.toLowerCase(Locale.ROOT);
                    if (!SSL_MODES.contains(mode)) {
                        throw new IllegalArgumentException("sslmode '" + v + "' (expected: one of disable, allow, prefer, require, verify-ca, verify-full)");
                    }
                    params.add("sslmode=" + mode);
                } else {
                    params.add(encodeParam(k) + "=" + encodeParam(v));
                }
            }
        }
        String hostPart = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        StringBuilder jdbc = new StringBuilder("jdbc:postgresql://").append(hostPart).append(':').append(port)
                .append('/').append(encodeParam(database));
        if (!params.isEmpty()) {
            jdbc.append('?').append(String.join("&", params));
        }
        return new PostgresUri(jdbc.toString(), user, password, host, port, database);
    }

    private static String decode(String s) {
        try {
            // URLDecoder turns '+' into a space (form encoding); in a URI '+' is literal.
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad percent-encoding (expected: special characters in user or password URL-encoded, e.g. %40 for @)");
        }
    }

    private static String encodeParam(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        // A password may also arrive as a query parameter (password, sslpassword), which the JDBC URL keeps.
        String url = SECRET_PARAM.matcher(jdbcUrl).replaceAll("$1****");
        return "PostgresUri[" + url + ", user=" + user + ", password=" + (password == null ? "none" : "****") + "]";
    }
}
