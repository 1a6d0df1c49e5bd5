package dev.hoop.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Sessions end when their user loses the right to them, without waiting for a packet from the
 * client (an exec that only receives output sends none): the client gets a ClientSessionClose with
 * the reason, the agent a SessionClose, and the reason is the session's recorded end. Also the
 * orderly shutdown's first step. Real gRPC, the broker's own wiring (BrokerHarness).
 */
class SessionRevocationTest extends AgentConnectedTestBase {
    /** An open exec session streaming output; returns its id. */
    private UUID openStreaming(PacketProbe clientIn) throws InterruptedException {
        h.stub(Wire.ORIGIN_CLIENT, "pg").connect(clientIn).onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), null));
        String sid = Wire.spec(agentIn.next(), SpecKey.GATEWAY_SESSION_ID);
        agentOut.onNext(Wire.packet(ClientPacket.SESSION_OPEN_OK, Map.of(SpecKey.GATEWAY_SESSION_ID, sid), null));
        agentOut.onNext(Wire.packet(ClientPacket.WRITE_STDOUT, Map.of(SpecKey.GATEWAY_SESSION_ID, sid), "tick\n".getBytes(StandardCharsets.UTF_8)));
        assertThat(clientIn.next().getType()).isEqualTo(ClientPacket.SESSION_OPEN_OK);
        assertThat(clientIn.next().getPayload().toStringUtf8()).isEqualTo("tick\n");
        return UUID.fromString(sid);
    }

    private void assertEnded(UUID id, PacketProbe clientIn, String reason) throws Exception {
        Packet close = clientIn.next();
        assertThat(close.getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
        assertThat(close.getPayload().toStringUtf8()).isEqualTo(reason);
        assertThat(clientIn.ended().isOk()).isTrue();
        Packet toAgent = agentIn.next();
        assertThat(toAgent.getType()).isEqualTo(AgentPacket.SESSION_CLOSE);
        assertThat(Wire.spec(toAgent, SpecKey.GATEWAY_SESSION_ID)).isEqualTo(id.toString());
        assertThat(h.closed.get(id)).containsExactly(null, reason);
        assertThat(h.audited.get(id)).extracting(e -> new String(e.data(), StandardCharsets.UTF_8)).containsExactly("tick\n", reason);
    }

    @Test
    void revokingTheUserEndsItsSessionsAtOnce() throws Exception {
        PacketProbe clientIn = new PacketProbe();
        UUID id = openStreaming(clientIn);
        h.revocations.revoke(BrokerHarness.USER.id(), "your user was disabled by an admin; the session is closed");
        assertEnded(id, clientIn, "your user was disabled by an admin; the session is closed");
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void revokingTheUserEndsItsApiExecutionWithTheReason() throws Exception {
        java.util.concurrent.CompletableFuture<ApiExecution.Result> result = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new ApiExecution(h.broker).run(BrokerHarness.USER, "pg", "loop", Duration.ofSeconds(20));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String sid = Wire.spec(agentIn.next(), SpecKey.GATEWAY_SESSION_ID);
        agentOut.onNext(Wire.packet(ClientPacket.SESSION_OPEN_OK, Map.of(SpecKey.GATEWAY_SESSION_ID, sid), null));
        agentOut.onNext(Wire.packet(ClientPacket.WRITE_STDOUT, Map.of(SpecKey.GATEWAY_SESSION_ID, sid), "tick\n".getBytes(StandardCharsets.UTF_8)));
        long t0 = System.nanoTime();
        while (h.broker.agents().onlineIdentity(BrokerHarness.AGENT.id()).isEmpty() || h.opened.isEmpty()) {
            Thread.onSpinWait();
        }
        h.revocations.revoke(BrokerHarness.USER.id(), "the API key of this session was revoked; the session is closed");
        ApiExecution.Result r = result.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.error()).isEqualTo("the API key of this session was revoked; the session is closed");
        assertThat(r.exitCode()).isNull();
        assertThat(awaitClosed(UUID.fromString(sid))).containsExactly(null, "the API key of this session was revoked; the session is closed");
    }

    @Test
    void revokingAnotherPrincipalLeavesTheSessionAlone() throws Exception {
        PacketProbe clientIn = new PacketProbe();
        UUID id = openStreaming(clientIn);
        h.revocations.revoke(UUID.randomUUID(), "someone else");
        // the session still carries output, and then ends as the agent says
        String sid = id.toString();
        agentOut.onNext(Wire.packet(ClientPacket.WRITE_STDOUT, Map.of(SpecKey.GATEWAY_SESSION_ID, sid), "tock\n".getBytes(StandardCharsets.UTF_8)));
        agentOut.onNext(Wire.packet(ClientPacket.SESSION_CLOSE, Map.of(SpecKey.GATEWAY_SESSION_ID, sid, SpecKey.CLIENT_EXIT_CODE, "0"), null));
        assertThat(clientIn.next().getPayload().toStringUtf8()).isEqualTo("tock\n");
        assertThat(clientIn.next().getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
        assertThat(clientIn.ended().isOk()).isTrue();
        assertThat(h.closed.get(id)).containsExactly(0, null);
    }

    @Test
    void losingAccessToTheConnectionEndsTheSession() throws Exception {
        PacketProbe clientIn = new PacketProbe();
        UUID id = openStreaming(clientIn);
        h.pgAllowed = false;
        h.revocations.accessChanged(BrokerHarness.ORG, "the access rules (plugin 'access_control') changed");
        assertEnded(id, clientIn,
                "your access to connection 'pg' was removed (the access rules (plugin 'access_control') changed); the session is closed");
    }

    @Test
    void aChangeInAnotherOrgLeavesTheSessionAlone() throws Exception {
        PacketProbe clientIn = new PacketProbe();
        UUID id = openStreaming(clientIn);
        h.pgAllowed = false;
        h.revocations.accessChanged(UUID.randomUUID(), "another org");
        h.pgAllowed = true;
        h.revocations.accessChanged(BrokerHarness.ORG, "allowed again");
        agentOut.onNext(Wire.packet(ClientPacket.SESSION_CLOSE, Map.of(SpecKey.GATEWAY_SESSION_ID, id.toString(), SpecKey.CLIENT_EXIT_CODE, "0"), null));
        assertThat(clientIn.next().getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
        assertThat(awaitClosed(id)).containsExactly(0, null);
    }

    /** The session's recorded end; recorded off the event loop, right after the client was told. */
    private Object[] awaitClosed(UUID id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!h.closed.containsKey(id)) {
            assertThat(System.nanoTime()).as("the end of " + id + " recorded in time").isLessThan(deadline);
            Thread.onSpinWait();
        }
        return h.closed.get(id);
    }

    @Test
    void shutdownEndsOpenSessionsRecordsTheirEndsAndRefusesNewOnes() throws Exception {
        PacketProbe clientIn = new PacketProbe();
        UUID id = openStreaming(clientIn);
        assertThat(h.broker.endAll(Duration.ofSeconds(10))).isZero();
        // endAll returned only once the end was recorded
        assertThat(h.closed.get(id)).containsExactly(null, SessionBroker.SHUTTING_DOWN);
        assertEnded(id, clientIn, SessionBroker.SHUTTING_DOWN);

        PacketProbe late = new PacketProbe();
        h.stub(Wire.ORIGIN_CLIENT, "pg").connect(late).onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), null));
        assertThat(late.ended().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
        assertThat(late.ended().getDescription()).isEqualTo("the gateway is shutting down; try again in a moment");
        assertThat(late.packets).isEmpty();
    }
}
