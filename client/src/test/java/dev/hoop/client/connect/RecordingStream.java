package dev.hoop.client.connect;

import dev.hoop.proto.Packet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/** A gateway stream that records what is sent and requested, with readiness under the test's control. */
final class RecordingStream implements GatewayStream {
    final BlockingQueue<Packet> sent = new LinkedBlockingQueue<>();
    final AtomicInteger requested = new AtomicInteger();
    private volatile boolean ready = true;
    private volatile Runnable onReady = () -> {};

    @Override
    public void send(Packet packet) {
        sent.add(packet);
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    @Override
    public void setOnReadyHandler(Runnable handler) {
        onReady = handler;
    }

    @Override
    public void request(int count) {
        requested.addAndGet(count);
    }

    void ready(boolean value) {
        ready = value;
        if (value) {
            onReady.run();
        }
    }
}
