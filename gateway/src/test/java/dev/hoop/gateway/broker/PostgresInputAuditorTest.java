package dev.hoop.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.pgwire.StatementEvent;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PostgresInputAuditorTest {
    @Test
    void describesQueriesAndExecutionsWithTheirParameters() {
        var connection = new PostgresInputAuditor.Connection();
        assertThat(PostgresInputAuditor.describe(connection, new StatementEvent.Query("select 1"))).isEqualTo("select 1");
        assertThat(PostgresInputAuditor.describe(connection, new StatementEvent.Parse("s1", "select * from t where a = $1 and b = $2"))).isNull();
        assertThat(PostgresInputAuditor.describe(connection, new StatementEvent.Bind("", "s1", Arrays.asList("o'k", null))))
                .isEqualTo("select * from t where a = $1 and b = $2 -- parameters: ['o''k', NULL]");
        assertThat(PostgresInputAuditor.describe(connection, new StatementEvent.Execute("", 0))).isNull();
        assertThat(PostgresInputAuditor.describe(connection, new StatementEvent.Bind("", "unknown", List.of())))
                .isEqualTo("<prepared statement 'unknown'>");
        assertThat(PostgresInputAuditor.describe(connection, new StatementEvent.Oversized('Q', 2_000_000)))
                .isEqualTo("-- a 'Q' message of 2000000 bytes, over the audit limit, was not recorded");
    }
}
