package dev.hoop.agent.postgres;

import dev.hoop.common.pgwire.ErrorResponse;
import java.util.regex.Pattern;

/**
 * Decides which statements the agent refuses: changing a role's password would let a user replace
 * the credentials the connection stores (or lock everyone else out), so {@code ALTER USER|ROLE …
 * PASSWORD} never reaches the server. The check is deliberately wide (it also matches inside
 * strings, e.g. a DO block that EXECUTEs it): refusing a harmless statement is better than letting
 * a password change through.
 */
final class PasswordChangeGuard {
    private static final Pattern COMMENTS = Pattern.compile("/\\*.*?\\*/|--[^\\n]*", Pattern.DOTALL);
    private static final Pattern ALTER_PASSWORD = Pattern.compile(
            "\\balter\\s+(user|role)\\b[^;]*?\\bpassword\\b", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    static final ErrorResponse REFUSAL = ErrorResponse.error("42501",
            "changing a password (ALTER USER/ROLE ... PASSWORD) is not allowed through hoop",
            "The connection's credentials are managed by hoop; ask an administrator to change them.");

    private PasswordChangeGuard() {
    }

    static boolean refuses(String sql) {
        // Every statement passes here: most never say "password", and removing comments cannot
        // make the word appear (a comment becomes a space), so they skip the regular expressions.
        if (!mentionsPassword(sql)) {
            return false;
        }
        // Comments are removed first so "ALTER/**/USER" is seen as "ALTER USER".
        String plain = COMMENTS.matcher(sql).replaceAll(" ");
        return ALTER_PASSWORD.matcher(plain).find();
    }

    private static boolean mentionsPassword(String sql) {
        for (int i = 0, last = sql.length() - "password".length(); i <= last; i++) {
            // the first letter alone rules out almost every position (regionMatches per position was
            // 1 % of the agent's CPU under pgbench)
            if ((sql.charAt(i) | 0x20) == 'p' && sql.regionMatches(true, i, "password", 0, "password".length())) {
                return true;
            }
        }
        return false;
    }

    static ErrorResponse tooLargeToCheck(int length, int limit) {
        return ErrorResponse.error("54000",
                "statement of " + length + " bytes is larger than the " + limit + " bytes hoop checks",
                "Split the statement, or load large data with COPY.");
    }
}
