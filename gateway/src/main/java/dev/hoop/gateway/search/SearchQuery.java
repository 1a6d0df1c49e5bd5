package dev.hoop.gateway.search;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

/**
 * A parsed search: qualifiers ({@code connection:pg user:alice@example.com verb:exec type:postgres
 * exit:1 is:error id:3f2a after:2026-11-01 before:2026-12-01}), words and {@code "quoted phrases"}
 * matched in the recorded input and output. A leading {@code -} negates a term. Values may be
 * quoted ({@code connection:"my db"}). Every mistake is a {@link BadQueryException} naming the term.
 *
 * @param terms in the order written
 */
public record SearchQuery(List<Term> terms) {
    static final int MAX_LENGTH = 1024;
    static final int MAX_TERMS = 32;
    static final Set<String> QUALIFIERS = Set.of("connection", "user", "verb", "type", "exit", "is", "id", "after", "before");
    static final Set<String> VERBS = Set.of("connect", "exec");
    static final Set<String> TYPES = Set.of("postgres", "tcp", "command-line", "http");
    static final Set<String> STATES = Set.of("error", "ok", "open", "done");

    /**
     * One term: a qualifier ({@code key} set) or free text ({@code key} null; {@code phrase} when it was quoted).
     * {@code value} is normalised: lower case, except ids; dates are kept as written.
     */
    public record Term(String key, String value, boolean phrase, boolean negated) {
        boolean text() {
            return key == null;
        }
    }

    public SearchQuery {
        terms = List.copyOf(terms);
    }

    /** Free-text terms only. */
    List<Term> text() {
        return terms.stream().filter(Term::text).toList();
    }

    public static SearchQuery parse(String q) {
        if (q == null) {
            return new SearchQuery(List.of());
        }
        if (q.length() > MAX_LENGTH) {
            throw new BadQueryException("q: " + q.length() + " characters (expected: at most " + MAX_LENGTH + ")");
        }
        List<Term> terms = new ArrayList<>();
        int i = 0;
        int n = q.length();
        while (i < n) {
            char c = q.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
                continue;
            }
            int start = i;
            boolean negated = false;
            if (c == '-' && i + 1 < n && !Character.isWhitespace(q.charAt(i + 1))) {
                negated = true;
                i++;
            }
            String key = null;
            if (q.charAt(i) != '"') {
                int colon = -1;
                for (int j = i; j < n && !Character.isWhitespace(q.charAt(j)) && q.charAt(j) != '"'; j++) {
                    if (q.charAt(j) == ':') {
                        colon = j;
                        break;
                    }
                }
                if (colon > i) {
                    key = q.substring(i, colon).toLowerCase(Locale.ROOT);
                    if (!QUALIFIERS.contains(key)) {
                        throw new BadQueryException("unknown qualifier '" + key + ":' (expected one of: connection, user, verb, type, exit, is, id, "
                                + "after, before; or quote the text: \"" + q.substring(i, Math.min(n, colon + 1)) + "\")");
                    }
                    i = colon + 1;
                }
            }
            String value;
            boolean quoted = i < n && q.charAt(i) == '"';
            if (quoted) {
                int close = q.indexOf('"', i + 1);
                if (close < 0) {
                    throw new BadQueryException("unclosed quote at character " + (i + 1) + " (expected: a closing \")");
                }
                value = q.substring(i + 1, close);
                i = close + 1;
            } else {
                int j = i;
                while (j < n && !Character.isWhitespace(q.charAt(j))) {
                    j++;
                }
                value = q.substring(i, j);
                i = j;
            }
            if (value.isBlank()) {
                if (key != null) {
                    throw new BadQueryException("'" + key + ":' has no value (expected e.g. " + example(key) + ")");
                }
                continue;
            }
            terms.add(key == null ? new Term(null, value, quoted, negated) : qualifier(key, value, negated));
            if (terms.size() > MAX_TERMS) {
                throw new BadQueryException("more than " + MAX_TERMS + " terms at character " + (start + 1) + " (expected: at most " + MAX_TERMS + ")");
            }
        }
        return new SearchQuery(terms);
    }

    private static Term qualifier(String key, String raw, boolean negated) {
        String v = raw.trim();
        String lower = v.toLowerCase(Locale.ROOT);
        switch (key) {
            case "verb" -> require(VERBS.contains(lower), key, v, "connect or exec");
            case "type" -> require(TYPES.contains(lower), key, v, "postgres, tcp, command-line or http");
            case "is" -> require(STATES.contains(lower), key, v, "error, ok, open or done");
            case "exit" -> {
                try {
                    Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    throw new BadQueryException("exit:" + v + " is not valid (expected: an exit code, e.g. exit:1)");
                }
            }
            case "id" -> require(lower.matches("[0-9a-f-]{4,36}"), key, v, "a session id or its first 4+ characters");
            case "after", "before" -> instant(key, v);
            default -> {
                // connection, user: any text
            }
        }
        return new Term(key, lower, false, negated);
    }

    private static void require(boolean ok, String key, String v, String expected) {
        if (!ok) {
            throw new BadQueryException(key + ":" + v + " is not valid (expected: " + expected + ")");
        }
    }

    /** {@code after:} / {@code before:} as an instant: a date is its start in UTC, or an ISO-8601 date-time. */
    static OffsetDateTime instant(String key, String v) {
        try {
            if (v.length() == 10) {
                return LocalDate.parse(v).atStartOfDay().atOffset(ZoneOffset.UTC);
            }
            return OffsetDateTime.parse(v.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            throw new BadQueryException(key + ":" + v + " is not valid (expected: YYYY-MM-DD or an ISO-8601 date-time such as 2026-11-01T10:00:00Z)");
        }
    }

    static UUID uuidOrNull(String v) {
        try {
            return v.length() == 36 ? UUID.fromString(v) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String example(String key) {
        return switch (key) {
            case "connection" -> "connection:pg";
            case "user" -> "user:alice@example.com";
            case "verb" -> "verb:exec";
            case "type" -> "type:postgres";
            case "exit" -> "exit:1";
            case "is" -> "is:error";
            case "id" -> "id:3f2a";
            default -> key + ":2026-11-01";
        };
    }
}
