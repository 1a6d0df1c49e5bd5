package dev.hoop.agent.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.guardrails.GuardrailRules;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class InputGuardrailsTest {
    private final InputGuardrails rules = new InputGuardrails(GuardrailRules.parse(List.of("regex:rm\\s+-rf", "regex:(?i)\\bshutdown\\b")));

    @Test
    void aPatternMatchingAnywhereBlocksAndIsNamed() {
        assertThat(rules.check("echo hi; rm   -rf /")).isEqualTo(new Block("regex:rm\\s+-rf",
                "the input matches a pattern denied on this connection"));
        assertThat(rules.check("sudo SHUTDOWN -h now").rule()).isEqualTo("regex:(?i)\\bshutdown\\b");
        assertThat(rules.check("ls -la; rm file")).isNull();
        assertThat(new InputGuardrails(GuardrailRules.NONE).active()).isFalse();
    }

    @Test
    void matchingHasAStepBudgetAndInputThatExhaustsItIsBlocked() {
        InputGuardrails small = new InputGuardrails(GuardrailRules.parse(List.of("regex:(.*a){20}")), 1_000);
        assertThat(small.check("bbb")).isNull(); // within the budget
        assertThat(small.check("b".repeat(5_000))).isEqualTo(new Block("regex:(.*a){20}",
                "the input could not be checked against this pattern in time"));
    }

    @Test
    void terminalLinesAreRebuiltFromKeystrokesAndABlockedEnterBecomesCtrlC() {
        TerminalLineGuard guard = new TerminalLineGuard(rules);
        TerminalLineGuard.Result typing = guard.feed(bytes("rm -rX"));
        assertThat(typing.forward()).isEqualTo(bytes("rm -rX"));
        assertThat(typing.block()).isNull();
        TerminalLineGuard.Result enter = guard.feed(bytes("\u007ff /\r"));
        assertThat(enter.block().rule()).isEqualTo("regex:rm\\s+-rf");
        assertThat(enter.forward()).isEqualTo(bytes("\u007ff /\u0003"));
        // the next line starts empty and passes
        TerminalLineGuard.Result next = guard.feed(bytes("ls\r"));
        assertThat(next.block()).isNull();
        assertThat(next.forward()).isEqualTo(bytes("ls\r"));
    }

    @Test
    void ctrlUAndCtrlWForgetWhatTheyErase() {
        TerminalLineGuard guard = new TerminalLineGuard(rules);
        assertThat(guard.feed(bytes("rm -rf /\u0015ls\r")).block()).isNull();
        assertThat(guard.feed(bytes("echo rm -rf\u0017 x\r")).block()).isNull(); // Ctrl-W erased "-rf"
    }

    @Test
    void aPastedLineIsCheckedAndALongLineIsRefused() {
        TerminalLineGuard guard = new TerminalLineGuard(rules);
        TerminalLineGuard.Result pasted = guard.feed(bytes("echo ok\rrm -rf /\rls\r"));
        assertThat(pasted.block()).isNotNull();
        assertThat(pasted.forward()).isEqualTo(bytes("echo ok\rrm -rf /\u0003ls\r"));
        TerminalLineGuard.Result longLine = guard.feed(bytes(" ".repeat(TerminalLineGuard.MAX_LINE_BYTES) + "rm -rf /\r"));
        assertThat(longLine.block().rule()).isEqualTo("regex");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
