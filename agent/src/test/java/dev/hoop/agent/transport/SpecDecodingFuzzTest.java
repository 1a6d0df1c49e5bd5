package dev.hoop.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.hoop.agent.exec.CommandSpec;
import dev.hoop.agent.exec.Commands;
import dev.hoop.agent.tcp.TcpAddress;
import dev.hoop.common.wire.ConnectionParams;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fuzzes what the agent decodes from a gateway packet before it runs anything: {@code terminal.args}
 * (the client's own arguments), {@code agent.connection_params}, the HOST/PORT it connects to and
 * the command it resolves. Only {@link IllegalArgumentException} may come out (the dispatcher turns
 * it into a session close with the reason; anything else is logged as an agent failure with a stack
 * trace), and the agent's own credentials never reach the command's environment.
 */
class SpecDecodingFuzzTest {
    private static final Map<String, String> AGENT_ENV = Map.of("HOOP_KEY", "agent-secret", "PATH", "/usr/bin");

    @FuzzTest(maxDuration = "15s")
    void terminalArgs(byte[] bytes) {
        String raw = new String(bytes, StandardCharsets.UTF_8);
        Packet p = Wire.packet("ExecWriteStdin", Map.of(SpecKey.TERMINAL_ARGS, raw), null);
        List<String> args;
        try {
            args = Dispatcher.args(p);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isEqualTo("malformed " + SpecKey.TERMINAL_ARGS + " (expected: a JSON array of strings)");
            return;
        }
        assertThat(args).doesNotContainNull();
        ConnectionParams params = new ConnectionParams("c", "command-line", List.of("prog"), Map.of());
        CommandSpec spec = Commands.resolve(params, args, AGENT_ENV);
        List<String> argv = new ArrayList<>(List.of("prog"));
        argv.addAll(args);
        assertThat(spec.argv()).isEqualTo(argv);
    }

    @FuzzTest(maxDuration = "15s")
    void connectionParams(FuzzedDataProvider data) {
        byte[] json = data.consumeRemainingAsBytes();
        ConnectionParams params;
        try {
            params = ConnectionParams.fromJson(json);
        } catch (IllegalArgumentException e) {
            return;
        }
        try {
            TcpAddress address = TcpAddress.of(params);
            assertThat(address.port()).isBetween(1, 65535);
            assertThat(address.host()).isNotBlank().isEqualTo(address.host().trim());
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("connection '" + params.name() + "' has ");
        }
        CommandSpec spec;
        try {
            spec = Commands.resolve(params, List.of(), AGENT_ENV);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).isNotBlank();
            return;
        }
        assertThat(spec.argv()).isNotEmpty().doesNotContainNull();
        if (!params.envs().containsKey("HOOP_KEY")) {
            assertThat(spec.env()).doesNotContainKey("HOOP_KEY");
            assertThat(String.join(" ", spec.argv())).as("argv of %s", new String(json, StandardCharsets.UTF_8))
                    .doesNotContain("agent-secret");
        }
    }
}
