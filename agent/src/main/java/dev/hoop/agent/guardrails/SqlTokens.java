package dev.hoop.agent.guardrails;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The lexical walks {@link SqlGuardrails} makes over a statement's tokens (as
 * {@link dev.hoop.common.pgwire.SqlLexer.Skeleton#tokens()} gives them: words, symbols, quoted
 * identifiers and literals): where the main verb is, whether a WHERE belongs to a verb, what
 * {@code EXPLAIN} wraps, how a name token reads. They sit apart from the rules because they only
 * find positions and names in tokens the lexer already cut, and decide nothing; the rules read better
 * without parenthesis counting in between. Stateless.
 */
final class SqlTokens {
    private static final Set<String> EXPLAIN_OPTIONS = Set.of("analyze", "analyse", "verbose");

    private SqlTokens() {
    }

    /** The index of the statement's main verb: the first token, or after {@code WITH …} the first verb at depth 0. */
    static int mainVerbIndex(List<String> tokens) {
        if (tokens.isEmpty()) {
            return -1;
        }
        if (!lower(tokens.get(0)).equals("with")) {
            return 0;
        }
        int depth = 0;
        for (int i = 1; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.equals("(")) {
                depth++;
            } else if (t.equals(")")) {
                depth--;
            } else if (depth == 0 && Set.of("select", "insert", "update", "delete", "merge", "values", "table").contains(lower(t))) {
                return i;
            }
        }
        return 0;
    }

    /** Whether WHERE follows the verb at {@code from} at the verb's own parenthesis depth, before its group closes. */
    static boolean whereAtDepth(List<String> tokens, int from) {
        if (from < 0) {
            return false;
        }
        int depth = 0;
        for (int i = from + 1; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.equals("(")) {
                depth++;
            } else if (t.equals(")")) {
                if (--depth < 0) {
                    return false;
                }
            } else if (depth == 0 && lower(t).equals("where")) {
                return true;
            }
        }
        return false;
    }

    /** Where the statement an {@code EXPLAIN} wraps starts: after its options, in parentheses or as words. */
    static int explainedFrom(List<String> tokens) {
        int i = 1;
        if (i < tokens.size() && tokens.get(i).equals("(")) {
            int depth = 0;
            for (; i < tokens.size(); i++) {
                if (tokens.get(i).equals("(")) {
                    depth++;
                } else if (tokens.get(i).equals(")") && --depth == 0) {
                    return i + 1;
                }
            }
            return i;
        }
        while (i < tokens.size() && EXPLAIN_OPTIONS.contains(lower(tokens.get(i)))) {
            i++;
        }
        return i;
    }

    /** The index of {@code word} outside any parentheses, or -1. */
    static int indexAtDepthZero(List<String> tokens, String word) {
        int depth = 0;
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.equals("(")) {
                depth++;
            } else if (t.equals(")")) {
                depth--;
            } else if (depth == 0 && lower(t).equals(word)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether PASSWORD follows {@code ALTER USER|ROLE}. */
    static boolean altersPassword(List<String> tokens) {
        boolean alterRole = false;
        for (int i = 0; i < tokens.size(); i++) {
            String t = lower(tokens.get(i));
            if (t.equals("alter") && i + 1 < tokens.size() && Set.of("user", "role").contains(lower(tokens.get(i + 1)))) {
                alterRole = true;
            } else if (alterRole && t.equals("password")) {
                return true;
            }
        }
        return false;
    }

    /** Whether the token names something: a word or a quoted identifier (not a literal, number or symbol). */
    static boolean isName(String token) {
        if (token.startsWith("\"")) {
            return true;
        }
        char c = token.charAt(0);
        return Character.isLetter(c) || c == '_';
    }

    /** A name token as PostgreSQL resolves it for comparing: quotes removed, lower case. */
    static String unquote(String token) {
        if (token.startsWith("\"") && token.endsWith("\"") && token.length() >= 2) {
            return token.substring(1, token.length() - 1).replace("\"\"", "\"").toLowerCase(Locale.ROOT);
        }
        return token.toLowerCase(Locale.ROOT);
    }

    /** The last part of a qualified name ({@code schema.table} → {@code table}). */
    static String lastPart(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
