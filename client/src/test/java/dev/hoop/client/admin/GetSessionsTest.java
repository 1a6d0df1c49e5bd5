package dev.hoop.client.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hoop.client.Cli;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How {@code hoop admin get sessions ID [--follow]} prints events (the live path runs in e2e SessionsLiveThroughHoopTest). */
class GetSessionsTest {
    @TempDir Path home;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"offset_ms\":5123,\"type\":\"i\",\"data\":\"select 1\",\"encoding\":\"utf8\",\"connection\":2}|[+5.123s] i #2 select 1",
            "{\"offset_ms\":0,\"type\":\"o\",\"data\":\"done\\n\",\"encoding\":\"utf8\",\"connection\":null}|[+0.000s] o done",
            "{\"offset_ms\":7,\"type\":\"o\",\"data\":\"AAE=\",\"encoding\":\"base64\",\"connection\":null}|[+0.007s] o <base64 AAE=>",
            "{\"offset_ms\":1,\"type\":\"o\",\"data\":\"\\u001b]0;pwned\\u0007red\\u009b\",\"encoding\":\"utf8\"}|[+0.001s] o \\x1b]0;pwned\\x07red\\x9b"})
    void oneLinePerEventWithControlCharactersEscaped(String json, String line) throws Exception {
        assertThat(GetSessions.line(new ObjectMapper().readTree(json))).isEqualTo(line);
    }

    @Test
    void followNeedsASessionId() {
        Cli.Result r = Cli.run(home, Map.of("HOOP_APIURL", "http://127.0.0.1:9", "HOOP_TOKEN", "t"), "admin", "get", "sessions", "--follow");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--follow needs a session ID (hoop admin get sessions ID --follow)");
    }
}
