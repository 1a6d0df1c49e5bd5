package dev.hoop.agent.guardrails;

/**
 * Why a guardrail stopped an input: the rule as configured (e.g. {@code drop},
 * {@code deny-table:payroll}) and a sentence for the user.
 */
public record Block(String rule, String message) {
    /** The text shown to users and recorded in the session: names the rule. */
    public String describe() {
        return "blocked by guardrail '" + rule + "': " + message;
    }
}
