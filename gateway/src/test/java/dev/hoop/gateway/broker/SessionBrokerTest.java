package dev.hoop.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.ConnectionParams;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.gateway.store.AuditEvent;
import dev.hoop.proto.Packet;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SessionBrokerTest extends BrokerTestBase {
    @Test
    void anExecSessionRunsEndToEndAndIsRecorded() throws Exception {
        PacketProbe agentIn = new PacketProbe();
        StreamObserver<Packet> agentOut = h.connectAgent(agentIn);

        PacketProbe clientIn = new PacketProbe();
        StreamObserver<Packet> clientOut = h.stub(Wire.ORIGIN_CLIENT, "pg").connect(clientIn);
        // a client cannot choose the session id nor inject connection params
        clientOut.onNext(Wire.packet(AgentPacket.SESSION_OPEN,
                Map.of(SpecKey.GATEWAY_SESSION_ID, "spoofed", SpecKey.AGENT_CONNECTION_PARAMS, "{}"), utf8("select 1;")));

        Packet open = agentIn.next();
        assertThat(open.getType()).isEqualTo(AgentPacket.SESSION_OPEN);
        String sid = Wire.spec(open, SpecKey.GATEWAY_SESSION_ID);
        assertThat(UUID.fromString(sid)).isIn(h.opened.keySet());
        assertThat(Wire.spec(open, SpecKey.GATEWAY_CONNECTION_NAME)).isEqualTo("pg");
        assertThat(Wire.spec(open, SpecKey.GATEWAY_CONNECTION_TYPE)).isEqualTo("postgres");
        assertThat(ConnectionParams.fromJson(open.getSpecMap().get(SpecKey.AGENT_CONNECTION_PARAMS).toByteArray()))
                .isEqualTo(BrokerHarness.PARAMS);
        assertThat(open.getPayload().toStringUtf8()).isEqualTo("select 1;");

        agentOut.onNext(Wire.packet(ClientPacket.SESSION_OPEN_OK, Map.of(SpecKey.GATEWAY_SESSION_ID, sid), null));
        agentOut.onNext(Wire.packet(ClientPacket.WRITE_STDOUT, Map.of(SpecKey.GATEWAY_SESSION_ID, sid), utf8("1\n")));
        agentOut.onNext(Wire.packet(ClientPacket.WRITE_STDERR, Map.of(SpecKey.GATEWAY_SESSION_ID, sid), utf8("warning\n")));
        agentOut.onNext(Wire.packet(ClientPacket.SESSION_CLOSE, Map.of(SpecKey.GATEWAY_SESSION_ID, sid, SpecKey.CLIENT_EXIT_CODE, "3"), null));

        Packet ok = clientIn.next();
        assertThat(ok.getType()).isEqualTo(ClientPacket.SESSION_OPEN_OK);
        assertThat(Wire.spec(ok, SpecKey.GATEWAY_CONNECTION_TYPE)).isEqualTo("postgres");
        assertThat(clientIn.next().getPayload().toStringUtf8()).isEqualTo("1\n");
        assertThat(clientIn.next().getPayload().toStringUtf8()).isEqualTo("warning\n");
        Packet close = clientIn.next();
        assertThat(close.getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
        assertThat(Wire.spec(close, SpecKey.CLIENT_EXIT_CODE)).isEqualTo("3");
        assertThat(clientIn.ended().isOk()).isTrue();
        // nothing the client received carries the connection's secrets
        for (Packet p : clientIn.packets) {
            assertThat(p.getSpecMap()).doesNotContainKey(SpecKey.AGENT_CONNECTION_PARAMS);
        }

        UUID id = UUID.fromString(sid);
        assertThat(h.closed.get(id)).containsExactly(3, null);
        assertThat(h.audited.get(id)).extracting(AuditEvent::type).containsExactly('i', 'o', 'e');
        assertThat(h.audited.get(id)).extracting(e -> new String(e.data(), StandardCharsets.UTF_8))
                .containsExactly("select 1;", "1\n", "warning\n");
        agentOut.onCompleted();
    }

    @Test
    @org.junit.jupiter.api.Timeout(30) // without its fix the in-process stream failed and the agent saw nothing
    void anApiExecutionRunsThroughTheBrokersFlowControl() throws Exception {
        PacketProbe agentIn = new PacketProbe();
        StreamObserver<Packet> agentOut = h.connectAgent(agentIn);
        h.awaitAgentOnline();
        java.util.concurrent.CompletableFuture<ApiExecution.Result> result = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new ApiExecution(h.broker).run(BrokerHarness.USER, "pg", "select 2;", Duration.ofSeconds(10));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Packet open = agentIn.next();
        assertThat(open.getType()).isEqualTo(AgentPacket.SESSION_OPEN);
        assertThat(open.getPayload().toStringUtf8()).isEqualTo("select 2;");
        String sid = Wire.spec(open, SpecKey.GATEWAY_SESSION_ID);
        agentOut.onNext(Wire.packet(ClientPacket.SESSION_OPEN_OK, Map.of(SpecKey.GATEWAY_SESSION_ID, sid), null));
        agentOut.onNext(Wire.packet(ClientPacket.WRITE_STDOUT, Map.of(SpecKey.GATEWAY_SESSION_ID, sid), utf8("2\n")));
        agentOut.onNext(Wire.packet(ClientPacket.SESSION_CLOSE, Map.of(SpecKey.GATEWAY_SESSION_ID, sid, SpecKey.CLIENT_EXIT_CODE, "0"), null));
        ApiExecution.Result r = result.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(r.output()).isEqualTo("2\n");
        assertThat(r.exitCode()).isEqualTo(0);
        agentOut.onCompleted();
    }

    @Test
    void idleAgentAndClientStreamsGetKeepAlives() throws Exception {
        PacketProbe agentIn = new PacketProbe();
        StreamObserver<Packet> agentOut = h.connectAgent(agentIn);
        PacketProbe clientIn = new PacketProbe();
        StreamObserver<Packet> clientOut = h.stub(Wire.ORIGIN_CLIENT, "pg").connect(clientIn);
        clientOut.onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), null));
        assertThat(agentIn.next().getType()).isEqualTo(AgentPacket.SESSION_OPEN);
        assertThat(agentIn.next(true).getType()).isEqualTo(dev.hoop.common.wire.GatewayPacket.KEEP_ALIVE);
        assertThat(clientIn.next(true).getType()).isEqualTo(dev.hoop.common.wire.GatewayPacket.KEEP_ALIVE);
        agentOut.onCompleted();
    }

    @Test
    void aSessionThatCannotBeRecordedIsRefusedWithAReason() throws Exception {
        PacketProbe agentIn = new PacketProbe();
        StreamObserver<Packet> agentOut = h.connectAgent(agentIn);
        h.storageDown = true;
        PacketProbe clientIn = new PacketProbe();
        h.stub(Wire.ORIGIN_CLIENT, "pg").connect(clientIn).onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), null));
        Status refused = clientIn.ended();
        assertThat(refused.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(refused.getDescription()).isEqualTo("the gateway cannot record sessions right now (storage unavailable); try again shortly");
        assertThat(h.opened).isEmpty();
        agentOut.onCompleted();
    }

    @Test
    void anUnknownConnectionIsNotFound() throws Exception {
        PacketProbe clientIn = new PacketProbe();
        h.stub(Wire.ORIGIN_CLIENT, "nope").connect(clientIn).onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), null));
        Status status = clientIn.ended();
        assertThat(status.getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status.getDescription()).isEqualTo("connection 'nope' not found");
    }

    @Test
    void anOfflineAgentIsReportedToTheClient() throws Exception {
        PacketProbe clientIn = new PacketProbe();
        h.stub(Wire.ORIGIN_CLIENT, "pg").connect(clientIn).onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), null));
        Packet offline = clientIn.next();
        assertThat(offline.getType()).isEqualTo(ClientPacket.SESSION_OPEN_AGENT_OFFLINE);
        assertThat(offline.getPayload().toStringUtf8()).isEqualTo("agent 'prod-agent' of connection 'pg' is offline");
        assertThat(clientIn.ended().isOk()).isTrue();
        assertThat(h.opened).isEmpty();
    }

    @Test
    void aSecondStreamOfTheSameAgentIsRefusedAndTheFirstStaysOnline() throws Exception {
        PacketProbe first = new PacketProbe();
        StreamObserver<Packet> firstOut = h.connectAgent(first);
        PacketProbe second = new PacketProbe();
        h.stub(Wire.ORIGIN_AGENT, null).connect(second);
        Status refused = second.ended();
        assertThat(refused.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(refused.getDescription()).isEqualTo("agent already connected");
        assertThat(h.broker.agents().isOnline(BrokerHarness.AGENT.id())).isTrue();
        firstOut.onCompleted();
    }

    @Test
    void anAgentLeavingMidSessionClosesTheClientWithTheReason() throws Exception {
        PacketProbe agentIn = new PacketProbe();
        StreamObserver<Packet> agentOut = h.connectAgent(agentIn);
        h.awaitAgentOnline();
        PacketProbe clientIn = new PacketProbe();
        h.stub(Wire.ORIGIN_CLIENT, "pg").connect(clientIn).onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), null));
        UUID id = UUID.fromString(Wire.spec(agentIn.next(), SpecKey.GATEWAY_SESSION_ID));

        agentOut.onError(Status.UNAVAILABLE.asRuntimeException());
        Packet close = clientIn.next();
        assertThat(close.getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
        assertThat(close.getPayload().toStringUtf8()).isEqualTo("agent 'prod-agent' disconnected");
        assertThat(clientIn.ended().isOk()).isTrue();
        assertThat(h.closed.get(id)).containsExactly(null, "agent 'prod-agent' disconnected");
    }

    @Test
    void aClientLeavingTellsTheAgentToFreeTheSession() throws Exception {
        PacketProbe agentIn = new PacketProbe();
        StreamObserver<Packet> agentOut = h.connectAgent(agentIn);
        PacketProbe clientIn = new PacketProbe();
        StreamObserver<Packet> clientOut = h.stub(Wire.ORIGIN_CLIENT, "pg").connect(clientIn);
        clientOut.onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), null));
        String sid = Wire.spec(agentIn.next(), SpecKey.GATEWAY_SESSION_ID);
        clientOut.onCompleted();

        Packet close = agentIn.next();
        assertThat(close.getType()).isEqualTo(AgentPacket.SESSION_CLOSE);
        assertThat(Wire.spec(close, SpecKey.GATEWAY_SESSION_ID)).isEqualTo(sid);
        agentOut.onCompleted();
    }

    @Test
    void aPacketTypeAClientMayNotSendEndsTheSession() throws Exception {
        PacketProbe agentIn = new PacketProbe();
        StreamObserver<Packet> agentOut = h.connectAgent(agentIn);
        PacketProbe clientIn = new PacketProbe();
        StreamObserver<Packet> clientOut = h.stub(Wire.ORIGIN_CLIENT, "pg").connect(clientIn);
        clientOut.onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), null));
        agentIn.next();
        clientOut.onNext(Wire.packet(ClientPacket.WRITE_STDOUT, Map.of(), utf8("forged")));

        Status refused = clientIn.ended();
        assertThat(refused.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(refused.getDescription()).isEqualTo(
                "packet type 'ClientWriteStdout' is not allowed in a postgres exec session (allowed: AgentExecWriteStdin, AgentSessionClose)");
        assertThat(agentIn.next().getType()).isEqualTo(AgentPacket.SESSION_CLOSE);
        agentOut.onCompleted();
    }

    @Test
    void aSlowClientHoldsBackTheAgentInsteadOfQueueing() throws Exception {
        PacketProbe agentIn = new PacketProbe();
        StreamObserver<Packet> agentOut = h.connectAgent(agentIn);
        // the client side reads nothing until told to
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
        io.grpc.stub.ClientResponseObserver<Packet, Packet> slow = new io.grpc.stub.ClientResponseObserver<>() {
            io.grpc.stub.ClientCallStreamObserver<Packet> call;

            @Override
            public void beforeStart(io.grpc.stub.ClientCallStreamObserver<Packet> requestStream) {
                call = requestStream;
                requestStream.disableAutoRequestWithInitial(1);
            }

            @Override
            public void onNext(Packet value) {
                received.incrementAndGet();
                Thread.ofVirtual().start(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    call.request(1);
                });
            }

            public void onError(Throwable t) {}

            public void onCompleted() {}
        };
        StreamObserver<Packet> clientOut = h.stub(Wire.ORIGIN_CLIENT, "pg").connect(slow);
        clientOut.onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), null));
        String sid = Wire.spec(agentIn.next(), SpecKey.GATEWAY_SESSION_ID);

        // the agent pushes 64 MiB while the client reads one packet: the agent's stream must stall
        io.grpc.stub.ClientCallStreamObserver<Packet> agentCall = (io.grpc.stub.ClientCallStreamObserver<Packet>) agentOut;
        byte[] chunk = new byte[1 << 20];
        int sent = 0;
        // stop once the agent's stream has made no progress for a second
        Instant stalledSince = Instant.now();
        while (sent < 64 && Duration.between(stalledSince, Instant.now()).toMillis() < 1000) {
            if (agentCall.isReady()) {
                agentOut.onNext(Wire.packet(ClientPacket.WRITE_STDOUT, Map.of(SpecKey.GATEWAY_SESSION_ID, sid), chunk));
                sent++;
                stalledSince = Instant.now();
            } else {
                Thread.onSpinWait();
            }
        }
        assertThat(sent).as("the agent was held back by the slow client").isLessThan(64);
        assertThat(received.get()).as("packets the client took (data and keep-alives)").isLessThanOrEqualTo(3);
        release.countDown();
        agentOut.onCompleted();
    }
}
