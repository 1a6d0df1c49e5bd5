package dev.hoop.agent.guardrails;

import java.util.List;

/**
 * Rebuilds parseable SQL from a skeleton's tokens. The lexer emits every symbol on its own
 * ({@code > =}, {@code : :}, {@code $ 1}, {@code a . b}); JSqlParser needs them joined again.
 */
final class SqlText {
    private static final String OPERATOR_CHARS = "+-*/<>=~!@#%^&|`?:";

    private SqlText() {
    }

    static String of(List<String> tokens) {
        StringBuilder b = new StringBuilder();
        String prev = null;
        for (String t : tokens) {
            if (prev != null && !glued(prev, t)) {
                b.append(' ');
            }
            b.append(t);
            prev = t;
        }
        return b.toString();
    }

    private static boolean glued(String prev, String t) {
        if (prev.equals("$") && !t.isEmpty() && Character.isDigit(t.charAt(0))) {
            return true; // $1: a parameter
        }
        if (prev.equals(".") || t.equals(".")) {
            return true; // schema.table, 1.5
        }
        return isOperator(prev) && isOperator(t);
    }

    private static boolean isOperator(String t) {
        return t.length() == 1 && OPERATOR_CHARS.indexOf(t.charAt(0)) >= 0;
    }
}
