package dev.hoop.agent.transport;

import static dev.hoop.agent.transport.Packets.WAIT;
import static dev.hoop.agent.transport.Packets.bytes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.agent.tcp.TcpHandlers;
import dev.hoop.agent.tcp.TestServers;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.ConnectionParams;
import dev.hoop.common.wire.ConnectionType;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Verb;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Defence in depth: the agent enforces the allow-list per (connection type, verb) itself, as if
 * the gateway had let a packet through. A refused packet ends the session with the reason and
 * reaches no resource: no process starts, no socket opens.
 */
class AgentAllowListTest extends AgentFixture {
    @TempDir
    Path dir;

    /** Every packet type the allow-list refuses somewhere, in every session where it refuses it. */
    static Stream<Arguments> everyRefusedPacketInEverySession() throws IllegalAccessException {
        List<String> packets = new ArrayList<>();
        for (Field f : AgentPacket.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                packets.add((String) f.get(null));
            }
        }
        packets.add("AgentNoSuchPacket");
        List<Arguments> rows = new ArrayList<>();
        for (ConnectionType type : ConnectionType.values()) {
            for (Verb verb : type.verbs()) {
                for (String packet : packets) {
                    // AgentSessionOpen again is a second open of the same id: the gateway never sends one (kept, logged);
                    // AgentGatewayConnectOK is the stream's own packet, consumed by GatewayStream before any session sees it
                    if (type.refusal(verb, packet).isPresent() && !packet.equals(AgentPacket.SESSION_OPEN)
                            && !packet.equals(AgentPacket.GATEWAY_CONNECT_OK)) {
                        rows.add(Arguments.of(type, verb, packet));
                    }
                }
            }
        }
        return rows.stream();
    }

    private AgentController agentServingTcpAndPostgres() {
        // postgres and http relayed as raw TCP: what is under test is that nothing reaches the target at all
        return agent(SECRET, new HandlerRegistry().tcp(new TcpHandlers(io)).postgres(new TcpHandlers(io)).http(new TcpHandlers(io)));
    }

    @ParameterizedTest(name = "{0} {1}: {2}")
    @MethodSource("everyRefusedPacketInEverySession")
    void aPacketOutsideTheAllowListEndsTheSessionAndReachesNoResource(ConnectionType type, Verb verb, String packetType) throws Exception {
        agentServingTcpAndPostgres();
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        Path ran = dir.resolve("ran");
        try (TestServers.Echo target = new TestServers.Echo("")) {
            ConnectionParams params = new ConnectionParams("c", type.wireName(), List.of("sh", "-c", "touch " + ran),
                    Map.of("HOST", "127.0.0.1", "PORT", Integer.toString(target.port())));
            link.send(Packets.open("s", params, verb, ""));
            assertThat(link.next(WAIT).getType()).isEqualTo(ClientPacket.SESSION_OPEN_OK);
            // postgres and tcp sessions check the target is reachable before the OK: one connection
            int reachChecks = type.inboundWrite().isPresent() ? 1 : 0;
            await(() -> target.acceptedConnections() == reachChecks, "the reachability check's connection");

            link.send(Packets.connection(packetType, "s", "1", bytes("probe\n")));
            Packet close = link.next(WAIT);
            assertThat(close.getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
            assertThat(close.getPayload().toStringUtf8()).isEqualTo(type.refusal(verb, packetType).orElseThrow());
            assertThat(close.getSpecMap()).doesNotContainKey(SpecKey.CLIENT_EXIT_CODE);

            // the session is gone: a later packet of it is answered as such, and nothing ran or connected
            link.send(Packets.connection(AgentPacket.EXEC_WRITE_STDIN, "s", "1", bytes("late\n")));
            assertThat(link.next(WAIT).getPayload().toStringUtf8()).isEqualTo("session s is not open on this agent (it ended, or the agent restarted)");
            assertThat(Files.exists(ran)).as("a command ran").isFalse();
            assertThat(target.acceptedConnections()).as("connections to the target").isEqualTo(reachChecks);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "tcp|NULL||AgentSessionOpen failed on the agent: gateway.verb: missing verb (expected: connect or exec)",
        "tcp|shell||AgentSessionOpen failed on the agent: gateway.verb: unknown verb 'shell' (expected: connect or exec)",
        "tcp|exec||AgentSessionOpen failed on the agent: verb 'exec' is not supported by tcp connections (supported: connect)",
        "http|exec||AgentSessionOpen failed on the agent: verb 'exec' is not supported by http connections (supported: connect); open it with 'hoop connect' and use any HTTP client on the local port",
        "redis|connect||AgentSessionOpen failed on the agent: unknown connection type 'redis' (expected: postgres, tcp, command-line, http)",
        "postgres|connect|select 1;|AgentSessionOpen failed on the agent: AgentSessionOpen of a postgres connect session must be empty (got 9 bytes of payload); input goes in an exec session",
        "command-line|connect|id|AgentSessionOpen failed on the agent: AgentSessionOpen of a command-line connect session must be empty (got 2 bytes of payload); input goes in an exec session",
    })
    void anOpenOutsideTheContractIsRefusedBeforeAnythingRuns(String type, String verb, String input, String reason) throws Exception {
        agentServingTcpAndPostgres();
        TestGateway.AgentLink link = gateway.nextLink(WAIT);
        Path ran = dir.resolve("ran");
        try (TestServers.Echo target = new TestServers.Echo("")) {
            ConnectionParams params = new ConnectionParams("c", type, List.of("sh", "-c", "touch " + ran),
                    Map.of("HOST", "127.0.0.1", "PORT", Integer.toString(target.port())));
            Packet open = Packets.open("o", params, Verb.CONNECT, input == null ? "" : input).toBuilder().removeSpec(SpecKey.GATEWAY_VERB).build();
            if (verb != null) {
                open = open.toBuilder().putSpec(SpecKey.GATEWAY_VERB, Packets.utf8(verb)).build();
            }
            link.send(open);
            Packet close = link.next(WAIT);
            assertThat(close.getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
            assertThat(Wire.spec(close, SpecKey.GATEWAY_SESSION_ID)).isEqualTo("o");
            assertThat(close.getPayload().toStringUtf8()).isEqualTo(reason);
            assertThat(Files.exists(ran)).isFalse();
            assertThat(target.acceptedConnections()).isZero();
        }
    }
}
