package dev.hoop.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.hoop.common.wire.AgentPacket;
import dev.hoop.common.wire.ClientPacket;
import dev.hoop.common.wire.SpecKey;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How the broker carries out a {@link ReviewGate}'s answers on a client stream: a held session's
 * WaitingApproval, progress, ApproveOK and rejection; input sent while held dropped; the
 * approved open forwarded as the gate rewrote it; a refusal as the stream's status; the waiting
 * cancelled when the client leaves; the gate told whether the session opened.
 */
class ReviewGateTest extends BrokerTestBase {
    static final UUID REVIEW = UUID.fromString("00000000-0000-0000-0000-0000000000aa");
    /** The gate's next answers, in order; each is given the waiter. */
    final BlockingQueue<java.util.function.Function<ReviewGate.Waiter, ReviewGate.Admission>> answers = new ArrayBlockingQueue<>(8);
    final BlockingQueue<ReviewGate.Request> asked = new ArrayBlockingQueue<>(8);
    volatile ReviewGate.Waiter waiter;

    @BeforeEach
    void answerFromTheQueue() {
        h.broker.withReviews((request, w) -> {
            asked.add(request);
            waiter = w;
            return answers.remove().apply(w);
        });
    }

    @Test
    void aHeldSessionWaitsIsToldOfProgressAndOpensWithTheApprovedScriptAfterApproval() throws Exception {
        PacketProbe agentIn = new PacketProbe();
        StreamObserver<Packet> agentOut = h.connectAgent(agentIn);
        h.awaitAgentOnline();
        AtomicInteger cancelled = new AtomicInteger();
        CompletableFuture<UUID> opened = new CompletableFuture<>();
        answers.add(w -> new ReviewGate.Held(REVIEW, "https://hoop.example/reviews/" + REVIEW, List.of("dba", "sre"), cancelled::incrementAndGet));

        PacketProbe clientIn = new PacketProbe();
        StreamObserver<Packet> clientOut = h.stub(Wire.ORIGIN_CLIENT, "sh").connect(clientIn);
        clientOut.onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), utf8("echo asked")));
        Packet waiting = clientIn.next();
        assertThat(waiting.getType()).isEqualTo(ClientPacket.SESSION_OPEN_WAITING_APPROVAL);
        assertThat(waiting.getSpecMap()).containsOnlyKeys(SpecKey.REVIEW_ID, SpecKey.REVIEW_PENDING_GROUPS);
        assertThat(Wire.spec(waiting, SpecKey.REVIEW_ID)).isEqualTo(REVIEW.toString());
        assertThat(Wire.spec(waiting, SpecKey.REVIEW_PENDING_GROUPS)).isEqualTo("dba,sre");
        assertThat(waiting.getPayload().toStringUtf8()).isEqualTo("https://hoop.example/reviews/" + REVIEW);
        ReviewGate.Request request = asked.remove();
        assertThat(request.user()).isEqualTo(BrokerHarness.USER);
        assertThat(request.connectionName()).isEqualTo("sh");
        assertThat(request.verb()).isEqualTo(dev.hoop.common.wire.Verb.EXEC);
        assertThat(request.open().getPayload().toStringUtf8()).isEqualTo("echo asked");

        // input while held goes nowhere and does not end the stream
        clientOut.onNext(Wire.packet(AgentPacket.EXEC_WRITE_STDIN, Map.of(), utf8("more")));
        waiter.progress(List.of("sre"));
        Packet progress = clientIn.next();
        assertThat(progress.getType()).isEqualTo(ClientPacket.SESSION_OPEN_WAITING_APPROVAL);
        assertThat(Wire.spec(progress, SpecKey.REVIEW_PENDING_GROUPS)).isEqualTo("sre");
        waiter.approved();
        Packet ok = clientIn.next();
        assertThat(ok.getType()).isEqualTo(ClientPacket.SESSION_OPEN_APPROVE_OK);
        assertThat(ok.getSpecMap()).containsOnlyKeys(SpecKey.REVIEW_ID);

        answers.add(w -> new ReviewGate.Pass(asked.peek().open().toBuilder().setPayload(ByteString.copyFromUtf8("echo reviewed")).build(),
                opened::complete));
        clientOut.onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(SpecKey.REVIEW_ID, REVIEW.toString()), utf8("echo swapped")));
        Packet open = agentIn.next();
        assertThat(open.getType()).isEqualTo(AgentPacket.SESSION_OPEN);
        assertThat(open.getPayload().toStringUtf8()).isEqualTo("echo reviewed");
        assertThat(opened.get(5, TimeUnit.SECONDS)).isEqualTo(UUID.fromString(Wire.spec(open, SpecKey.GATEWAY_SESSION_ID)));
        // the new open ended the first wait
        assertThat(cancelled.get()).isEqualTo(1);
        assertThat(h.opened).containsOnlyKeys(opened.get());
        agentOut.onCompleted();
    }

    @Test
    void aRejectionClosesTheStreamWithItsReasonAndNothingReachesTheAgent() throws Exception {
        PacketProbe agentIn = new PacketProbe();
        StreamObserver<Packet> agentOut = h.connectAgent(agentIn);
        h.awaitAgentOnline();
        answers.add(w -> new ReviewGate.Held(REVIEW, "u", List.of("dba"), () -> { }));
        PacketProbe clientIn = new PacketProbe();
        h.stub(Wire.ORIGIN_CLIENT, "sh").connect(clientIn).onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), utf8("rm -rf /")));
        assertThat(clientIn.next().getType()).isEqualTo(ClientPacket.SESSION_OPEN_WAITING_APPROVAL);
        waiter.rejected("review x was rejected by dba@example.com (group dba): no");
        Packet close = clientIn.next();
        assertThat(close.getType()).isEqualTo(ClientPacket.SESSION_CLOSE);
        assertThat(close.getPayload().toStringUtf8()).isEqualTo("review x was rejected by dba@example.com (group dba): no");
        assertThat(clientIn.ended().getCode()).isEqualTo(Status.Code.OK);
        assertThat(agentIn.next(true).getType()).isEqualTo(dev.hoop.common.wire.GatewayPacket.KEEP_ALIVE);
        assertThat(h.opened).isEmpty();
        agentOut.onCompleted();
    }

    @Test
    void aClientLeavingWhileHeldCancelsTheWait() throws Exception {
        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        answers.add(w -> new ReviewGate.Held(REVIEW, "u", List.of("dba"), () -> cancelled.complete(null)));
        PacketProbe clientIn = new PacketProbe();
        StreamObserver<Packet> clientOut = h.stub(Wire.ORIGIN_CLIENT, "sh").connect(clientIn);
        clientOut.onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), utf8("x")));
        assertThat(clientIn.next().getType()).isEqualTo(ClientPacket.SESSION_OPEN_WAITING_APPROVAL);
        clientOut.onCompleted();
        cancelled.get(5, TimeUnit.SECONDS);
        assertThat(clientIn.ended().getCode()).isEqualTo(Status.Code.OK);
    }

    @Test
    void aRefusalEndsTheStreamWithItsStatus() throws Exception {
        answers.add(w -> new ReviewGate.Refused(Status.Code.PERMISSION_DENIED, "review y was rejected"));
        PacketProbe clientIn = new PacketProbe();
        h.stub(Wire.ORIGIN_CLIENT, "sh").connect(clientIn).onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), utf8("x")));
        Status s = clientIn.ended();
        assertThat(s.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(s.getDescription()).isEqualTo("review y was rejected");
    }

    @Test
    void theGateIsToldWhenAPassedSessionCouldNotOpen() throws Exception {
        CompletableFuture<UUID> opened = new CompletableFuture<>();
        answers.add(w -> new ReviewGate.Pass(asked.peek().open(), id -> opened.complete(id == null ? REVIEW : id)));
        PacketProbe clientIn = new PacketProbe();
        // no agent connected: offline
        h.stub(Wire.ORIGIN_CLIENT, "sh").connect(clientIn).onNext(Wire.packet(AgentPacket.SESSION_OPEN, Map.of(), utf8("x")));
        assertThat(clientIn.next().getType()).isEqualTo(ClientPacket.SESSION_OPEN_AGENT_OFFLINE);
        assertThat(opened.get(5, TimeUnit.SECONDS)).as("told null: not opened").isEqualTo(REVIEW);
    }
}
