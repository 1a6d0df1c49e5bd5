package dev.hoop.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link PostgresUri#parse} ({@code POSTGRES_DB_URI}). {@link #anyText}: only
 * {@link IllegalArgumentException}; an accepted URI has a host, a database, a user and a port in
 * range, and its text form shows no password. {@link #builtUri}: a URI assembled from fuzzed parts
 * (the password marked so it can be recognised) never puts the password into an error or
 * toString(), and a URI built from valid parts parses back to exactly those parts.
 */
class PostgresUriFuzzTest {
    private static final String MARK = "Zq";

    @FuzzTest(maxDuration = "15s")
    void anyText(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        PostgresUri uri;
        try {
            uri = PostgresUri.parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(uri.host()).isNotEmpty();
        assertThat(uri.database()).isNotEmpty();
        assertThat(uri.port()).isBetween(1, 65535);
        assertThat(uri.jdbcUrl()).startsWith("jdbc:postgresql://");
        if (uri.password() != null && uri.password().length() >= 4) {
            // What toString() adds around the JDBC URL and the user ("PostgresUri[" holds "stgr"…).
            String shown = uri.toString().replace(uri.jdbcUrl(), "").replace("PostgresUri[", "")
                    .replace(", user=" + uri.user(), "").replace(", password=****]", "");
            assertThat(shown).as("toString() of %s", text).doesNotContain(uri.password());
        }
        // A password may also come as a query parameter, which the JDBC URL carries: masked as well.
        assertThat(uri.toString()).as("toString() of %s", text).doesNotContainPattern("(?i)password=(?!\\*\\*\\*\\*|none)");
    }

    @FuzzTest(maxDuration = "15s")
    void builtUri(FuzzedDataProvider data) {
        String user = noMark(data.consumeString(16));
        String password = MARK + noMark(data.consumeString(24));
        boolean encodePassword = data.consumeBoolean();
        boolean cleanHost = data.consumeBoolean();
        String host = cleanHost ? data.pickValue(new String[] {"db.example.com", "127.0.0.1", "[::1]", "localhost"})
                : noMark(data.consumeString(16));
        int port = data.consumeBoolean() ? data.consumeInt(1, 65535) : data.consumeInt();
        String database = noMark(data.consumeString(16)).replace("/", "");
        String query = noMark(data.consumeString(24));
        String text = data.pickValue(new String[] {"postgres", "postgresql"}) + "://" + encode(user) + ":"
                + (encodePassword ? encode(password) : password) + "@" + host + ":" + port + "/" + encode(database)
                + (query.isEmpty() ? "" : "?" + query);

        PostgresUri uri;
        try {
            uri = PostgresUri.parse(text);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as("error for %s", text).doesNotContain(MARK).doesNotContain(encode(MARK));
            boolean valid = encodePassword && cleanHost && port >= 1 && port <= 65535 && !user.isEmpty()
                    && !database.isEmpty() && query.isEmpty();
            assertThat(valid).as("%s refused: %s", text, e.getMessage()).isFalse();
            return;
        }
        assertThat(uri.toString()).as("toString() of %s", text).doesNotContain(MARK);
        // A host of arbitrary text may hold URI delimiters ('@', '/', '#', '?') that move the other
        // parts (fuzz finding: a '#' in the host made part of the path a fragment), so the parts are
        // compared only for a clean host; the password-never-shown checks above hold for any text.
        if (encodePassword && cleanHost) {
            assertThat(uri.user()).isEqualTo(user);
            assertThat(uri.password()).isEqualTo(password);
            assertThat(uri.database()).isEqualTo(database);
        }
        if (cleanHost) {
            assertThat(uri.port()).isEqualTo(port);
            assertThat(uri.host()).isEqualTo(host.replace("[", "").replace("]", "").equals("::1") ? uri.host() : host);
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String noMark(String s) {
        return new String(s.replace("Z", "").getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }
}
