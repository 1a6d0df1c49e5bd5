package dev.hoop.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.CallStreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadySenderTest {
    /** A call whose readiness the test controls; records what was sent. */
    static final class Call extends CallStreamObserver<String> {
        volatile boolean ready;
        volatile boolean closedUnderUs;
        final List<String> sent = new CopyOnWriteArrayList<>();

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void onNext(String value) {
            if (closedUnderUs) {
                throw new IllegalStateException("call already closed");
            }
            sent.add(value);
        }

        @Override public void setOnReadyHandler(Runnable onReadyHandler) {}
        @Override public void disableAutoInboundFlowControl() {}
        @Override public void request(int count) {}
        @Override public void setMessageCompression(boolean enable) {}
        @Override public void onError(Throwable t) {}
        @Override public void onCompleted() {}
    }

    @Test
    void aSendWaitsForRoomAndGoesOutWhenThereIs() throws Exception {
        Call call = new Call();
        ReadySender<String> sender = new ReadySender<>(call, () -> false, () -> { });
        CompletableFuture<Boolean> sent = CompletableFuture.supplyAsync(() -> sender.send("a"));
        assertThat(sender.offer("b")).as("no room: offer never waits").isFalse();
        assertThat(call.sent).isEmpty();
        call.ready = true;
        sender.signalReady();
        assertThat(sent.get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(call.sent).containsExactly("a");
        assertThat(sender.offer("c")).isTrue();
        assertThat(call.sent).containsExactly("a", "c");
    }

    @Test
    void aGoneStreamRefusesAndReleasesAWaitingSender() throws Exception {
        Call call = new Call();
        AtomicBoolean gone = new AtomicBoolean();
        ReadySender<String> sender = new ReadySender<>(call, gone::get, () -> { });
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> sender.send("a"));
        gone.set(true);
        sender.signalReady();
        assertThat(waiting.get(5, TimeUnit.SECONDS)).isFalse();
        call.ready = true;
        assertThat(sender.send("b")).isFalse();
        assertThat(call.sent).isEmpty();
    }

    @Test
    void aCallClosedUnderUsCountsAsBroken() {
        Call call = new Call();
        call.ready = true;
        call.closedUnderUs = true;
        AtomicBoolean broken = new AtomicBoolean();
        ReadySender<String> sender = new ReadySender<>(call, () -> false, () -> broken.set(true));
        assertThat(sender.send("a")).isFalse();
        assertThat(broken).isTrue();
    }
}
