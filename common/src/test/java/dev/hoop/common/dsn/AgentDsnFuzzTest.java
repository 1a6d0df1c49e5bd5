package dev.hoop.common.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes {@link AgentDsn#parse}. {@link #anyText}: only {@link IllegalArgumentException} for any
 * text; an accepted key formats to a key that parses to the same value; the secret never shows in
 * toString() nor in an error. {@link #builtKey}: a key assembled from valid parts parses back to
 * exactly those parts.
 */
class AgentDsnFuzzTest {

    @FuzzTest(maxDuration = "15s")
    void anyText(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        AgentDsn dsn;
        try {
            dsn = AgentDsn.parse(text);
        } catch (IllegalArgumentException e) {
            assertNoSecret(e.getMessage(), text);
            return;
        }
        assertThat(AgentDsn.parse(dsn.format())).as("parse(format()) of %s", text).isEqualTo(dsn);
        assertThat(dsn.secret()).startsWith(AgentDsn.SECRET_PREFIX);
        assertThat(dsn.port()).isBetween(1, 65535);
        // The mode is the user's text, shown as given: a copy of the secret pasted there is not a leak.
        assertThat(dsn.toString().replace("?mode=" + dsn.mode(), ""))
                .doesNotContain(dsn.secret().substring(AgentDsn.SECRET_PREFIX.length()));
    }

    @FuzzTest(maxDuration = "15s")
    void builtKey(FuzzedDataProvider data) {
        String scheme = data.pickValue(new String[] {"grpc", "grpcs", "http", "https"});
        String name = "a" + filtered(data.consumeString(40), "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-");
        String secret = AgentDsn.SECRET_PREFIX + "s3cr3t" + filtered(data.consumeString(60),
                "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") + "0123456789";
        String host = data.pickValue(new String[] {"gw.example.com", "127.0.0.1", "::1", "localhost", "h-1.internal"});
        int port = data.consumeInt(1, 65535);
        String mode = "m" + filtered(data.consumeString(10), "abcdefghijklmnopqrstuvwxyz-");
        AgentDsn built = new AgentDsn(scheme, name, secret, host, port, mode);

        AgentDsn parsed = AgentDsn.parse(built.format());

        assertThat(parsed).isEqualTo(built);
        assertThat(parsed.tls()).isEqualTo(scheme.endsWith("s"));
        assertThat(parsed.toString()).doesNotContain("s3cr3t");
    }

    /**
     * No error names the secret: what follows the first ':' of the user info, or the whole user info
     * when it has no ':' (a secret pasted without its NAME). Checked when it is at least 16 characters
     * with a digit (so no fixed error text can hold it) and appears once in the text.
     */
    private static void assertNoSecret(String message, String text) {
        String secret = userInfoSecret(text);
        if (secret != null && secret.length() >= 16 && secret.chars().anyMatch(Character::isDigit)
                && text.indexOf(secret) == text.lastIndexOf(secret)) {
            assertThat(message).as("error for %s", text).doesNotContain(secret);
        }
    }

    private static String userInfoSecret(String text) {
        int start = text.indexOf("://");
        if (start < 0) {
            return null;
        }
        String rest = text.substring(start + 3);
        int end = rest.length();
        for (char c : "/?#".toCharArray()) {
            int i = rest.indexOf(c);
            end = i >= 0 ? Math.min(end, i) : end;
        }
        String authority = rest.substring(0, end);
        int at = authority.lastIndexOf('@');
        if (at < 0) {
            return null;
        }
        String userInfo = authority.substring(0, at);
        int colon = userInfo.indexOf(':');
        return colon < 0 ? userInfo : userInfo.substring(colon + 1);
    }

    private static String filtered(String s, String allowed) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (allowed.indexOf(c) >= 0) {
                b.append(c);
            }
        }
        return b.toString();
    }
}
