package dev.hoop.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.pgwire.FrontendMessages;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.ConnectionType;
import dev.hoop.common.wire.GatewayPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Verb;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.proto.Packet;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gateway's side of the allow-list per (connection type, verb), on a real gRPC server with the
 * agent's stream played by the test: every client packet type in every session a user can open is
 * either forwarded (recorded first, stamped, stripped of the keys only the gateway sets) or refused
 * (INVALID_ARGUMENT naming it, the session ended and recorded with the reason, the agent told to
 * free the session, the packet never forwarded).
 */
class PacketAllowListTest extends AgentConnectedTestBase {
    /** A connection name of {@link BrokerHarness#TYPES} per type. */
    private static final Map<ConnectionType, String> CONNECTION = Map.of(ConnectionType.POSTGRES, "pg", ConnectionType.TCP, "tcp",
            ConnectionType.COMMAND_LINE, "sh", ConnectionType.HTTP, "web");

    /** Every AgentPacket constant, a packet type of the other direction, an unknown one and the empty one. */
    static List<String> everyClientPacketType() throws IllegalAccessException {
        List<String> types = new ArrayList<>();
        for (Field f : AgentPacket.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
                types.add((String) f.get(null));
            }
        }
        types.add(ClientPacket.WRITE_STDOUT);
        types.add("AgentNoSuchPacket");
        types.add("");
        return types;
    }

    static Stream<Arguments> everyPacketInEverySession() throws IllegalAccessException {
        List<Arguments> rows = new ArrayList<>();
        for (ConnectionType type : ConnectionType.values()) {
            for (Verb verb : type.verbs()) {
                for (String packet : everyClientPacketType()) {
                    rows.add(Arguments.of(type, verb, packet));
                }
            }
        }
        return rows.stream();
    }

    /** What a client would put in the packet: the payload the allow-list's input packets carry. */
    static byte[] payloadFor(String packetType) {
        return switch (packetType) {
            case AgentPacket.PG_CONNECTION_WRITE -> concat(startup("alice", "app"), FrontendMessages.query("select 'probe'"));
            case AgentPacket.TERMINAL_RESIZE_TTY -> utf8("{\"rows\":24,\"cols\":80}");
            case AgentPacket.HTTP_PROXY_CONNECTION_WRITE -> utf8("POST /probe?q=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nprobe");
            default -> utf8("probe\n");
        };
    }

    /** The audit events an allowed packet leaves (besides the session's own): what it carries as input. */
    static List<String> inputRecorded(String packetType) {
        return switch (packetType) {
            case AgentPacket.PG_CONNECTION_WRITE -> List.of("select 'probe'");
            case AgentPacket.EXEC_WRITE_STDIN, AgentPacket.TERMINAL_WRITE_STDIN -> List.of("probe\n");
            case AgentPacket.HTTP_PROXY_CONNECTION_WRITE -> List.of("POST /probe?q=1 HTTP/1.1"); // the request line, not the body
            // raw TCP bytes are not recorded (docs/protocol.md); resizes (recorded as such, below) and closes carry no input
            default -> List.of();
        };
    }

    @ParameterizedTest(name = "{0} {1}: ''{2}''")
    @MethodSource("everyPacketInEverySession")
    void eachPacketIsForwardedAfterItIsRecordedOrRefusedAndTheSessionEnded(ConnectionType type, Verb verb, String packetType) throws Exception {
        PacketProbe clientIn = new PacketProbe();
        StreamObserver<Packet> clientOut = h.stub(Wire.ORIGIN_CLIENT, CONNECTION.get(type), verb.wireName()).connect(clientIn);
        clientOut.onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), null));
        Packet open = agentIn.next();
        assertThat(open.getType()).isEqualTo(AgentPacket.SESSION_OPEN);
        assertThat(Wire.spec(open, SpecKey.GATEWAY_VERB)).isEqualTo(verb.wireName());
        assertThat(Wire.spec(open, SpecKey.GATEWAY_CONNECTION_TYPE)).isEqualTo(type.wireName());
        String sid = Wire.spec(open, SpecKey.GATEWAY_SESSION_ID);
        UUID id = UUID.fromString(sid);

        // keys only the gateway sets, forged by the client
        clientOut.onNext(Wire.packet(packetType, Map.of(SpecKey.CLIENT_CONNECTION_ID, "1", SpecKey.GATEWAY_SESSION_ID, UUID.randomUUID().toString(),
                SpecKey.GATEWAY_CONNECTION_TYPE, "tcp", SpecKey.GATEWAY_VERB, "exec", SpecKey.AGENT_CONNECTION_PARAMS, "{}"), payloadFor(packetType)));

        if (type.refusal(verb, packetType).isEmpty()) {
            Packet forwarded = agentIn.next();
            assertThat(forwarded.getType()).isEqualTo(packetType);
            assertThat(forwarded.getSpecMap().keySet()).containsExactlyInAnyOrder(SpecKey.CLIENT_CONNECTION_ID, SpecKey.GATEWAY_SESSION_ID);
            assertThat(Wire.spec(forwarded, SpecKey.GATEWAY_SESSION_ID)).isEqualTo(sid);
            assertThat(forwarded.getPayload().toByteArray()).isEqualTo(payloadFor(packetType));
            if (!packetType.equals(AgentPacket.SESSION_CLOSE)) {
                clientOut.onNext(Wire.packet(AgentPacket.SESSION_CLOSE, Map.of(), null));
                assertThat(agentIn.next().getType()).isEqualTo(AgentPacket.SESSION_CLOSE);
            }
            assertThat(clientIn.ended().isOk()).isTrue();
            assertThat(h.closed.get(id)).containsExactly(null, null);
            // a PostgreSQL client socket's opening and end are events of their own (docs/sessions.md#client-connections)
            java.util.function.Predicate<AuditEvent> connectionEvent = e -> e.type() == AuditEvent.CONNECTION_OPENED
                    || e.type() == AuditEvent.CONNECTION_CLOSED;
            assertThat(h.audited.get(id)).filteredOn(connectionEvent).extracting(AuditEvent::type)
                    .containsExactlyElementsOf(packetType.equals(AgentPacket.PG_CONNECTION_WRITE) ? List.of('c', 'x') : List.of());
            assertThat(h.audited.get(id)).filteredOn(connectionEvent.negate().and(e -> e.type() != AuditEvent.RESIZE))
                    .allMatch(e -> e.type() == AuditEvent.INPUT)
                    .extracting(e -> new String(e.data(), StandardCharsets.UTF_8)).containsExactlyElementsOf(inputRecorded(packetType));
            // a terminal resize is recorded for replay, normalized
            assertThat(h.audited.get(id)).filteredOn(e -> e.type() == AuditEvent.RESIZE).extracting(e -> new String(e.data(), StandardCharsets.UTF_8))
                    .containsExactlyElementsOf(packetType.equals(AgentPacket.TERMINAL_RESIZE_TTY) ? List.of("{\"rows\":24,\"cols\":80}") : List.of());
        } else {
            String reason = "packet type '" + packetType + "' is not allowed in a " + type.wireName() + " " + verb.wireName()
                    + " session (allowed: " + String.join(", ", type.allowedAfterOpen(verb)) + ")";
            Status refused = clientIn.ended();
            assertThat(refused.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(refused.getDescription()).isEqualTo(reason);
            Packet close = agentIn.next();
            assertThat(close.getType()).as("the refused packet never reaches the agent").isEqualTo(AgentPacket.SESSION_CLOSE);
            assertThat(Wire.spec(close, SpecKey.GATEWAY_SESSION_ID)).isEqualTo(sid);
            assertThat(h.closed.get(id)).containsExactly(null, reason);
            assertThat(h.audited.get(id)).extracting(AuditEvent::type).containsExactly(AuditEvent.ERROR);
            assertThat(new String(h.audited.get(id).getFirst().data(), StandardCharsets.UTF_8)).isEqualTo(reason);
        }
        assertThat(clientIn.packets).as("nothing went to the client but keep-alives")
                .allMatch(p -> p.getType().equals(GatewayPacket.KEEP_ALIVE));
        // after the end, nothing more of the client reaches the agent
        clientOut.onNext(Wire.packet(AgentPacket.EXEC_WRITE_STDIN, Map.of(), utf8("late")));
        assertNothingMoreReachesTheAgent();
    }

    @ParameterizedTest(name = "verb ''{0}''")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "terminal|INVALID_ARGUMENT|unknown verb 'terminal' (expected: connect or exec)",
        "EXEC|INVALID_ARGUMENT|unknown verb 'EXEC' (expected: connect or exec)",
        "''|INVALID_ARGUMENT|missing verb (expected: connect or exec)",
        "NULL|INVALID_ARGUMENT|missing verb (expected: connect or exec)",
    })
    void anUnknownVerbIsRefusedNamingTheAllowedOnesAndNothingIsRecorded(String verb, Status.Code code, String message) throws Exception {
        PacketProbe clientIn = new PacketProbe();
        h.stub(Wire.ORIGIN_CLIENT, "pg", verb).connect(clientIn).onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), null));
        Status refused = clientIn.ended();
        assertThat(refused.getCode()).isEqualTo(code);
        assertThat(refused.getDescription()).isEqualTo(message);
        assertThat(h.opened).isEmpty();
        assertNothingMoreReachesTheAgent();
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "tcp|exec|connection 'tcp': verb 'exec' is not supported by tcp connections (supported: connect)",
        "web|exec|connection 'web': verb 'exec' is not supported by http connections (supported: connect); open it with 'hoop connect' and use any HTTP client on the local port",
    })
    void aVerbTheConnectionsTypeDoesNotSupportIsRefused(String connection, String verb, String message) throws Exception {
        PacketProbe clientIn = new PacketProbe();
        h.stub(Wire.ORIGIN_CLIENT, connection, verb).connect(clientIn).onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), null));
        Status refused = clientIn.ended();
        assertThat(refused.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getDescription()).isEqualTo(message);
        assertThat(h.opened).isEmpty();
        assertNothingMoreReachesTheAgent();
    }

    @ParameterizedTest(name = "{0} connect")
    @CsvSource({"pg,postgres", "tcp,tcp", "sh,command-line", "web,http"})
    void anOpenWithInputOnAConnectSessionIsRefusedAndRecorded(String connection, String type) throws Exception {
        PacketProbe clientIn = new PacketProbe();
        h.stub(Wire.ORIGIN_CLIENT, connection, Wire.VERB_CONNECT).connect(clientIn)
                .onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), utf8("select 1;")));
        String reason = "AgentSessionOpen of a " + type + " connect session must be empty (got 9 bytes of payload); input goes in an exec session";
        Status refused = clientIn.ended();
        assertThat(refused.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getDescription()).isEqualTo(reason);
        UUID id = h.opened.keySet().iterator().next();
        assertThat(h.closed.get(id)).containsExactly(null, reason);
        assertThat(h.audited.get(id)).extracting(AuditEvent::type).containsExactly(AuditEvent.ERROR);
        assertNothingMoreReachesTheAgent();
    }

    @Test
    void aPacketBeforeTheOpenIsRefusedAndOpensNothing() throws Exception {
        PacketProbe clientIn = new PacketProbe();
        StreamObserver<Packet> clientOut = h.stub(Wire.ORIGIN_CLIENT, "pg", Wire.VERB_CONNECT).connect(clientIn);
        clientOut.onNext(Wire.packet(AgentPacket.PG_CONNECTION_WRITE, Map.of(SpecKey.CLIENT_CONNECTION_ID, "1"), FrontendMessages.query("select 1")));
        Status refused = clientIn.ended();
        assertThat(refused.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getDescription()).isEqualTo("packet type 'AgentPGConnectionWrite' before AgentSessionOpen: a session starts with AgentSessionOpen");
        assertThat(h.opened).isEmpty();
        assertNothingMoreReachesTheAgent();
    }

    @Test
    void keepAlivesFromAClientAreConsumedByTheGatewayAndEndNothing() throws Exception {
        PacketProbe clientIn = new PacketProbe();
        StreamObserver<Packet> clientOut = h.stub(Wire.ORIGIN_CLIENT, "sh", Wire.VERB_EXEC).connect(clientIn);
        clientOut.onNext(Wire.packet(GatewayPacket.KEEP_ALIVE, Map.of(), null));
        clientOut.onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), utf8("id\n")));
        assertThat(agentIn.next().getType()).isEqualTo(AgentPacket.SESSION_OPEN);
        clientOut.onNext(Wire.packet(GatewayPacket.KEEP_ALIVE, Map.of(), null));
        clientOut.onNext(Wire.packet(AgentPacket.SESSION_CLOSE, Map.of(), null));
        assertThat(agentIn.next().getType()).as("the keep-alive is not forwarded").isEqualTo(AgentPacket.SESSION_CLOSE);
        assertThat(clientIn.ended().isOk()).isTrue();
    }

    /** Nothing but keep-alives reaches the agent within a round trip of a marker session. */
    private void assertNothingMoreReachesTheAgent() throws Exception {
        // a later session's open is the marker: packets are forwarded in order on one agent stream
        PacketProbe markerIn = new PacketProbe();
        StreamObserver<Packet> marker = h.stub(Wire.ORIGIN_CLIENT, "sh", Wire.VERB_EXEC).connect(markerIn);
        marker.onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), utf8("marker")));
        Packet next = agentIn.next();
        assertThat(next.getType()).isEqualTo(AgentPacket.SESSION_OPEN);
        assertThat(next.getPayload().toStringUtf8()).isEqualTo("marker");
        marker.onCompleted();
    }

    static byte[] startup(String user, String database) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(ByteBuffer.allocate(4).putInt(196608).array());
        for (String s : new String[] {"user", user, "database", database}) {
            body.writeBytes(utf8(s));
            body.write(0);
        }
        body.write(0);
        return concat(ByteBuffer.allocate(4).putInt(body.size() + 4).array(), body.toByteArray());
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
