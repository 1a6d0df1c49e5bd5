package dev.hoop.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hoop.common.wire.GatewayPacket;
import dev.hoop.common.wire.Wire;
import dev.hoop.proto.Packet;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Sends never wait; a producer's credit is held while the stream is full and given back when it drains or ends. */
class OutboundStreamTest {
    private static final Packet PING = Wire.packet(GatewayPacket.KEEP_ALIVE, Map.of(), null);

    @Test
    void aTaskRunsAtOnceWhileTheStreamHasRoom() {
        FakeCall call = new FakeCall();
        OutboundStream out = new OutboundStream(call);
        AtomicInteger credit = new AtomicInteger();
        assertThat(out.send(PING)).isTrue();
        out.whenReady(credit::incrementAndGet);
        assertThat(credit).hasValue(1);
        assertThat(call.sent).hasSize(1);
    }

    @Test
    void aFullStreamHoldsTheTaskUntilItIsReadyAgain() {
        FakeCall call = new FakeCall();
        OutboundStream out = new OutboundStream(call);
        AtomicInteger credit = new AtomicInteger();
        call.ready = false;
        // the send itself does not wait: the packet goes to gRPC's buffer
        assertThat(out.send(PING)).isTrue();
        out.whenReady(credit::incrementAndGet);
        out.whenReady(credit::incrementAndGet);
        assertThat(credit).hasValue(0);

        call.onReady.run(); // a spurious callback: still full
        assertThat(credit).hasValue(0);

        call.ready = true;
        call.onReady.run();
        assertThat(credit).hasValue(2);
        call.onReady.run();
        assertThat(credit).hasValue(2);
    }

    @Test
    void offerSendsNothingWhenFull() {
        FakeCall call = new FakeCall();
        OutboundStream out = new OutboundStream(call);
        call.ready = false;
        assertThat(out.offer(PING)).isFalse();
        assertThat(call.sent).isEmpty();
    }

    @Test
    void aCancelledOrCompletedStreamReleasesWhatWaitsAndRefusesSends() {
        FakeCall cancelled = new FakeCall();
        OutboundStream a = new OutboundStream(cancelled);
        AtomicInteger credit = new AtomicInteger();
        cancelled.ready = false;
        a.whenReady(credit::incrementAndGet);
        cancelled.cancelled = true;
        cancelled.onCancel.run();
        assertThat(credit).hasValue(1);
        assertThat(a.send(PING)).isFalse();

        FakeCall completed = new FakeCall();
        OutboundStream b = new OutboundStream(completed);
        completed.ready = false;
        b.whenReady(credit::incrementAndGet);
        b.complete();
        assertThat(credit).hasValue(2);
        assertThat(completed.completed).isTrue();
        assertThat(b.send(PING)).isFalse();
        // once closed, nothing waits any more
        b.whenReady(credit::incrementAndGet);
        assertThat(credit).hasValue(3);
    }

    @Test
    void aSendThatFailsClosesTheStreamAndReleasesWaiters() {
        FakeCall call = new FakeCall();
        OutboundStream out = new OutboundStream(call);
        AtomicInteger credit = new AtomicInteger();
        call.ready = false;
        out.whenReady(credit::incrementAndGet);
        call.failSends = true;
        assertThat(out.send(PING)).isFalse();
        assertThat(out.isClosed()).isTrue();
        assertThat(credit).hasValue(1);
    }

    /** The server call as the broker sees it; readiness and callbacks driven by the test. */
    private static final class FakeCall extends ServerCallStreamObserver<Packet> {
        final List<Packet> sent = new ArrayList<>();
        volatile boolean ready = true;
        volatile boolean cancelled;
        volatile boolean completed;
        volatile boolean failSends;
        Runnable onReady = () -> { };
        Runnable onCancel = () -> { };

        @Override
        public void onNext(Packet value) {
            if (failSends) {
                throw new IllegalStateException("call already closed");
            }
            sent.add(value);
        }

        @Override
        public void onError(Throwable t) {
            completed = true;
        }

        @Override
        public void onCompleted() {
            completed = true;
        }

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public void setOnReadyHandler(Runnable onReadyHandler) {
            onReady = onReadyHandler;
        }

        @Override
        public void setOnCancelHandler(Runnable onCancelHandler) {
            onCancel = onCancelHandler;
        }

        @Override
        public void setCompression(String compression) {}

        @Override
        public void disableAutoInboundFlowControl() {}

        @Override
        public void request(int count) {}

        @Override
        public void setMessageCompression(boolean enable) {}
    }
}
