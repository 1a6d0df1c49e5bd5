package dev.hoop.agent.guardrails;

import dev.hoop.common.guardrails.GuardrailRules;
import java.util.regex.Pattern;

/**
 * The {@code regex:PATTERN} rules, for command-line input: an exec's arguments and input, and the
 * lines typed in a terminal ({@link TerminalLineGuard}). A pattern matches anywhere in the text
 * ({@link java.util.regex.Matcher#find()}). A pattern that backtracks without end on some input
 * would stall the agent, so matching has a step budget; input that exhausts it is blocked.
 */
public final class InputGuardrails {
    /** Characters a pattern may read per check (backtracking included) before the input is refused. */
    static final long STEP_BUDGET = 50_000_000L;

    private final GuardrailRules rules;
    private final long budget;

    public InputGuardrails(GuardrailRules rules) {
        this(rules, STEP_BUDGET);
    }

    InputGuardrails(GuardrailRules rules, long budget) {
        this.rules = rules;
        this.budget = budget;
    }

    public boolean active() {
        return rules.checksInput();
    }

    /** The block for this text, or null when no pattern matches. */
    public Block check(CharSequence text) {
        for (Pattern p : rules.inputPatterns()) {
            try {
                if (p.matcher(new Budgeted(text, new long[] {budget})).find()) {
                    return new Block(GuardrailRules.REGEX + ":" + p.pattern(), "the input matches a pattern denied on this connection");
                }
            } catch (BudgetExceeded e) {
                return new Block(GuardrailRules.REGEX + ":" + p.pattern(), "the input could not be checked against this pattern in time");
            }
        }
        return null;
    }

    private static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded() {
            super(null, null, false, false);
        }
    }

    /** A view of the text that counts reads: the regex engine has no timeout of its own. */
    private static final class Budgeted implements CharSequence {
        private final CharSequence text;
        /** Reads left, shared with the sub-sequences the engine takes. */
        private final long[] left;

        Budgeted(CharSequence text, long[] left) {
            this.text = text;
            this.left = left;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (--left[0] < 0) {
                throw new BudgetExceeded();
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Budgeted(text.subSequence(start, end), left);
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }
}
