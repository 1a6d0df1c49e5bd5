package dev.hoop.common.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class GuardrailRulesTest {
    @Test
    void parsesEveryKindOfRule() {
        GuardrailRules r = GuardrailRules.parse(List.of(" DROP ", "truncate", "delete-without-where", "update-without-where",
                "alter-password", "grant", "read-only", "deny-table:Public.Payroll", "deny-function:pg_terminate_backend",
                "regex:rm\\s+-rf"));
        assertThat(r.statementRules()).isEqualTo(Set.of("drop", "truncate", "delete-without-where", "update-without-where",
                "alter-password", "grant"));
        assertThat(r.readOnly()).isTrue();
        assertThat(r.deniedTables()).containsExactly("public.payroll");
        assertThat(r.deniedFunctions()).containsExactly("pg_terminate_backend");
        assertThat(r.inputPatterns()).hasSize(1);
        assertThat(r.inputPatterns().getFirst().pattern()).isEqualTo("rm\\s+-rf");
        assertThat(r.config().getFirst()).isEqualTo("DROP");
        assertThat(r.checksSql()).isTrue();
        assertThat(r.checksInput()).isTrue();
    }

    @Test
    void noRulesChecksNothing() {
        assertThat(GuardrailRules.parse(List.of())).isEqualTo(GuardrailRules.NONE);
        assertThat(GuardrailRules.parse(null)).isEqualTo(GuardrailRules.NONE);
        assertThat(GuardrailRules.NONE.checksSql()).isFalse();
        assertThat(GuardrailRules.NONE.checksInput()).isFalse();
        assertThat(GuardrailRules.parse(List.of("regex:x")).checksSql()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            drop-everything          | guardrails: unknown rule 'drop-everything' (expected: one of read-only, drop, truncate
            drop:x                   | guardrails: unknown rule 'drop:x'
            deny-table:              | guardrails: 'deny-table:' (expected: deny-table:NAME or :SCHEMA.NAME
            deny-table:a;drop        | guardrails: 'deny-table:a;drop' (expected: deny-table:NAME
            deny-function:a.b.c      | guardrails: 'deny-function:a.b.c' (expected: deny-function:NAME
            regex:                   | guardrails: 'regex:' has no pattern
            regex:(unclosed          | guardrails: 'regex:(unclosed' is not a valid regular expression: Unclosed group
            """)
    void badRulesSayWhatIsWrong(String rule, String message) {
        assertThatThrownBy(() -> GuardrailRules.parse(List.of(rule))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void emptyNullOversizedAndTooManyRulesAreRefused() {
        assertThatThrownBy(() -> GuardrailRules.parse(List.of(" "))).hasMessageStartingWith("guardrails: an empty rule");
        assertThatThrownBy(() -> GuardrailRules.parse(Collections.singletonList(null))).hasMessageStartingWith("guardrails: an empty rule");
        assertThatThrownBy(() -> GuardrailRules.parse(List.of("regex:" + "a".repeat(1000))))
                .hasMessage("guardrails: a rule of 1006 characters (expected: at most 1000)");
        assertThatThrownBy(() -> GuardrailRules.parse(Collections.nCopies(201, "drop")))
                .hasMessage("guardrails: 201 rules (expected: at most 200)");
    }
}
