package dev.hoop.agent.transport;

import dev.hoop.agent.exec.CommandSpec;
import dev.hoop.agent.exec.ExecPlan;
import dev.hoop.agent.guardrails.Block;
import dev.hoop.agent.guardrails.InputGuardrails;
import dev.hoop.agent.guardrails.SqlGuardrails;
import dev.hoop.agent.guardrails.TerminalLineGuard;
import dev.hoop.common.guardrails.GuardrailRules;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A connection's guardrails (docs/guardrails.md) as a session's command meets them: before an exec
 * runs, the SQL rules on a SQL script and the regex rules on the command's arguments and its input;
 * on a terminal, the regex rules line by line ({@link TerminalLineGuard}). Apart from
 * {@link AgentSession} because which rules apply to what is a decision of its own; the session only
 * asks before it runs or forwards anything, and reports the block. Rules that cannot be read block an
 * exec (fail closed). Not thread-safe for terminal input: one feeder.
 */
final class SessionGuardrails {
    private static final TerminalLineGuard NO_LINE_GUARD = new TerminalLineGuard(new InputGuardrails(GuardrailRules.NONE));

    private final List<String> rules;
    private TerminalLineGuard lineGuard;

    SessionGuardrails(List<String> rules) {
        this.rules = rules;
    }

    /**
     * The block for an exec, before anything runs: the SQL rules for a SQL script, the regex rules
     * for the command's arguments and for the input; or null when it may run.
     */
    Block execBlock(ExecPlan plan, byte[] input) {
        GuardrailRules parsed;
        try {
            parsed = GuardrailRules.parse(rules);
        } catch (IllegalArgumentException e) {
            return new Block("config", e.getMessage());
        }
        InputGuardrails patterns = new InputGuardrails(parsed);
        Block block = null;
        if (plan instanceof ExecPlan.Sql) {
            block = new SqlGuardrails(parsed).checkScript(input);
        } else if (plan instanceof CommandSpec command && patterns.active()) {
            block = patterns.check(String.join(" ", command.argv()));
        }
        if (block == null && patterns.active()) {
            block = patterns.check(new String(input, StandardCharsets.UTF_8));
        }
        return block;
    }

    /** The terminal's line guard when the connection has regex rules, else null (created on first input). */
    TerminalLineGuard lineGuard() {
        if (lineGuard == null) {
            InputGuardrails patterns;
            try {
                patterns = new InputGuardrails(GuardrailRules.parse(rules));
            } catch (IllegalArgumentException e) {
                patterns = new InputGuardrails(GuardrailRules.NONE); // not reached: the open checked the rules
            }
            lineGuard = patterns.active() ? new TerminalLineGuard(patterns) : NO_LINE_GUARD;
        }
        return lineGuard == NO_LINE_GUARD ? null : lineGuard;
    }
}
