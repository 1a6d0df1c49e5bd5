package dev.hoop.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.config.Env;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code hoop start agent} refuses a wrong configuration with one line and exit code 2. */
class StartAgentCommandTest {
    private static final String SECRET = "xagt-0123456789abcdef0123456789";

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
        "null|null|HOOP_KEY: not set (expected: the agent key printed by 'hoop admin create agent', grpcs://NAME:xagt-SECRET@HOST:PORT; HOOP_DSN is accepted too)",
        "HOOP_KEY|ftp://a:" + SECRET + "@127.0.0.1:8010|HOOP_KEY: key scheme 'ftp' is not supported (expected: grpc, grpcs, http or https)",
        "HOOP_KEY|grpcs://gw.example.com:8443|HOOP_KEY: key has no NAME:SECRET before '@' (expected: grpcs://NAME:xagt-SECRET@HOST:PORT)",
        "HOOP_KEY|grpcs://-agent:" + SECRET + "@gw.example.com|HOOP_KEY: key name '-agent' is invalid (expected: letters, digits, '_', '-', '.', ':', at most 128)",
        "HOOP_KEY|grpcs://agent:secret@gw.example.com|HOOP_KEY: key secret is malformed (expected: 'xagt-' followed by the secret printed by 'hoop admin create agent')",
        "HOOP_KEY|grpcs://agent:" + SECRET + "@:8443|HOOP_KEY: key has no host (expected: grpcs://NAME:xagt-SECRET@HOST:PORT)",
        "HOOP_DSN|grpcs://agent:xagt-short@gw.example.com|HOOP_DSN: key secret is malformed (expected: 'xagt-' followed by the secret printed by 'hoop admin create agent')",
        "HOOP_KEY|grpc://agent:" + SECRET + "@gw.example.com:8010|HOOP_KEY: refusing plaintext gRPC to gw.example.com:8010: the gateway's secrets would cross the network unencrypted (use grpcs:// for TLS, or set HOOP_ALLOW_PLAINTEXT=true to allow plaintext to a non-loopback host)",
    })
    void aWrongKeyIsReportedWithExitCode2(String variable, String value, String message) {
        Map<String, String> env = new HashMap<>();
        if (variable != null) {
            env.put(variable, value);
        }
        assertThat(run(env)).isEqualTo(new Result(2, "hoop start agent: " + message + "\n"));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "LOG_LEVEL|loud|LOG_LEVEL: 'loud' (expected: one of debug, error, info, warn)",
        "LOG_ENCODING|xml|LOG_ENCODING: 'xml' (expected: one of console, json)",
        "LOG_GRPC|maybe|LOG_GRPC: 'maybe' (expected: true or false, 1 or 0)",
        "HOOP_ALLOW_PLAINTEXT|sure|HOOP_ALLOW_PLAINTEXT: 'sure' (expected: true or false, 1 or 0)",
        "HOOP_TLSCA|/nonexistent/ca.pem|HOOP_TLSCA: file '/nonexistent/ca.pem' is not readable (expected: a PEM CA file, PEM text or base64 PEM)",
        "HOOP_METRICS_PORT|65536|HOOP_METRICS_PORT: '65536' (expected: a port number from 0 to 65535)",
        "HOOP_METRICS_PORT|nine|HOOP_METRICS_PORT: 'nine' (expected: a port number from 0 to 65535)",
        "HOOP_METRICS_ADDR|127.0.0.1/metrics|HOOP_METRICS_ADDR: '127.0.0.1/metrics' (expected: an IP address or host name such as 127.0.0.1 or 0.0.0.0)",
    })
    void otherSettingsAreValidated(String variable, String value, String message) {
        Map<String, String> env = new HashMap<>(Map.of("HOOP_KEY", "grpcs://agent:" + SECRET + "@gw.example.com:8443"));
        env.put(variable, value);
        assertThat(run(env)).isEqualTo(new Result(2, "hoop start agent: " + message + "\n"));
    }

    @Test
    void flagsOverrideTheEnvironment() {
        AgentConfig config = AgentConfig.fromEnv(new Env(Map.of("HOOP_DSN", "grpc://agent:" + SECRET + "@127.0.0.1:9999",
                "LOG_LEVEL", "WARN")), true, true);
        assertThat(config.logLevel()).isEqualTo("debug");
        assertThat(config.logGrpc()).isTrue();
        assertThat(config.logEncoding()).isEqualTo("json");
        assertThat(config.target().authority()).isEqualTo("127.0.0.1:9999");
        assertThat(config.toString()).doesNotContain(SECRET.substring(5));
    }

    @Test
    void helpListsTheOptions() {
        StringWriter out = new StringWriter();
        int code = new CommandLine(new StartAgentCommand(new Env(Map.of()))).setOut(new PrintWriter(out)).execute("--help");
        assertThat(code).isZero();
        assertThat(out.toString()).contains("--debug", "--debug-grpc", "HOOP_KEY");
    }

    private record Result(int exitCode, String stderr) {}

    private static Result run(Map<String, String> env) {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new StartAgentCommand(new Env(env))).setErr(new PrintWriter(err)).execute();
        return new Result(code, err.toString());
    }
}
