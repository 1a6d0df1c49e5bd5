package dev.hoop.common.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The allow-list per (connection type, verb): the contract gateway and agent both enforce. */
class ConnectionTypeTest {
    /** Every packet type a client could name: each AgentPacket constant, plus ones that are none. */
    static List<String> everyClientPacketType() {
        List<String> types = new ArrayList<>();
        for (Field f : AgentPacket.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                try {
                    types.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new AssertionError(e);
                }
            }
        }
        types.add(ClientPacket.WRITE_STDOUT);
        types.add("AgentNoSuchPacket");
        types.add("");
        return types;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "postgres|connect|AgentPGConnectionWrite,AgentCloseTCPConnection,AgentSessionClose",
        "postgres|exec|AgentExecWriteStdin,AgentSessionClose",
        "tcp|connect|AgentTCPConnectionWrite,AgentCloseTCPConnection,AgentSessionClose",
        "tcp|exec|",
        "command-line|connect|AgentTerminalWriteStdin,AgentTerminalResizeTTY,AgentSessionClose",
        "command-line|exec|AgentExecWriteStdin,AgentSessionClose",
        "http|connect|AgentHttpProxyConnectionWrite,AgentCloseTCPConnection,AgentSessionClose",
        "http|exec|",
    })
    void everyPacketTypeIsAllowedExactlyWhereTheTableSays(String typeName, String verbName, String allowed) {
        ConnectionType type = ConnectionType.find(typeName).orElseThrow();
        Verb verb = Verb.find(verbName).orElseThrow();
        List<String> expected = allowed == null ? List.of() : Arrays.asList(allowed.split(","));
        assertThat(type.allowedAfterOpen(verb)).containsExactlyElementsOf(expected);
        assertThat(type.supports(verb)).isEqualTo(!expected.isEmpty());
        for (String packet : everyClientPacketType()) {
            assertThat(type.refusal(verb, packet).isEmpty()).as("%s allowed in %s %s", packet, type, verb).isEqualTo(expected.contains(packet));
        }
        // AgentSessionOpen is the first packet only: never allowed again inside the session
        assertThat(type.refusal(verb, AgentPacket.SESSION_OPEN)).isPresent();
    }

    @Test
    void aRefusalNamesThePacketTheTypeTheVerbAndWhatIsAllowed() {
        assertThat(ConnectionType.POSTGRES.refusal(Verb.CONNECT, AgentPacket.EXEC_WRITE_STDIN)).contains(
                "packet type 'AgentExecWriteStdin' is not allowed in a postgres connect session "
                        + "(allowed: AgentPGConnectionWrite, AgentCloseTCPConnection, AgentSessionClose)");
        assertThat(ConnectionType.TCP.refusal(Verb.EXEC, AgentPacket.SESSION_CLOSE)).contains(
                "verb 'exec' is not supported by tcp connections (supported: connect)");
    }

    @ParameterizedTest(name = "{0} {1}: {2} bytes")
    @CsvSource(delimiter = '|', value = {
        "postgres|connect|0|",
        "postgres|connect|9|AgentSessionOpen of a postgres connect session must be empty (got 9 bytes of payload); input goes in an exec session",
        "postgres|exec|9|",
        "tcp|connect|1|AgentSessionOpen of a tcp connect session must be empty (got 1 bytes of payload); input goes in an exec session",
        "command-line|connect|3|AgentSessionOpen of a command-line connect session must be empty (got 3 bytes of payload); input goes in an exec session",
        "command-line|exec|3|",
    })
    void onlyAnExecOpenCarriesInput(String typeName, String verbName, int bytes, String refusal) {
        ConnectionType type = ConnectionType.find(typeName).orElseThrow();
        assertThat(type.openRefusal(Verb.find(verbName).orElseThrow(), bytes).orElse(null)).isEqualTo(refusal);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "postgres|connect|",
        "postgres|exec|",
        "tcp|exec|verb 'exec' is not supported by tcp connections (supported: connect)",
        "command-line|exec|",
        "http|connect|",
        "http|exec|verb 'exec' is not supported by http connections (supported: connect); open it with 'hoop connect' and use any HTTP client on the local port",
    })
    void verbsPerType(String typeName, String verbName, String refusal) {
        assertThat(ConnectionType.find(typeName).orElseThrow().verbRefusal(Verb.find(verbName).orElseThrow()).orElse(null)).isEqualTo(refusal);
    }

    @ParameterizedTest(name = "''{0}''")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "connect|",
        "exec|",
        "Connect|unknown verb 'Connect' (expected: connect or exec)",
        "terminal|unknown verb 'terminal' (expected: connect or exec)",
        "''|missing verb (expected: connect or exec)",
        "NULL|missing verb (expected: connect or exec)",
    })
    void verbsAreExactlyConnectAndExec(String name, String refusal) {
        assertThat(Verb.find(name).isEmpty()).isEqualTo(refusal != null);
        if (refusal != null) {
            assertThat(Verb.unknown(name)).isEqualTo(refusal);
        }
    }

    @Test
    void namesPortsAndWritePackets() {
        assertThat(ConnectionType.wireNames()).containsExactly("postgres", "tcp", "command-line", "http");
        assertThat(ConnectionType.find("Postgres")).isEmpty();
        assertThat(ConnectionType.find(null)).isEmpty();
        assertThat(ConnectionType.unknown("redis")).isEqualTo("unknown connection type 'redis' (expected: postgres, tcp, command-line, http)");
        assertThat(ConnectionType.POSTGRES.defaultLocalPort()).isEqualTo(OptionalInt.of(5433));
        assertThat(ConnectionType.TCP.defaultLocalPort()).isEqualTo(OptionalInt.of(8999));
        assertThat(ConnectionType.HTTP.defaultLocalPort()).isEqualTo(OptionalInt.of(8081));
        assertThat(ConnectionType.COMMAND_LINE.defaultLocalPort()).isEmpty();
        assertThat(ConnectionType.POSTGRES.inboundWrite()).contains(AgentPacket.PG_CONNECTION_WRITE);
        assertThat(ConnectionType.POSTGRES.outboundWrite()).contains(ClientPacket.PG_CONNECTION_WRITE);
        assertThat(ConnectionType.TCP.inboundWrite()).contains(AgentPacket.TCP_CONNECTION_WRITE);
        assertThat(ConnectionType.TCP.outboundWrite()).contains(ClientPacket.TCP_CONNECTION_WRITE);
        assertThat(ConnectionType.HTTP.inboundWrite()).contains(AgentPacket.HTTP_PROXY_CONNECTION_WRITE);
        assertThat(ConnectionType.COMMAND_LINE.inboundWrite()).isEmpty();
        assertThat(ConnectionType.COMMAND_LINE.outboundWrite()).isEmpty();
    }
}
