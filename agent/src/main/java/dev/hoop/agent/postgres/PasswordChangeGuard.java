package dev.hoop.agent.postgres;

import dev.hoop.common.pgwire.ErrorResponse;
import dev.hoop.common.pgwire.SqlLexer;
import java.util.List;

/**
 * Decides which statements the agent refuses: changing a role's password would let a user replace
 * the credentials the connection stores (or lock everyone else out), so {@code ALTER USER|ROLE …
 * PASSWORD} never reaches the server. It judges each statement by its {@link SqlLexer.Skeleton}
 * (comments gone, literals cut short), so padding with comments or huge literals, and hiding the
 * change among other statements, do not help. The check is deliberately wide: it also looks inside
 * the literals it keeps (e.g. a DO block that EXECUTEs the change); refusing a harmless statement
 * is better than letting a password change through.
 */
final class PasswordChangeGuard {
    /** How deep literals inside literals are examined (a DO body holding an EXECUTE string is 2). */
    private static final int MAX_NESTING = 4;

    static final ErrorResponse REFUSAL = ErrorResponse.error("42501",
            "changing a password (ALTER USER/ROLE ... PASSWORD) is not allowed through hoop",
            "The connection's credentials are managed by hoop; ask an administrator to change them.");

    private PasswordChangeGuard() {
    }

    /** The refusal for this statement, or null when it may run. */
    static ErrorResponse check(SqlLexer.Skeleton statement) {
        if (statement.overflowed()) {
            return tooLargeToCheck();
        }
        return refuses(statement, 0) ? REFUSAL : null;
    }

    /** Whether any statement of {@code sql} is refused (for a whole text at hand, as in tests). */
    static boolean refuses(String sql) {
        return refusal(sql) != null;
    }

    /** The refusal of the first refused statement of a whole text at hand (an exec script), or null. */
    static ErrorResponse refusal(String sql) {
        return lex(sql).stream().map(PasswordChangeGuard::check).filter(r -> r != null).findFirst().orElse(null);
    }

    private static boolean refuses(SqlLexer.Skeleton statement, int depth) {
        // Most statements never say "password": they skip the token walk.
        if (!mentionsPassword(statement.text())) {
            return false;
        }
        List<String> tokens = statement.tokens();
        boolean alterRole = false;
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (token.startsWith("'")) {
                if (depth < MAX_NESTING && literalRefuses(token, depth)) {
                    return true;
                }
                continue;
            }
            if (token.equalsIgnoreCase("alter") && i + 1 < tokens.size()
                    && (tokens.get(i + 1).equalsIgnoreCase("user") || tokens.get(i + 1).equalsIgnoreCase("role"))) {
                alterRole = true;
            } else if (alterRole && token.equalsIgnoreCase("password")) {
                return true;
            }
        }
        return false;
    }

    /** A kept literal's contents, read as SQL (dynamic SQL in EXECUTE, a DO or function body). */
    private static boolean literalRefuses(String literal, int depth) {
        String contents = literal.substring(1, literal.length() - 1).replace("''", "'");
        if (contents.endsWith("…")) {
            contents = contents.substring(0, contents.length() - 1);
        }
        for (SqlLexer.Skeleton inner : lex(contents)) {
            if (inner.overflowed() || refuses(inner, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    private static List<SqlLexer.Skeleton> lex(String sql) {
        SqlLexer lexer = new SqlLexer();
        lexer.feed(sql.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        lexer.end();
        return lexer.takeStatements();
    }

    private static boolean mentionsPassword(String text) {
        for (int i = 0, last = text.length() - "password".length(); i <= last; i++) {
            // the first letter alone rules out almost every position (regionMatches per position was
            // 1 % of the agent's CPU under pgbench)
            if ((text.charAt(i) | 0x20) == 'p' && text.regionMatches(true, i, "password", 0, "password".length())) {
                return true;
            }
        }
        return false;
    }

    static ErrorResponse tooLargeToCheck() {
        return ErrorResponse.error("54000",
                "statement with more than " + SqlLexer.DEFAULT_MAX_SKELETON_BYTES + " bytes of SQL outside literals and comments"
                        + " is larger than hoop checks",
                "Split the statement into smaller ones, or pass large values as literals, parameters or COPY data.");
    }
}
